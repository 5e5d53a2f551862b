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


def test_a_c_assertion_on_repeated_operands_is_reported(tmp_path: Path) -> None:
    (tmp_path / "same.c").write_text("void f(int a) {\n    CHECK(a == a);\n}\n")
    message = "Same expression on both sides of '=='."
    result = _result("same.c", 2, "duplicateExpression", message)
    assert misread(result, SourceLines(tmp_path)) is False
