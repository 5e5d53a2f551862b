"""Python, by ruff: a default set of meaningful rules, run without the repository's own config."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from opencheck.engine.analyzers.base import (
    SYNTAX_ERROR,
    RawFinding,
    Rule,
    RuleSelection,
    bundled_binary,
    first_syntax_error_per_file,
    json_items,
    relative_path,
)
from opencheck.engine.analyzers.catalog import catalog_rules
from opencheck.engine.analyzers.ruff_idioms import (
    default_only_read,
    import_only_module,
    import_starts,
    import_test,
    in_repeat_loop,
    locals_read,
    version_guarded,
)

NAME = "ruff"
# Names IPython injects into builtins: code probing for a notebook calls them inside try/except.
BUILTINS = ("get_ipython", "__IPYTHON__")
# The newest syntax ruff knows: an older target would flag valid modern code as syntax errors.
TARGET_VERSION = "py314"
# A package's `__init__.py` imports names to re-export them (`from .app import make_app`): the
# package's public API, which F401 cannot tell from a forgotten import.
# The same holds for compatibility shims (`compat.py`, `_compat.py`), import-only by convention.
PER_FILE_IGNORES = (
    'lint.per-file-ignores = {"__init__.py" = ["F401"], "compat.py" = ["F401"],'
    ' "_compat.py" = ["F401"]}'
)
# B023 on a nested `def` was a closure called in the same loop iteration in every corpus hit;
# the classic late-binding bug is a lambda stored for later (callbacks, handlers).
_LAMBDA_ONLY = frozenset({f"{NAME}:B023"})
# Rules whose hits in a module's `if __name__ == "__main__":` demo were all deliberate: a
# traceback demo keeps locals to show them, a broken __repr__ divides by zero, a bare except logs.
_DEMO_TOLERANT = frozenset({f"{NAME}:B018", f"{NAME}:F841", f"{NAME}:E722"})
# A module written for the type checker, never run (attrs' `tests/typing_example.py`, checked by
# mypy in CI): its bare expressions and comparisons (B018, B015) are what the checker reads.
_TYPE_CHECK_INPUT = re.compile(
    r"(?:^|/)(?:typing|type_?check)_examples?\.py$|(?:^|/)(?:typesafety|typing[-_]examples)/"
)
_TYPE_CHECKED = frozenset({f"{NAME}:B015", f"{NAME}:B018"})
# A comparison left unused (B015) inside `with pytest.raises(...)` proves the operator raises.
_POINTLESS_COMPARISON = f"{NAME}:B015"
_MAIN_GUARD = re.compile(r"""if\s+__name__\s*==\s*["']__main__["']\s*:""")
# A bare name as a statement is an existence probe (`get_ipython` inside try/except NameError);
# B018's classic bug is an attribute or call result left unused (`conn.close`).
_BARE_NAME = re.compile(r"\s*[A-Za-z_]\w*\s*(?:#.*)?")
# An expression kept for the error it raises: `1 / 0` (a demo's broken __repr__ on the corpus), or
# any expression right inside a `try:` or a `with ...raises(...)` block (an existence probe).
_RAISES_ON_PURPOSE = re.compile(r"\s*\d+\s*/\s*0\s*(?:#.*)?")
_PROBE_BLOCK = re.compile(r"\s*(?:try\s*:|with\b.*[Rr]aises)")
# A module that defines globals at run time (`globals()[name] = value`, `globals().update(...)`)
# defeats F821: on the corpus every hit in such a module was a name defined that way.
_DYNAMIC_GLOBALS = re.compile(r"\bglobals\(\)\s*(?:\[[^\]\n]+\]\s*=[^=]|\.update\()")
_UNDEFINED = f"{NAME}:F821"
# ruff's F821 message names the undefined name in backticks: "Undefined name `long`".
_QUOTED_NAME = re.compile(r"`([^`]+)`")
# GDB runs its Python scripts (`bird-gdb.py`, auto-loaded `*-gdb.py`) with `gdb` imported.
_GDB_SCRIPT = re.compile(r"gdb", re.IGNORECASE)
# A bare except whose handler opens with a comment is a deliberate, explained catch-all.
_BARE_EXCEPT = f"{NAME}:E722"
# A mutable default is reported only when the function changes or keeps it (Sonar's S5717).
_MUTABLE_DEFAULT = f"{NAME}:B006"
_UNUSED_IMPORT = f"{NAME}:F401"
# ruff adds this hint to an unused import inside `try:` ... `except ImportError:`: an availability
# probe (`import brotli` then `HAS_BROTLI = True`), which projects mark no-QA where they lint.
_PROBE_HINT = "importlib.util.find_spec"
# An assignment right inside `with pytest.raises(...)` or `try:` is the call that must raise.
_UNUSED_LOCAL = f"{NAME}:F841"

RULES: tuple[Rule, ...] = catalog_rules(NAME)
# The rule whose threshold (its `max-complexity` option) is ruff's mccabe setting.
COMPLEXITY = next(rule for rule in RULES if rule.code == "C901")


def ruff_binary() -> str | None:
    """The ruff shipped next to this interpreter, else the one on PATH."""
    return bundled_binary("ruff")


class Ruff:
    """The ruff adapter; `--isolated` so that the repository's own configuration never applies."""

    name = NAME
    languages = frozenset({"Python"})
    rules = RULES

    def reusable(self, path: str) -> bool:
        """Every file: with --isolated, the selected rules and the idiom filters read only the
        file itself (F401's `__init__.py` exception goes by its name, not the package)."""
        return True

    def available(self) -> str | None:
        return None if ruff_binary() else "the ruff executable was not found"

    def command(self, files: Sequence[str], rules: RuleSelection) -> list[str]:
        codes = sorted(rid.split(":", 1)[1] for rid in rules.ids if rid.startswith(f"{NAME}:"))
        codes = [c for c in codes if c != SYNTAX_ERROR]
        return [
            ruff_binary() or "ruff",
            "check",
            "--isolated",
            "--no-cache",
            "--exit-zero",
            # OpenCheck honours the no-QA comments itself (engine/suppressions), keeping the
            # finding, marked ignored with its reason, instead of losing it.
            "--ignore-noqa",
            "--output-format=json",
            f"--target-version={TARGET_VERSION}",
            f"--config=lint.mccabe.max-complexity={rules.option(COMPLEXITY, 'max-complexity')}",
            f"--config=builtins = {list(BUILTINS)!r}",
            f"--config={PER_FILE_IGNORES}",
            # An empty --select is an error: fall back to a rule every file satisfies.
            f"--select={','.join(codes) or 'F821'}",
            "--",
            *files,
        ]

    def parse(self, raw: bytes, root: Path) -> list[RawFinding]:
        items = json_items(raw, NAME)
        sources = _Sources(root)
        findings = [_at_marker(_finding(item, root), sources) for item in items]
        findings = _without_idioms(findings, sources)
        return first_syntax_error_per_file(findings, NAME)


class _Sources:
    """The lines of the files with findings, and their import statements, each read once."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lines: dict[str, list[str]] = {}
        self._starts: dict[str, dict[int, int]] = {}

    def lines(self, path: str) -> list[str]:
        if path not in self._lines:
            self._lines[path] = _lines(self.root / path)
        return self._lines[path]

    def import_start(self, path: str, line: int) -> int:
        """The first line of the multi-line import holding `line` (parsed once per file)."""
        if path not in self._starts:
            lines = self.lines(path)
            # Only a marker on a statement's first line moves a finding: most files have none.
            marked = any("noqa" in text for text in lines)
            self._starts[path] = import_starts(lines) if marked else {}
        return self._starts[path].get(line, line)


def _without_idioms(findings: list[RawFinding], sources: _Sources) -> list[RawFinding]:
    """Drop the hits that the corpus showed to be deliberate idioms (see the rule sets above)."""
    watched = _LAMBDA_ONLY | _DEMO_TOLERANT
    watched |= {_UNDEFINED, _POINTLESS_COMPARISON, _MUTABLE_DEFAULT, _UNUSED_IMPORT}
    return [
        finding
        for finding in findings
        if not (finding.rule_id in _TYPE_CHECKED and _TYPE_CHECK_INPUT.search(finding.path))
        and (finding.rule_id not in watched or not _idiom(finding, sources.lines(finding.path)))
    ]


def _idiom(finding: RawFinding, lines: list[str]) -> bool:
    if not lines or finding.line > len(lines):
        return False  # an unreadable file keeps its findings
    line = lines[finding.line - 1]
    if finding.rule_id == _POINTLESS_COMPARISON:
        return _in_raises_block(lines, finding.line, line) or in_repeat_loop(lines, finding.line)
    if finding.rule_id == _MUTABLE_DEFAULT:
        return default_only_read("\n".join(lines), finding.line)
    if finding.rule_id == _UNUSED_IMPORT:
        source = "\n".join(lines)
        return (
            _PROBE_HINT in finding.message
            or import_only_module(source)
            or import_test(source, finding.line)
            or locals_read(source, finding.line)
        )
    if finding.rule_id == _UNDEFINED:
        return _undefined_on_purpose(finding, lines)
    if finding.rule_id == _BARE_EXCEPT and _explained(lines, finding.line):
        return True
    if finding.rule_id in _LAMBDA_ONLY:
        return "lambda" not in line
    if finding.rule_id == f"{NAME}:B018" and _raises_on_purpose(lines, finding.line):
        return True
    if finding.rule_id == _UNUSED_LOCAL and _in_raises_block(lines, finding.line, line):
        return True
    return _in_main_block(lines, finding.line)


def _undefined_on_purpose(finding: RawFinding, lines: list[str]) -> bool:
    """Whether the undefined name is defined at run time or only used behind a version check."""
    if any(_DYNAMIC_GLOBALS.search(text) for text in lines):
        return True
    quoted = _QUOTED_NAME.search(finding.message)
    if quoted is None:
        return False
    if quoted.group(1) == "gdb" and _GDB_SCRIPT.search(finding.path):
        return True
    return version_guarded("\n".join(lines), finding.line, quoted.group(1))


def _raises_on_purpose(lines: list[str], number: int) -> bool:
    """Whether the expression statement at `number` is a probe or a deliberate error."""
    line = lines[number - 1]
    if _BARE_NAME.fullmatch(line) or _RAISES_ON_PURPOSE.fullmatch(line):
        return True
    return _in_raises_block(lines, number, line)


def _in_raises_block(lines: list[str], number: int, line: str) -> bool:
    """Whether line `number` sits right inside a `try:` or a `with ...raises(...)` block."""
    indent = len(line) - len(line.lstrip())
    for text in reversed(lines[: number - 1]):
        # The closing `):` of a multi-line `with ...raises(` header: its opening line decides.
        if text.strip() and len(text) - len(text.lstrip()) < indent:
            if not text.lstrip().startswith(")"):
                return bool(_PROBE_BLOCK.match(text))
            indent = len(text) - len(text.lstrip()) + 1
    return False


def _explained(lines: list[str], number: int) -> bool:
    """Whether the handler of the `except:` at `number` opens with a comment."""
    following = (text.strip() for text in lines[number:])
    first = next((text for text in following if text), "")
    return first.startswith("#")


def _in_main_block(lines: list[str], number: int) -> bool:
    """Whether line `number` lies in a top-level `if __name__ == "__main__":` block."""
    for index in range(number - 1, -1, -1):
        text = lines[index]
        if text.strip() and not text.startswith((" ", "\t", "#")):
            return bool(_MAIN_GUARD.match(text))
    return False


def _at_marker(finding: RawFinding, sources: _Sources) -> RawFinding:
    """Move an unused import to the first line of its statement when that line has a marker.

    ruff honours `# noqa` on the first line of a multi-line import for every name in it; the
    engine reads markers on the finding's own line, so the finding moves to that first line.
    """
    if finding.rule_id != _UNUSED_IMPORT:
        return finding
    start = sources.import_start(finding.path, finding.line)
    lines = sources.lines(finding.path)
    if start != finding.line and "noqa" in lines[start - 1].lower():
        return finding._replace(line=start, column=1)
    return finding


def _lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []


def _finding(item: dict[str, object], root: Path) -> RawFinding:
    code = item.get("code")
    # ruff spells parse errors `invalid-syntax` (older versions: a null code).
    rule = SYNTAX_ERROR if code in (None, "invalid-syntax") else str(code)
    location = item.get("location")
    row = col = 1
    if isinstance(location, dict):
        row, col = int(location.get("row") or 1), int(location.get("column") or 1)
    return RawFinding(
        f"{NAME}:{rule}",
        relative_path(str(item.get("filename", "")), root),
        row,
        col,
        str(item.get("message", "")),
    )


RUFF = Ruff()
