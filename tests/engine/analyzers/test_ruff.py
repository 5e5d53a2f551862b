"""The ruff adapter: parsing recorded output, real rule ids, and findings on a fixture file."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from opencheck.domain.severity import Severity
from opencheck.engine.analyzers.base import Limits, RuleSelection, default_selection, run_batch
from opencheck.engine.analyzers.ruff import RUFF, RULES, ruff_binary
from opencheck.engine.errors import AnalyzerError

# Recorded from `ruff check --isolated --output-format json` 0.17.6 (trimmed to the fields it had).
RECORDED = b"""[
  {"cell": null, "code": "invalid-syntax", "end_location": {"column": 8, "row": 2},
   "filename": "/work/repo/pkg/bad.py", "fix": null, "location": {"column": 7, "row": 2},
   "message": "Expected a parameter or the end of the parameter list", "name": "invalid-syntax",
   "noqa_row": null, "severity": "error", "url": null},
  {"cell": null, "code": "invalid-syntax", "end_location": {"column": 1, "row": 3},
   "filename": "/work/repo/pkg/bad.py", "fix": null, "location": {"column": 8, "row": 2},
   "message": "Expected `)`, found newline", "name": "invalid-syntax", "noqa_row": null,
   "severity": "error", "url": null},
  {"cell": null, "code": "F401", "end_location": {"column": 10, "row": 1},
   "filename": "/work/repo/good.py",
   "fix": {"applicability": "safe", "edits": [{"content": "",
           "end_location": {"column": 1, "row": 2}, "location": {"column": 1, "row": 1}}],
           "message": "Remove unused import: `os`"},
   "location": {"column": 8, "row": 1}, "message": "`os` imported but unused",
   "name": "unused-import", "noqa_row": 1, "severity": "error",
   "url": "https://docs.astral.sh/ruff/rules/unused-import"},
  {"cell": null, "code": "S307", "end_location": {"column": 14, "row": 2},
   "filename": "/work/repo/good.py", "fix": null, "location": {"column": 5, "row": 2},
   "message": "Use of possibly insecure function; consider using `ast.literal_eval`",
   "name": "suspicious-eval-usage", "noqa_row": 2, "severity": "error",
   "url": "https://docs.astral.sh/ruff/rules/suspicious-eval-usage"}
]"""

DEFECTS = """import os
import pickle
import subprocess
import hashlib

import yaml


def handler(items=[]):
    try:
        return undefined_thing
    except:
        items.append(1)


def query(cursor, name):
    password = "hunter2"
    cursor.execute("SELECT * FROM users WHERE name = '%s'" % name)
    subprocess.Popen("ls " + name, shell=True)
    eval(name)
    exec(name)
    pickle.loads(name)
    yaml.load(name)
    hashlib.md5(name)
    if name == None:
        unused = 1
    return password


def compare(l):
    return type(l) == type(1)
