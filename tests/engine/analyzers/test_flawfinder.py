"""The flawfinder adapter: parsing recorded CSV, real rule names, and findings on a fixture."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from opencheck.domain.severity import Severity
from opencheck.engine.analyzers.base import Limits, RuleSelection, default_selection, run_batch
from opencheck.engine.analyzers.flawfinder import FLAWFINDER, RULES, flawfinder_binary
from opencheck.engine.errors import AnalyzerError

from .test_cppcheck import DEFECTS

# Recorded from `flawfinder --csv` 2.0.20 (fingerprints shortened).
RECORDED = b"""File,Line,Column,DefaultLevel,Level,Category,Name,Warning,Suggestion,Note,CWEs,Context,Fingerprint,ToolVersion,RuleId,HelpUri
src/defects.c,19,5,5,5,buffer,gets,"Does not check for buffer overflows (CWE-120, CWE-20).",Use fgets() instead.,,"CWE-120, CWE-20",    gets(buf);,8681551908ef,2.0.20,FF1014,https://cwe.mitre.org/data/definitions/120.html
/work/repo/src/defects.c,11,5,4,4,buffer,strcpy,Does not check for buffer overflows when copying to destination [MS-banned] (CWE-120).,"Consider using snprintf, strcpy_s, or strlcpy (warning: strncpy easily misused).",,CWE-120,"    strcpy(buf, in);",dfa73438a2dc,2.0.20,FF1001,https://cwe.mitre.org/data/definitions/120.html
"""

C, MJ, MN, SG = Severity.CRITICAL, Severity.MAJOR, Severity.MINOR, Severity.SUGGESTION
# The default set: strcpy, strcat and getenv measured as noise on the corpus, and system and
# popen are hotspots (flawfinder cannot tell where the command comes from), and so are a printf
# whose format is not a literal and a sprintf of strings.
EXPECTED = {
    ("sprintf", 17, SG),
    ("system", 18, SG),
    ("gets", 19, C),
    ("printf", 20, SG),
    ("popen", 27, SG),
    ("tmpnam", 28, MJ),
}

# A ban declared with an attribute, a declaration, another namespace's function, std:: and a
# plain call: only the last two are calls of the C library function.
NOT_CALLS = """int sprintf(char *s, const char *f, ...) __attribute__((deprecated("use snprintf")));
inline auto printf(const S& fmt) -> int { return 0; }
void run(const char *cmd) {
    fmt::vsprintf(cmd, 1);
    std::system(cmd);
    (void) system(cmd);
}
"""


def test_parse_recorded_output() -> None:
    findings = FLAWFINDER.parse(RECORDED, Path("/work/repo"))
    assert [(f.rule_id, f.path, f.line, f.column) for f in findings] == [
        ("flawfinder:gets", "src/defects.c", 19, 5),
        ("flawfinder:strcpy", "src/defects.c", 11, 5),
    ]
    assert findings[0].message == "Does not check for buffer overflows (CWE-120, CWE-20)."


@pytest.mark.parametrize("raw", [b"", b"not csv", RECORDED.splitlines()[0] + b"\nx.c,one,2\n"])
def test_parse_rejects_unreadable_output(raw: bytes) -> None:
    with pytest.raises(AnalyzerError):
        FLAWFINDER.parse(raw, Path("/work/repo"))


def test_every_default_rule_is_a_real_flawfinder_rule() -> None:
    binary = flawfinder_binary()
    assert binary is not None and FLAWFINDER.available() is None
    listing = subprocess.run([binary, "--listrules"], capture_output=True, check=True, text=True)
    names = {line.split("\t", 1)[0] for line in listing.stdout.splitlines()}
    for rule in RULES:
        assert rule.code in names, rule.id
        assert rule.security and any(tag.startswith("CWE-") for tag in rule.tags), rule.id
    assert len({rule.id for rule in RULES}) == len(RULES) >= 20


def test_fixture_file_yields_exactly_the_expected_findings(tmp_path: Path) -> None:
    (tmp_path / "defects.c").write_text(DEFECTS)
    selection = default_selection(FLAWFINDER, "security")
    result = run_batch(
        FLAWFINDER, tmp_path, ["defects.c"], selection, Limits(60, 2048, lambda: False)
    )
    assert result.error is None
    got = {
        (f.rule_id.removeprefix("flawfinder:"), f.line, selection.severities[f.rule_id])
        for f in result.findings
    }
    assert got == EXPECTED
    assert {f.path for f in result.findings} == {"defects.c"}


def test_declarations_bans_and_other_namespaces_are_not_calls(tmp_path: Path) -> None:
    (tmp_path / "calls.cpp").write_text(NOT_CALLS)
    selection = RuleSelection.of(RULES)
    result = run_batch(
        FLAWFINDER, tmp_path, ["calls.cpp"], selection, Limits(60, 2048, lambda: False)
    )
    assert result.error is None
    assert {(f.rule_id, f.line) for f in result.findings} == {
        ("flawfinder:system", 5),
        ("flawfinder:system", 6),
    }


def test_command_ends_options_before_files() -> None:
    argv = FLAWFINDER.command(["-weird.c"], RuleSelection.of(RULES))
    assert "--csv" in argv and argv[-2:] == ["--", "-weird.c"]


LOWERED = """#include <stdio.h>
void names(char *out, const char *line, const char *user) {
    char word[32];
    sprintf(out, "/fixed/path");
    sscanf(line, "(%30s)", word);
    sscanf(line, "%s", word);
    sprintf(out, "%s", user);
}
"""


def test_calls_flawfinder_rates_below_their_default_risk_are_dropped(tmp_path: Path) -> None:
    (tmp_path / "lowered.c").write_text(LOWERED)
    selection = RuleSelection.of(RULES)
    result = run_batch(
        FLAWFINDER, tmp_path, ["lowered.c"], selection, Limits(60, 2048, lambda: False)
    )
    assert result.error is None
    assert {(f.rule_id, f.line) for f in result.findings} == {
        ("flawfinder:sscanf", 6),
        ("flawfinder:sprintf", 7),
    }


# A file's own vsprintf (fmt's), a member call, formats pasted with macros (over the call's
# next lines too), and the same functions with a variable format and an unbounded %s, which stay.
PASTED = """#include <stdio.h>
#include <inttypes.h>
#define BLUE "\\x1b[34m"
namespace fmt {
inline auto vsprintf(const char *fmt, int args) -> int { return args; }
int call(const char *f) { return vsprintf(f, 1); }
}
void log_all(Logger *log, const char *user, const char *line, char *word) {
    uint64_t n;
    log->printf(user);
    printf(BLUE "user %s" "\\n", user);
    sscanf(line, "%" PRIu64, &n);
    printf(user);
    sscanf(line, "%" PRIu64 " %s", &n, word);
    sscanf(line,
           "%" PRIu64 " %" PRIu64
           "%" PRIu64, &n, &n, &n);
    sscanf(line,
           "%" PRIu64 " %s", &n, word);
}
"""


def test_own_functions_members_and_pasted_formats_are_not_reported(tmp_path: Path) -> None:
    (tmp_path / "pasted.cpp").write_text(PASTED)
    selection = RuleSelection.of(RULES)
    result = run_batch(
        FLAWFINDER, tmp_path, ["pasted.cpp"], selection, Limits(60, 2048, lambda: False)
    )
    assert result.error is None
    assert {(f.rule_id, f.line) for f in result.findings} == {
        ("flawfinder:printf", 13),
        ("flawfinder:sscanf", 14),
        ("flawfinder:sscanf", 18),
    }


# sprintf of integers and characters only (literal and PRI macros, over two lines too) is
# bounded; a string, a `*` width, another macro or a variable format is not.
INTEGERS = """#include <stdio.h>
#include <inttypes.h>
void show(char *s, const char *name, uint16_t port, uint64_t n, double d, int w, const char *f) {
    sprintf(s, "%" PRIu16, port);
    s += sprintf(s, "max-age=%" PRIu64 " %c%%", n,
                 'x');
    sprintf(s, "%02d:%-4lx", 1, 2L);
    sprintf(s, "%s:%" PRIu16, name, port);
    sprintf(s, "%hhx" "%" PRIdMAX, 1, (intmax_t)d);
    sprintf(s, "%*" PRIu64, w, n);
    sprintf(s, NUMBER_FMT, d);
    sprintf(s, f, 1);
}
"""


def test_sprintf_of_integers_only_is_not_reported(tmp_path: Path) -> None:
    (tmp_path / "integers.c").write_text(INTEGERS)
    selection = RuleSelection.of(RULES)
    result = run_batch(
        FLAWFINDER, tmp_path, ["integers.c"], selection, Limits(60, 2048, lambda: False)
    )
    assert result.error is None
    assert {(f.rule_id, f.line) for f in result.findings} == {
        ("flawfinder:sprintf", line) for line in (8, 10, 11, 12)
    }
