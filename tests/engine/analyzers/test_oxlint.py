"""The oxlint adapter: parsing recorded output, real rule names, and findings on fixture files."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from opencheck.domain.severity import Severity
from opencheck.engine.analyzers.base import Limits, RuleSelection, default_selection, run_batch
from opencheck.engine.analyzers.oxlint import OXLINT, RULES, config_text, oxlint_binary
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
var f = new Function("return " + data.a);
setTimeout("alert(1)", 10);
location.href = "javascript:void(0)";
debugger;
if (data == null) {}
if (data.a === data.a) {}
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
export {};  // a module: its top-level names are its own
"""

DEFECTS_TS = """const v: any = 1;
interface I { new (): I; }
eval(String(v));
export type T = I;
export const n: Promise<any> = Promise.resolve(v as any);
"""

# Deliberate idioms the rules misread, which the adapter lets pass; the last line of each file
# is a real finding.
IDIOMS_JS = """export function f(a, b) {
  if (a !== a || b != undefined || undefined == b || a == null || typeof a == "string") {
    return 1;
  }
  return a;
}
export function app(err, req, res, next) {
  const _ignored = 1;
  try {
    throw err;
  } catch (e) {
    return;
  }
}
export function drain(s, out) {
  let ch, m;
  while (ch = s.next()) out.push(ch);
  if (m = /x/.exec(s)) out.push(m);
  do { if (ch >>>= 5) out.push(ch); } while (ch);
  while ((ch = ch.nextSibling) && ch.nodeType !== 1) {}
  for (
    let i = 0;
    i < out.length && out[i];
    i++
  ) {}
  if (ch === "<") {}
  else if (ch === ">") {}
  else out.pop();
  if (ch === "-") {
  }
  // a comment between the empty branch and the rest of the chain
  else if (ch === "+") out.push(ch);
  return out;
}
export const loose = (x) => x == 2;
"""
IDIOMS_TS = """export function f(a: number, ...rest: any[]): number {
  return a !== a ? rest.length : a;
}
export function g<T = any>(this: any, items: Array<any>): T[] {
  return items.map((x: unknown) => x as any);
}
export const loose = (x: number): boolean => x == 2;  // eqeqeq is JavaScript's only
export const field: { value: any } = { value: 1 };
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
    ("no-dupe-keys", "src/defects.js", 1, MJ),
    ("no-eval", "src/defects.js", 2, SG),
    ("no-unused-vars", "src/defects.js", 3, MN),
    ("no-new-func", "src/defects.js", 3, SG),
    ("no-implied-eval", "src/defects.js", 4, SG),
    ("no-script-url", "src/defects.js", 5, SG),
    ("no-debugger", "src/defects.js", 6, MJ),
    ("no-empty", "src/defects.js", 7, SG),
    ("no-self-compare", "src/defects.js", 8, MJ),
    ("no-empty", "src/defects.js", 8, SG),
    ("valid-typeof", "src/defects.js", 9, MJ),
    ("no-empty", "src/defects.js", 9, SG),
    ("no-cond-assign", "src/defects.js", 10, MJ),
    ("no-empty", "src/defects.js", 10, SG),
    ("no-unsafe-finally", "src/defects.js", 15, MJ),
    ("no-extend-native", "src/defects.js", 18, MN),
    ("no-unused-vars", "src/defects.js", 19, MN),
    ("no-const-assign", "src/defects.js", 19, C),
    ("no-unused-vars", "src/defects.js", 21, MN),
    ("no-misused-new", "src/defects.ts", 2, MJ),
    ("no-eval", "src/defects.ts", 3, SG),
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


def test_command_names_only_the_selected_rules_with_their_options() -> None:
    argv = OXLINT.command(["-weird.js", "a.ts"], RuleSelection.of(RULES[:3]))
    assert argv[argv.index("--") :] == ["--", "-weird.js", "a.ts"]
    assert "-A" not in argv and "-D" not in argv  # `-D` would drop a rule's options
    config = Path(argv[1].removeprefix("--config=")).read_text()
    assert config == config_text(["no-eval", "no-new-func"])
    rules = json.loads(config)["rules"]
    assert rules == {"no-eval": ["error"], "no-new-func": ["error"]}
    assert set(json.loads(config)["categories"].values()) == {"off"}


def test_config_carries_the_catalog_options() -> None:
    rules = json.loads(config_text(["eqeqeq", "no-unused-vars"]))["rules"]
    assert rules["eqeqeq"] == ["error", "smart"]
    assert rules["no-unused-vars"][1]["args"] == "none"


SCRIPT_JS = """function shared_helper() {
  return 1;
}
var SHARED_TABLE = {};
if (typeof exports !== "undefined") exports.SHARED_TABLE = SHARED_TABLE;
function local_user() {
  var unused = 2;
  return shared_helper();
}
"""


def test_top_level_names_of_a_classic_script_are_shared(tmp_path: Path) -> None:
    (tmp_path / "script.js").write_text(SCRIPT_JS)
    (tmp_path / "module.js").write_text("export const x = 1;\n" + SCRIPT_JS)
    selection = RuleSelection.of(r for r in RULES if r.id == "oxlint:no-unused-vars")
    result = run_batch(OXLINT, tmp_path, ["script.js", "module.js"], selection, LIMITS)
    assert result.error is None
    assert [(f.path, f.line) for f in result.findings] == [
        ("module.js", 7),
        ("module.js", 8),
        ("script.js", 7),
    ]


GETTERS_JS = """export class Backend {
  get coordinateSystem() {}
  get name() { /* each backend names itself */ }
  get size() { this.measure(); }
}
"""


def test_an_empty_getter_is_an_abstract_placeholder(tmp_path: Path) -> None:
    """three's Backend leaves getters empty for its subclasses; a getter with a body must return."""
    (tmp_path / "backend.js").write_text(GETTERS_JS)
    selection = RuleSelection.of(r for r in RULES if r.id == "oxlint:getter-return")
    result = run_batch(OXLINT, tmp_path, ["backend.js"], selection, LIMITS)
    assert result.error is None
    assert [(f.rule_id, f.line) for f in result.findings] == [("oxlint:getter-return", 4)]


FUNCTIONS_JS = """export const Empty = new Function;
export const global = Function("return this")();
export const AsyncFunction = new Function('return (async function(){}).constructor;')();
export const compiled = new Function("a", "b", source);
export const bound = Function.apply(null, params);
"""


def test_a_function_built_from_literals_only_is_no_hotspot(tmp_path: Path) -> None:
    """dojo's `new Function;` and UglifyJS's `Function("return this")` compile no outside code."""
    (tmp_path / "functions.js").write_text(FUNCTIONS_JS)
    selection = RuleSelection.of(r for r in RULES if r.id == "oxlint:no-new-func")
    result = run_batch(OXLINT, tmp_path, ["functions.js"], selection, LIMITS)
    assert result.error is None
    assert [f.line for f in result.findings] == [4, 5]


def test_deliberate_idioms_pass_and_the_rest_is_reported(tmp_path: Path) -> None:
    (tmp_path / "idioms.js").write_text(IDIOMS_JS)
    (tmp_path / "idioms.ts").write_text(IDIOMS_TS)
    selection = RuleSelection.of(RULES)  # no-explicit-any is not in the default set
    result = run_batch(OXLINT, tmp_path, ["idioms.js", "idioms.ts"], selection, LIMITS)
    assert result.error is None
    assert [(f.rule_id, f.path, f.line) for f in result.findings] == [
        ("oxlint:eqeqeq", "idioms.js", 35),
        ("oxlint:no-explicit-any", "idioms.ts", 8),
    ]
