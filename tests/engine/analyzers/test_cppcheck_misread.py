"""cppcheck results the source shows to be misread, recognised on recorded result lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from opencheck.engine.analyzers.cppcheck_misread import SourceLines, misread

SDS = """char *grow(char *s, size_t len) {
    void *sh = s - 1, *newsh;
    newsh = realloc(sh, len + 2);
    if (newsh == NULL) return NULL;
    s = (char*)newsh + 1;
    return s;
}
void *guarded(size_t len) {
    struct guard *guard = malloc(len + 8);
    char *mem = (char*)&(guard[1]);
    return (void*)mem;
}
char *lose(size_t len) {
    char *p = malloc(len);
    char *q = malloc(len);
    return q;
}
int attach(int fd) {
    int *lock = get(fd);
    if (!lock) {
        ALLOC_LOCK(lock, RECURSIVE);
        if (!lock)
            return -1;
    }
    if (fd) {
        if (fd)
            return 1;
    }
    if (fd > 1)
        fd = 1;
    socket_error_to_string(fd);
    strerror(fd);
    return 0;
}
"""

SAME = """int same(int a, int *topics[]) {
    if (a == a || a->n + 1 < a->n + 1) return 1;
    if (topics[0] || topics[3]
        || topics[3]) return 2;
    ASSERT_NOT_EQUAL(10, 10);
    float p0[] = {0.0f / f_zero, 0.0f / f_zero};
    return (int)(0.0f / f_zero);
}
"""

TEST_CPP = """TEST(moves) {
    query q2 = std::move(q1);
    CHECK(!q1);
    use(q1);
    CHECK(r1.begin() == doc.begin());
    CHECK(obj1 == obj1);
}
"""


def _result(path: str, row: int, code: str, message: str) -> str:
    return f"{path}\t{row}\t5\t{code}\twarning\t{message}"


@pytest.mark.parametrize(
    ("path", "row", "code", "message", "expected"),
    [
        # Returned through a pointer computed from the allocation; a plain leak stays.
        ("sds.c", 6, "memleak", "Memory leak: newsh", True),
        ("sds.c", 11, "memleak", "Memory leak: guard", True),
        ("sds.c", 16, "memleak", "Memory leak: p", False),
        # A macro given the tested variable between the two tests may assign it.
        ("sds.c", 22, "identicalInnerCondition", "Identical inner 'if' condition", True),
        ("sds.c", 26, "identicalInnerCondition", "Identical inner 'if' condition", False),
        # A project macro that expanded to strerror here; a written strerror call stays.
        ("sds.c", 31, "ignoredReturnValue", "Return value of function strerror() is not used.",
         True),
        ("sds.c", 32, "ignoredReturnValue", "Return value of function strerror() is not used.",
         False),
        # The repetition written in the statement stays; one macro or constant folding found
        # does not.
        ("same.c", 2, "duplicateExpression", "Same expression on both sides of '=='.", False),
        ("same.c", 2, "duplicateExpression", "Same expression on both sides of '<'.", False),
        ("same.c", 4, "duplicateExpression", "Same expression 'topics[3]' found multiple times "
         "in chain of '||' operators.", False),
        ("same.c", 5, "duplicateExpression", "Same expression on both sides of '!='.", True),
        ("same.c", 6, "duplicateExpression", "Same expression on both sides of '/'.", True),
        ("same.c", 7, "duplicateExpression", "Same expression on both sides of '/'.", True),
        # A C++ test asserting on a moved-from object, two ranges, or one object's operator.
        ("moves_test.cpp", 3, "accessMoved", "Access of moved variable 'q1'.", True),
        ("moves_test.cpp", 4, "accessMoved", "Access of moved variable 'q1'.", False),
        ("moves_test.cpp", 5, "mismatchingContainerExpression", "Iterators to containers from "
         "different expressions 'r1' and 'doc' are used together.", True),
        ("moves_test.cpp", 6, "duplicateExpression", "Same expression on both sides of '=='.",
         True),
    ],
)  # fmt: skip
def test_misread_results(
    tmp_path: Path, path: str, row: int, code: str, message: str, expected: bool
) -> None:
    (tmp_path / "sds.c").write_text(SDS)
    (tmp_path / "moves_test.cpp").write_text(TEST_CPP)
    (tmp_path / "same.c").write_text(SAME)
    assert misread(_result(path, row, code, message), SourceLines(tmp_path)) is expected


JNI = """extern "C"
JNIEXPORT void
JNICALL
Java_Filter_release(JNIEnv *env, jobject, jlong pointer) {
    delete (Filter *) pointer;
}
extern "C" JNIEXPORT jint JNICALL Java_Filter_size(JNIEnv *env, jobject) {
    size(env);
}
"""


@pytest.mark.parametrize(("row", "expected"), [(6, True), (9, False)])
def test_a_jni_void_function_has_no_missing_return(
    tmp_path: Path, row: int, expected: bool
) -> None:
    """DuckDuckGo's JNI bloom filter: JNIEXPORT read as the return type of a void function."""
    (tmp_path / "jni.cpp").write_text(JNI)
    result = _result("jni.cpp", row, "missingReturn", "Found an exit path from function with "
                     "non-void return type that has missing return statement")  # fmt: skip
    assert misread(result, SourceLines(tmp_path)) is expected


