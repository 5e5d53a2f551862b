#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct buffer {
    char *data;
    size_t len;
};

int reset_counter(int v)
{
    if (v == 0) {
        return 1;
    }
    return v;
}

char *copy_name(const char *name)
{
    size_t len = strlen(name) + 1;
    char *out = malloc(len);
    if (out == NULL) {
        return NULL;
    }
    memcpy(out, name, len);
    return out;
}

int read_config(const char *path)
{
    FILE *f = fopen(path, "r");
    char line[64];
    int value = -1;
    if (f == NULL) {
        return -1;
    }
    if (fgets(line, sizeof line, f) != NULL) {
        value = (int)strtol(line, NULL, 10);
    }
    fclose(f);
    return value;
}

void release(struct buffer *b)
{
    free(b->data);
    b->data = NULL;
    b->len = 0;
}

int last_item(void)
{
    int items[10];
    for (int i = 0; i < 10; i++) {
        items[i] = i * 2;
    }
    return items[9];
}

void log_size(size_t n)
{
    printf("%zu bytes\n", n);
}

int average(int total, int count)
{
    if (count == 0) {
        return 0;
    }
    return total / count;
}