"""

EXPECTED = {
    ("syntax-error", "broken.py", 1, Severity.CRITICAL),
    ("F401", "pkg/defects.py", 1, Severity.MINOR),
    ("B006", "pkg/defects.py", 9, Severity.MINOR),
    ("F821", "pkg/defects.py", 11, Severity.CRITICAL),
    ("E722", "pkg/defects.py", 12, Severity.MINOR),
    ("S105", "pkg/defects.py", 17, Severity.SUGGESTION),
    ("S608", "pkg/defects.py", 18, Severity.SUGGESTION),
    ("S602", "pkg/defects.py", 19, Severity.SUGGESTION),
    ("S307", "pkg/defects.py", 20, Severity.SUGGESTION),
    ("S102", "pkg/defects.py", 21, Severity.SUGGESTION),
    ("S301", "pkg/defects.py", 22, Severity.SUGGESTION),
    ("S506", "pkg/defects.py", 23, Severity.SUGGESTION),
    ("S324", "pkg/defects.py", 24, Severity.SUGGESTION),
    ("E711", "pkg/defects.py", 25, Severity.SUGGESTION),
    ("F841", "pkg/defects.py", 26, Severity.MINOR),
    ("E721", "pkg/defects.py", 31, Severity.SUGGESTION),
}


def test_parse_recorded_output() -> None:
    findings = RUFF.parse(RECORDED, Path("/work/repo"))
    assert [(f.rule_id, f.path, f.line, f.column) for f in findings] == [
        ("ruff:syntax-error", "pkg/bad.py", 2, 7),  # the echo on the same line is dropped
        ("ruff:F401", "good.py", 1, 8),
        ("ruff:S307", "good.py", 2, 5),
    ]
    assert findings[1].message == "`os` imported but unused"


@pytest.mark.parametrize("raw", [b"", b"not json", b'{"a": 1}'])
def test_parse_rejects_unreadable_output(raw: bytes) -> None:
    with pytest.raises(AnalyzerError):
        RUFF.parse(raw, Path("/work/repo"))


def test_every_default_rule_is_a_real_ruff_rule() -> None:
    binary = ruff_binary()
    assert binary is not None and RUFF.available() is None
    listing = subprocess.run(
        [binary, "rule", "--all", "--output-format", "json"], capture_output=True, check=True
    )
    names = {item["code"]: item["name"] for item in json.loads(listing.stdout)}
    for rule in RULES:
        if rule.code != "syntax-error":
            assert names.get(rule.code) == rule.name, rule.id
    assert len({rule.id for rule in RULES}) == len(RULES)


def test_security_rules_carry_a_cwe() -> None:
    for rule in RULES:
        is_bandit = rule.code.startswith("S") and rule.code[1:].isdigit()
        has_cwe = any(tag.startswith("CWE-") for tag in rule.tags)
        assert rule.security == has_cwe == is_bandit, rule.id


def test_fixture_file_yields_exactly_the_expected_findings(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "defects.py").write_text(DEFECTS)
    (tmp_path / "broken.py").write_text("def broken(:\n    pass\n")
    selection = default_selection(RUFF, "basic")
    result = run_batch(
        RUFF, tmp_path, ["pkg/defects.py", "broken.py"], selection, Limits(60, 2048, lambda: False)
    )
    assert result.error is None
    got = {
        (f.rule_id.removeprefix("ruff:"), f.path, f.line, selection.severities[f.rule_id])
        for f in result.findings
    }
    assert got == EXPECTED


def test_security_selection_runs_only_security_rules(tmp_path: Path) -> None:
    (tmp_path / "defects.py").write_text(DEFECTS)
    selection = default_selection(RUFF, "security")
    assert all(RUFF_RULE[r].security or r == "ruff:syntax-error" for r in selection.ids)
    result = run_batch(RUFF, tmp_path, ["defects.py"], selection, Limits(60, 2048, lambda: False))
    codes = {f.rule_id for f in result.findings}
    assert codes == {
        f"ruff:{c}" for c in ("S105", "S608", "S602", "S307", "S102", "S301", "S506", "S324")
    }


IDIOMS = """def probe():
    try:
        get_ipython
    except NameError:
        return False
    conn.close
    try:
        conn.closed
    except AttributeError:
        pass
    with pytest.raises(
        AttributeError,
    ):
        conn.gone
    with pytest.raises(TypeError):
        conn < 1
    conn == 1
    2 / 0
    handlers = []
    for item in range(3):
        handlers.append(lambda: item)

        def show():
            return item

        show()
    return handlers


if __name__ == "__main__":

    def demo():
        shown = 1
        1 / 0

    try:
        demo()
    except:
        pass
"""

DYNAMIC = """import sys

for name in ("verbose", "count"):
    globals()[name] = None
try:
    print(verbose, count)
except:
    # stdout may be closed at interpreter shutdown: nothing to report to
    sys.exit(0)
"""


def test_deliberate_idioms_are_not_reported(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("from .app import make_app\n")
    (tmp_path / "pkg" / "idioms.py").write_text(IDIOMS)
    (tmp_path / "pkg" / "dynamic.py").write_text(DYNAMIC)
    (tmp_path / "pkg" / "compat.py").write_text("from json import loads\n")
    (tmp_path / "pkg" / "typing_example.py").write_text("a = b = 1\na == b\na.real\n")
    (tmp_path / "pkg" / "app-gdb.py").write_text("code = gdb.TYPE_CODE_STRUCT\n")
    selection = RuleSelection.of(RULES)  # B018 is off by default: select every rule
    files = ["pkg/__init__.py", "pkg/idioms.py", "pkg/dynamic.py", "pkg/compat.py"]
    files += ["pkg/typing_example.py", "pkg/app-gdb.py"]
    result = run_batch(RUFF, tmp_path, files, selection, Limits(60, 2048, lambda: False))
    assert result.error is None
    got = {
        (f.rule_id, f.path, f.line)
        for f in result.findings
        if f.path != "pkg/idioms.py" or f.rule_id != "ruff:F821"
    }
    # Kept: the attribute left uncalled, the unused comparison and the stored lambda; dropped:
    # the re-exports (package and compat module), the comparison inside pytest.raises, the
    # probes, the deliberate division by zero, the closure called in its own iteration, the
    # __main__ demo, names defined through globals(), an explained catch-all, the expressions
    # of a module written for the type checker and the `gdb` module of a GDB script.
    assert got == {
        ("ruff:B018", "pkg/idioms.py", 6),
        ("ruff:B015", "pkg/idioms.py", 17),
        ("ruff:B023", "pkg/idioms.py", 21),
    }


DEFAULTS = """import os

import pytest
from json import (  # noqa: F401
    dumps,
    loads,
)


def read_only(options={}):
    return options.get("a", 1) + len(options)


def mutated(seen=[]):
    seen.append(1)
    return seen