NGHTTP2 = """int check(int fd, uint32_t version, Downstream *dconn) {
    getsockopt(fd, SOL_SOCKET, SO_ERROR, (char *)&error, &len);
    p = (const uint8_t *)&version;
    q = (struct sockaddr *)&version;
    // dconn was deleted
    dconn = nullptr;
    dconn = nullptr;
}
uint8_t *begin() { return std::begin(buf); }
uint8_t *first() { return 1; }
"""


@pytest.mark.parametrize(
    ("row", "code", "expected"),
    [
        (2, "dangerousTypeCast", True),  # viewing bytes through a char pointer
        (3, "dangerousTypeCast", True),
        (4, "dangerousTypeCast", False),
        (6, "uselessAssignmentPtrArg", True),  # commented on the line above
        (7, "uselessAssignmentPtrArg", False),
        (9, "CastIntegerToAddressAtReturn", True),  # std::begin of an array is a pointer
        (10, "CastIntegerToAddressAtReturn", False),
    ],
)
def test_nghttp2_misreads(tmp_path: Path, row: int, code: str, expected: bool) -> None:
    (tmp_path / "util.cc").write_text(NGHTTP2)
    assert misread(_result("util.cc", row, code, "message"), SourceLines(tmp_path)) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("    (!n1 || ((a.addr[n0] ^ b.addr[n0]) < 1));", True),  # BIRD's ip6_prefix_equal
        ("    x = a.addr[n0] || n1;", False),
        ("    return a.addr[4];", False),
    ],
)
def test_an_element_behind_a_short_circuit_test(tmp_path: Path, text: str, expected: bool) -> None:
    (tmp_path / "ip.h").write_text(f"int f(ip6_addr a, uint n0, uint n1) {{\n{text}\n}}\n")
    message = "Array 'a.addr[4]' accessed at index 4, which is out of bounds."
    result = _result("ip.h", 2, "arrayIndexOutOfBounds", message)
    assert misread(result, SourceLines(tmp_path)) is expected


FUZZ = """int main(void) {
    FUZZ_ASSERT(dst);
    FUZZ_ASSERT_MSG(rtSize == size, "Incorrect size");
    printf("%u\\n", n);
    TT_BLATHER(("wm_high = " EV_SIZE_FMT ", "
        "limit", high));
}
"""


@pytest.mark.parametrize(("row", "expected"), [(2, True), (3, True), (4, False), (5, False)])
def test_a_printf_type_result_where_no_format_is_shown(
    tmp_path: Path, row: int, expected: bool
) -> None:
    """lz4's FUZZ_ASSERT: the macro's %u for __LINE__ was reported at each of its 97 uses."""
    (tmp_path / "fuzz.c").write_text(FUZZ)
    message = "%u in format string (no. 2) requires 'unsigned int' but the argument type is int."
    result = _result("fuzz.c", row, "invalidPrintfArgType_uint", message)
    assert misread(result, SourceLines(tmp_path)) is expected


def test_a_c_assertion_on_repeated_operands_is_reported(tmp_path: Path) -> None:
    (tmp_path / "same.c").write_text("void f(int a) {\n    CHECK(a == a);\n}\n")
    message = "Same expression on both sides of '=='."
    result = _result("same.c", 2, "duplicateExpression", message)
    assert misread(result, SourceLines(tmp_path)) is False
