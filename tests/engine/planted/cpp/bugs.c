#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct buffer {
    char *data;
    size_t len;
};

int reset_counter(int v)
{
    if (v = 0) { /* expect: cppcheck:assignmentInCondition */
        return 1;
    }
    return v;
}

int same_size(int a, int b)
{
    return a == a; /* expect: cppcheck:duplicateExpression */
}

char *copy_name(const char *name)
{
    char *out = malloc(strlen(name));  /* missed: malloc one byte short for the terminator */
    strcpy(out, name);
    return out;
}

int read_config(const char *path)
{
    FILE *f = fopen(path, "r");
    char line[64];
    if (fgets(line, sizeof line, f) == NULL) {
        return -1; /* expect: cppcheck:resourceLeak */
    }
    fclose(f);
    return atoi(line);
}

void release(struct buffer *b)
{
    free(b->data);
    printf("%s\n", b->data); /* missed: use after free */
}

int last_item(void)
{
    int items[10];
    for (int i = 0; i < 10; i++) {
        items[i] = i * 2;
    }
    return items[10]; /* expect: cppcheck:arrayIndexOutOfBounds */
}

void log_size(size_t n)
{
    printf("%d bytes\n", n); /* expect: cppcheck:invalidPrintfArgType_sint */
}

int average(int total)
{
    int count = 0;
    return total / count; /* expect: cppcheck:zerodiv */
}

int *make_counter(void)
{
    int counter = 0;
    return &counter; /* expect: cppcheck:returnDanglingLifetime */
}