def handed_on(namespace={}):
    os.environ.update(namespace)


def iterated(names=[]):
    return [name.upper() for name in names] + [len(name) for name in names]


def loops(names=[]):
    for name in names:
        print(name)


def must_raise():
    with pytest.raises(ValueError):
        parsed = int("x")


try:
    import brotli

    HAS_BROTLI = True
except ImportError:
    HAS_BROTLI = False


def bench(a, b):
    for _ in range(100):
        a == b
"""


def test_read_only_defaults_benchmarks_and_reexports_are_not_reported(tmp_path: Path) -> None:
    (tmp_path / "defaults.py").write_text(DEFAULTS)
    (tmp_path / "shim.py").write_text("from json import dumps\nfrom os import (\n    sep,\n)\n")
    selection = RuleSelection.of(RULES)
    files = ["defaults.py", "shim.py"]
    result = run_batch(RUFF, tmp_path, files, selection, Limits(60, 2048, lambda: False))
    assert result.error is None
    got = {(f.rule_id, f.line) for f in result.findings if f.path == "defaults.py"}
    # Kept: the default that is appended to, the one handed to another call, and the names of
    # the multi-line import moved to its first line (where the marker is); dropped: the defaults
    # only read or iterated, the comparison a benchmark repeats, the value of a call that must
    # raise, the availability probe and the import-only shim module.
    assert got == {
        ("ruff:B006", 14),
        ("ruff:B006", 19),
        ("ruff:F401", 4),
    }
    assert not [f for f in result.findings if f.path == "shim.py"]


COMPAT = """import sys

import pytest
from six import PY2


def to_int(text):
    if PY2:
        return long(text)
    return unicode(text)


if sys.version_info >= (3, 0):
    string_types = (str,)
else:
    string_types = (basestring,)
number = long if PY2 else int


@pytest.mark.skipif(not PY2, reason="Python 2 only")
def test_long():
    assert long(1) == 1


def test_import_version():
    \"\"\"The version can be imported.\"\"\"
    from json import __version__


def test_import_all():
    import os

    assert locals()["os"]


def test_leftover():
    import re

    assert number(1) == 1


def helper():
    return itmes
"""


def test_version_checked_names_and_import_tests_are_not_reported(tmp_path: Path) -> None:
    (tmp_path / "texts.py").write_text(COMPAT)
    selection = RuleSelection.of(RULES)
    result = run_batch(RUFF, tmp_path, ["texts.py"], selection, Limits(60, 2048, lambda: False))
    assert result.error is None
    got = {(f.rule_id, f.line) for f in result.findings}
    # Kept: `unicode` outside the version check, the unused import of a test that does more than
    # import, and a typo; dropped: Python-2 builtins behind `if PY2:`, a version_info branch, a
    # conditional expression and a skip-unless-Python-2 decorator, and the import tests.
    assert got == {("ruff:F821", 10), ("ruff:F401", 37), ("ruff:F821", 43)}


def test_command_never_reads_the_repository_config() -> None:
    argv = RUFF.command(["-weird.py", "a.py"], RuleSelection.of(RULES[:3]))
    assert "--isolated" in argv and "--no-cache" in argv
    assert argv[-3:] == ["--", "-weird.py", "a.py"]
    assert "--select=F821,F823" in argv  # the syntax-error pseudo rule is not passed to ruff


RUFF_RULE = {rule.id: rule for rule in RULES}


BRANCHY = """def grade(score):
    if score > 90:
        return "a"
    if score > 80:
        return "b"
    if score > 70:
        return "c"
    return "d"
"""


def test_the_complexity_threshold_is_the_selection_s_option(tmp_path: Path) -> None:
    (tmp_path / "grade.py").write_text(BRANCHY)  # cyclomatic complexity 4
    limits = Limits(60, 2048, lambda: False)
    default = default_selection(RUFF, "basic")
    assert default.option(RUFF_RULE["ruff:C901"], "max-complexity") == 20
    result = run_batch(RUFF, tmp_path, ["grade.py"], default, limits)
    assert "ruff:C901" not in {f.rule_id for f in result.findings}
    strict = RuleSelection(default.severities, {"ruff:C901": {"max-complexity": 3}})
    result = run_batch(RUFF, tmp_path, ["grade.py"], strict, limits)
    assert [(f.rule_id, f.line) for f in result.findings] == [("ruff:C901", 1)]
    lenient = RuleSelection(default.severities, {"ruff:C901": {"max-complexity": 4}})
    assert run_batch(RUFF, tmp_path, ["grade.py"], lenient, limits).findings == []


def test_an_option_outside_its_range_is_refused() -> None:
    (option,) = RUFF_RULE["ruff:C901"].options
    assert option.parse(" 7 ") == 7
    for bad in ("0", "201", "seven", ""):
        with pytest.raises(ValueError, match="range 1-200"):
            option.parse(bad)
