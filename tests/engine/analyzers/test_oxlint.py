"""The oxlint adapter: parsing recorded output, real rule names, and findings on fixture files."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from opencheck.domain.severity import Severity
from opencheck.engine.analyzers.base import Limits, RuleSelection, default_selection, run_batch
from opencheck.engine.analyzers.oxlint import CONFIG_TEXT, OXLINT, RULES, oxlint_binary
from opencheck.engine.errors import AnalyzerError

# Recorded from `oxlint --format=json` 1.89.0 (help and url fields trimmed).
RECORDED = b"""{ "diagnostics": [
{"message": "Expected function name","severity": "error","filename": "bad.js",
 "labels": [{"span": {"offset": 9,"length": 1,"line": 1,"column": 10}}]},
{"message": "Expected `)` but found `EOF`","severity": "error","filename": "bad.js",
 "labels": [{"label": "`)` expected","span": {"offset": 11,"length": 0,"line": 2,"column": 1}}]},
{"message": "eval can be harmful.","code": "eslint(no-eval)","severity": "error",
 "filename": "src/a.js","labels": [{"span": {"offset": 11,"length": 4,"line": 2,"column": 1}}]},
{"message": "Interfaces cannot be constructed, only classes.","code": "typescript(no-misused-new)",
 "severity": "error","filename": "/work/repo/b.ts",
 "labels": [{"span": {"offset": 20,"length": 3,"line": 2,"column": 15}}]}],
  "number_of_files": 3, "number_of_rules": 2, "threads_count": 1, "start_time": 0.0106
}"""

DEFECTS_JS = """var data = { a: 1, a: 2 };
eval("data");
var f = new Function("return 1");
setTimeout("alert(1)", 10);
location.href = "javascript:void(0)";
debugger;
if (data == null) {}
if (data !== data) {}
if (typeof data === "strnig") {}
if (data.x = 1) {}
function g() {
  try {
    return 1;
  } finally {
    return 2;
  }
}
Object.prototype.bad = 1;
const k = 1;
k = 2;
let unused = 3;
g();
"""

DEFECTS_TS = """const v: any = 1;
interface I { new (): I; }
eval(String(v));
export type T = I;
"""

C, MJ, MN, SG, INFO = (
    Severity.CRITICAL,
    Severity.MAJOR,
    Severity.MINOR,
    Severity.SUGGESTION,
    Severity.INFO,
)
EXPECTED = {
    ("syntax-error", "broken.js", 1, C),
    ("no-var", "src/defects.js", 1, INFO),
    ("no-dupe-keys", "src/defects.js", 1, MJ),
    ("no-eval", "src/defects.js", 2, C),
    ("no-var", "src/defects.js", 3, INFO),
    ("no-unused-vars", "src/defects.js", 3, MN),
    ("no-new-func", "src/defects.js", 3, C),
    ("no-implied-eval", "src/defects.js", 4, C),
    ("no-script-url", "src/defects.js", 5, MJ),
    ("no-debugger", "src/defects.js", 6, MJ),
    ("eqeqeq", "src/defects.js", 7, SG),
    ("no-empty", "src/defects.js", 7, SG),
    ("no-self-compare", "src/defects.js", 8, MJ),
    ("no-empty", "src/defects.js", 8, SG),
    ("valid-typeof", "src/defects.js", 9, MJ),
    ("no-empty", "src/defects.js", 9, SG),
    ("no-cond-assign", "src/defects.js", 10, MJ),
    ("no-empty", "src/defects.js", 10, SG),
    ("no-unsafe-finally", "src/defects.js", 15, MJ),
    ("no-extend-native", "src/defects.js", 18, MJ),
    ("no-unused-vars", "src/defects.js", 19, MN),
    ("no-const-assign", "src/defects.js", 19, C),
    ("no-unused-vars", "src/defects.js", 21, MN),
    ("no-explicit-any", "src/defects.ts", 1, SG),
    ("no-misused-new", "src/defects.ts", 2, MJ),
    ("no-eval", "src/defects.ts", 3, C),
}
LIMITS = Limits(60, 2048, lambda: False)


def test_parse_recorded_output() -> None:
    findings = OXLINT.parse(RECORDED, Path("/work/repo"))
    assert [(f.rule_id, f.path, f.line, f.column) for f in findings] == [
        ("oxlint:no-misused-new", "b.ts", 2, 15),
        ("oxlint:syntax-error", "bad.js", 1, 10),  # its echo on line 2 is dropped
        ("oxlint:no-eval", "src/a.js", 2, 1),
    ]
    assert findings[2].message == "eval can be harmful."


@pytest.mark.parametrize("raw", [b"", b"not json", b"[]", b'{"diagnostics": 1}'])
def test_parse_rejects_unreadable_output(raw: bytes) -> None:
    with pytest.raises(AnalyzerError):
        OXLINT.parse(raw, Path("/work/repo"))


def test_every_default_rule_is_a_real_oxlint_rule() -> None:
    binary = oxlint_binary()
    assert binary is not None and OXLINT.available() is None
    listing = subprocess.run([binary, "--rules", "-f", "json"], capture_output=True, check=True)
    names = {item["value"] for item in json.loads(listing.stdout)}
    for rule in RULES:
        assert rule.code == "syntax-error" or rule.code in names, rule.id
    for language in ("JavaScript", "TypeScript"):
        codes = [rule.code for rule in RULES if rule.language == language]
        assert len(codes) == len(set(codes)) >= 20


def test_security_rules_carry_a_cwe() -> None:
    for rule in RULES:
        assert rule.security == any(tag.startswith("CWE-") for tag in rule.tags), rule.id


def test_fixture_files_yield_exactly_the_expected_findings(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "defects.js").write_text(DEFECTS_JS)
    (tmp_path / "src" / "defects.ts").write_text(DEFECTS_TS)
    (tmp_path / "broken.js").write_text("function (\n")
    # The repository's own config must not switch rules off nor ignore files.
    (tmp_path / ".oxlintrc.json").write_text(
        '{"rules": {"no-eval": "off"}, "ignorePatterns": ["src"]}'
    )
    (tmp_path / ".eslintignore").write_text("src\n")
    selection = default_selection(OXLINT, "basic")
    files = ["src/defects.js", "src/defects.ts", "broken.js"]
    result = run_batch(OXLINT, tmp_path, files, selection, LIMITS)
    assert result.error is None
    got = {
        (f.rule_id.removeprefix("oxlint:"), f.path, f.line, selection.severities[f.rule_id])
        for f in result.findings
    }
    assert got == EXPECTED


def test_command_denies_only_the_selected_rules() -> None:
    argv = OXLINT.command(["-weird.js", "a.ts"], RuleSelection.of(RULES[:3]))
    assert argv[argv.index("all") + 1 :] == [
        "-D",
        "no-eval",
        "-D",
        "no-new-func",
        "--",
        *["-weird.js", "a.ts"],
    ]
    assert Path(argv[1].removeprefix("--config=")).read_text() == CONFIG_TEXT
