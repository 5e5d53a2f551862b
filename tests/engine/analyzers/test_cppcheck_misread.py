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
        ("sds.c", 11, "memleak", "Memory leak: p", False),
        # A macro given the tested variable between the two tests may assign it.
        ("sds.c", 17, "identicalInnerCondition", "Identical inner 'if' condition", True),
        ("sds.c", 21, "identicalInnerCondition", "Identical inner 'if' condition", False),
        # A project macro that expanded to strerror here; a written strerror call stays.
        ("sds.c", 26, "ignoredReturnValue", "Return value of function strerror() is not used.",
         True),
        ("sds.c", 27, "ignoredReturnValue", "Return value of function strerror() is not used.",
         False),
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
    assert misread(_result(path, row, code, message), SourceLines(tmp_path)) is expected


def test_a_c_assertion_on_repeated_operands_is_reported(tmp_path: Path) -> None:
    (tmp_path / "same.c").write_text("void f(int a) {\n    CHECK(a == a);\n}\n")
    result = _result("same.c", 2, "duplicateExpression", "Same expression on both sides.")
    assert misread(result, SourceLines(tmp_path)) is False
