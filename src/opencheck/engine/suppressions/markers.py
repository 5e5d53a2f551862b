"""Suppression markers as users write them, read line by line from one file's text.

Each reader finds one family of markers (`# noqa`, `// eslint-disable-line`, `//nolint`, ...)
and says which lines each covers; the wider extents (a declaration, a shell command, a block up
to its enable comment) are measured by `scopes`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from opencheck.engine.suppressions import scopes

OWN_KIND = "opencheck"
NOSEC_KIND = "nosec"


@dataclass(frozen=True)
class Marker:
    """One suppression comment: the lines it covers and the rule codes it names.

    No codes means every rule (for `nosec`: every security rule).
    """

    kind: str
    line: int
    first: int
    last: int
    codes: tuple[str, ...]
    text: str
    justification: str = ""

    @property
    def own(self) -> bool:
        return self.kind == OWN_KIND

    @property
    def reason(self) -> str:
        """What the stored defect says about why it is ignored."""
        said = f": {self.justification}" if self.justification else ""
        return f"{self.text} on line {self.line}{said}"


# A reader gets the file's lines and the numbers of the lines holding a marker word.
Reader = Callable[[Sequence[str], Sequence[int]], list[Marker]]

# Lines without one of these words (in any case) hold no marker; the readers see only the others.
MARKER_WORDS = (
    "noqa", "nosec", "eslint-", "oxlint-", "shellcheck", "nolint", "suppress", "allow(", "@nowarn",
    "checkov:skip", "tfsec:ignore", "trivy:ignore",
    "flawfinder", "luacheck", "nosonar", "opencheck-ignore", "#pragma warning",
)  # fmt: skip
_CODES_SPLIT = re.compile(r"[\s,]+")


def _codes(text: str) -> tuple[str, ...]:
    return tuple(code for code in _CODES_SPLIT.split(text.strip()) if code)


def _has_code_before(line: str, column: int) -> bool:
    """Is there code before `column` (a trailing comment), not just a comment on its own line?"""
    return bool(line[:column].strip())


def _line_marker(
    kind: str, number: int, codes: tuple[str, ...], text: str, why: str = ""
) -> Marker:
    return Marker(kind, number, number, number, codes, text.strip(), why.strip())


def _matches(
    lines: Sequence[str], hits: Sequence[int], pattern: re.Pattern[str]
) -> list[tuple[int, re.Match[str]]]:
    return [
        (number, match) for number in hits for match in [pattern.search(lines[number - 1])] if match
    ]


# --- Python: ruff's noqa (line and file) and bandit's nosec -----------------------------------

_NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?", re.I)
_FILE_NOQA = re.compile(r"^#\s*(?:ruff|flake8)\s*:\s*noqa(?::\s*(?P<codes>[A-Z0-9,\s]+))?", re.I)
_NOSEC = re.compile(r"#\s*nosec\b(?P<codes>(?:[\s,]+[BS][0-9]+)*)", re.I)


def python_markers(lines: Sequence[str], hits: Sequence[int]) -> list[Marker]:
    """`# noqa[: codes]` on its line, `# ruff: noqa[: codes]` for the file, `# nosec [Bnnn]`."""
    found: list[Marker] = []
    for number, match in _matches(lines, hits, _FILE_NOQA):
        found.append(Marker("noqa", number, 1, len(lines), _codes(match["codes"] or ""), match[0]))
    for number, match in _matches(lines, hits, _NOQA):
        if not _FILE_NOQA.search(lines[number - 1]):
            found.append(_line_marker("noqa", number, _codes(match["codes"] or ""), match[0]))
    for number, match in _matches(lines, hits, _NOSEC):
        # bandit's B602 is ruff's S602: ruff's flake8-bandit rules keep bandit's numbers.
        codes = tuple("S" + code[1:] for code in _codes(match["codes"].upper()))
        found.append(_line_marker(NOSEC_KIND, number, codes, match[0]))
    return found


# --- JavaScript, TypeScript, ArkTS: eslint-* and oxlint-* comments ----------------------------

_ESLINT = re.compile(
    r"(?://|/\*)\s*(?P<tool>eslint|oxlint)-(?P<verb>disable-next-line|disable-line|disable|enable)"
    r"\b(?P<rest>[^*\n]*(?:\*(?!/)[^*\n]*)*)"
)


def _eslint_rules(rest: str) -> tuple[tuple[str, ...], str]:
    rules, _, why = rest.partition("--")
    return _codes(rules.replace(",", " ")), why


def eslint_markers(lines: Sequence[str], hits: Sequence[int]) -> list[Marker]:
    """`-line`, `-next-line`, and `disable` ... `enable` blocks (to the end of file if unclosed)."""
    found: list[Marker] = []
    blocks: list[tuple[int, tuple[str, ...], str, str]] = []
    enables: list[tuple[int, tuple[str, ...]]] = []
    for number, match in _matches(lines, hits, _ESLINT):
        codes, why = _eslint_rules(match["rest"])
        text = f"{match['tool']}-{match['verb']} {' '.join(codes)}".strip()
        if match["verb"] == "disable-line":
            found.append(_line_marker("eslint", number, codes, text, why))
        elif match["verb"] == "disable-next-line":
            found.append(Marker("eslint", number, number + 1, number + 1, codes, text, why.strip()))
        elif match["verb"] == "disable":
            blocks.append((number, codes, text, why.strip()))
        else:
            enables.append((number, codes))
    for number, codes, text, why in blocks:
        end = scopes.block_end(number, codes, enables, len(lines))
        found.append(Marker("eslint", number, number, end, codes, text, why))
    return found


# --- Shell: shellcheck directives -------------------------------------------------------------

_SHELLCHECK = re.compile(r"^\s*#\s*shellcheck\s+(?:\w+=\S+\s+)*disable=(?P<codes>[\w,-]+)")


def shell_markers(lines: Sequence[str], hits: Sequence[int]) -> list[Marker]:
    """`# shellcheck disable=...` before the first command covers the file, else the next one."""
    found: list[Marker] = []
    for number, match in _matches(lines, hits, _SHELLCHECK):
        first, last = scopes.shell_command_after(lines, number)
        found.append(Marker("shellcheck", number, first, last, _codes(match["codes"]), match[0]))
    return found


# --- C and C++: NOLINT, cppcheck-suppress, flawfinder: ignore ---------------------------------

_NOLINT = re.compile(r"//\s*NOLINT(?P<verb>NEXTLINE|BEGIN|END)?(?:\((?P<codes>[^)]*)\))?")
_CPPCHECK = re.compile(r"(?://|/\*)\s*cppcheck-suppress(?:\[(?P<list>[^\]]*)\]|\s+(?P<id>[\w:]+))")
_FLAWFINDER = re.compile(r"(?:flawfinder|RATS|ITS4)\s*:\s*ignore", re.I)


def cpp_markers(lines: Sequence[str], hits: Sequence[int]) -> list[Marker]:
    """NOLINT (line, NEXTLINE, BEGIN/END), cppcheck-suppress, flawfinder: ignore."""
    found: list[Marker] = []
    begins: list[tuple[int, tuple[str, ...], str]] = []
    ends: list[tuple[int, tuple[str, ...]]] = []
    for number, match in _matches(lines, hits, _NOLINT):
        codes, verb = _codes((match["codes"] or "").replace(",", " ")), match["verb"]
        if verb == "BEGIN":
            begins.append((number, codes, match[0]))
        elif verb == "END":
            ends.append((number, codes))
        else:
            target = number + 1 if verb == "NEXTLINE" else number
            found.append(Marker("NOLINT", number, target, target, codes, match[0]))
    for number, codes, text in begins:
        end = scopes.block_end(number, codes, ends, len(lines))
        found.append(Marker("NOLINT", number, number, end, codes, text))
    for number, match in _matches(lines, hits, _CPPCHECK):
        codes = _codes((match["list"] or match["id"] or "").replace(",", " "))
        # On its own line it covers the next line; after code, its own line.
        target = number if _has_code_before(lines[number - 1], match.start()) else number + 1
        found.append(Marker("cppcheck-suppress", number, target, target, codes, match[0]))
    for number, match in _matches(lines, hits, _FLAWFINDER):
        found.append(Marker("flawfinder", number, number, number + 1, (), match[0]))
    return found


# --- Go: golangci-lint's nolint ---------------------------------------------------------------

_NOLINT_GO = re.compile(r"//\s*nolint(?::(?P<codes>[\w,-]+))?(?:\s*//\s*(?P<why>.*))?")


def go_markers(lines: Sequence[str], hits: Sequence[int]) -> list[Marker]:
    """`//nolint[:a,b]` on a line covers it; on a func line or alone above one, the function."""
    found: list[Marker] = []
    for number, match in _matches(lines, hits, _NOLINT_GO):
        line = lines[number - 1]
        target = number if _has_code_before(line, match.start()) else number + 1
        last = scopes.go_declaration_end(lines, target)
        codes = _codes((match["codes"] or "").replace(",", " "))
        text = match[0].split("//", 2)[1].strip()
        why = (match["why"] or "").strip()
        found.append(Marker("nolint", number, target, last, codes, text, why))
    return found


# --- Java, Kotlin, Scala, Rust: annotations and attributes on a declaration -------------------

_SUPPRESS = re.compile(r"@(?P<file>file:)?Suppress(?:Warnings)?\s*\((?P<args>[^)]*)\)?")
_ALLOW = re.compile(r"#(?P<inner>!)?\[allow\((?P<args>[^)\]]*)\)\]")
_QUOTED = re.compile(r'"([^"]*)"')


def annotation_markers(lines: Sequence[str], hits: Sequence[int]) -> list[Marker]:
    """`@Suppress`/`@SuppressWarnings` (Kotlin's `@file:Suppress` for the file)."""
    found: list[Marker] = []
    for number, match in _matches(lines, hits, _SUPPRESS):
        codes = tuple(_QUOTED.findall(match["args"] or ""))
        if match["file"]:
            first, last = 1, len(lines)
        else:
            first, last = number, scopes.declaration_end(lines, number, match.end())
        found.append(Marker("suppress", number, first, last, codes, match[0]))
    return found


_NOWARN = re.compile(r"@nowarn\b(?:\s*\([^)]*\))?")


def scala_markers(lines: Sequence[str], hits: Sequence[int]) -> list[Marker]:
    """Scala's `@nowarn` (any filter) silences every rule on the declaration it annotates."""
    found: list[Marker] = []
    for number, match in _matches(lines, hits, _NOWARN):
        last = scopes.declaration_end(lines, number, match.end())
        found.append(Marker("nowarn", number, number, last, (), match[0]))
    return found


def rust_markers(lines: Sequence[str], hits: Sequence[int]) -> list[Marker]:
    """`#[allow(...)]` covers the item after it; `#![allow(...)]` the whole file."""
    found: list[Marker] = []
    for number, match in _matches(lines, hits, _ALLOW):
        codes = _codes(match["args"].replace(",", " "))
        if match["inner"]:
            first, last = 1, len(lines)
        else:
            first, last = number, scopes.declaration_end(lines, number, match.end())
        found.append(Marker("allow", number, first, last, codes, match[0]))
    return found


# --- C#: #pragma warning disable/restore and [SuppressMessage] ------------------------------

_PRAGMA = re.compile(r"^\s*#pragma\s+warning\s+(?P<verb>disable|restore)\b(?P<codes>[^/\n]*)")
_SUPPRESS_MESSAGE = re.compile(
    r"\[\s*(?:[\w.]+\.)?SuppressMessage(?:Attribute)?\s*\(\s*\"[^\"]*\"\s*,\s*\"(?P<id>[^\":]*)"
    r"[^\"]*\"(?:[^)]*Justification\s*=\s*\"(?P<why>[^\"]*)\")?[^\]]*\]"
)


def csharp_markers(lines: Sequence[str], hits: Sequence[int]) -> list[Marker]:
    """`#pragma warning disable` up to its `restore` (no codes: every rule), and
    `[SuppressMessage("Category", "Id: title", Justification = "...")]` on a declaration."""
    found: list[Marker] = []
    disables: list[tuple[int, tuple[str, ...], str]] = []
    restores: list[tuple[int, tuple[str, ...]]] = []
    for number, match in _matches(lines, hits, _PRAGMA):
        codes = _codes(match["codes"].replace(",", " "))
        if match["verb"] == "disable":
            disables.append((number, codes, match[0]))
        else:
            restores.append((number, codes))
    for number, codes, text in disables:
        end = scopes.block_end(number, codes, restores, len(lines))
        found.append(Marker("pragma", number, number, end, codes, text))
    for number, match in _matches(lines, hits, _SUPPRESS_MESSAGE):
        last = scopes.declaration_end(lines, number, match.end())
        codes = _codes(match["id"])
        found.append(
            Marker("SuppressMessage", number, number, last, codes, match[0], match["why"] or "")
        )
    return found


# --- Terraform: checkov and tfsec/trivy skips -------------------------------------------------

_IAC_SKIP = re.compile(
    r"#\s*(?P<tool>checkov:skip|tfsec:ignore|trivy:ignore)[=:]\s*(?P<check>[\w.-]+)"
    r"(?:\s*[:\s]\s*(?P<why>.*))?",
    re.I,
)
_HCL_BLOCK = re.compile(r"^[A-Za-z_][\w-]*(\s+(\"[^\"]*\"|[\w-]+))*\s*\{\s*$")


def terraform_markers(lines: Sequence[str], hits: Sequence[int]) -> list[Marker]:
    """`#checkov:skip=CKV_…` in a block, or `#tfsec:ignore:…` / `#trivy:ignore:…` above one.

    Their check ids name other tools' checks, so a skip covers every rule on the resource the
    team reviewed: checkov's the block it sits in, tfsec's the line after it (with its block).
    """
    found: list[Marker] = []
    for number, match in _matches(lines, hits, _IAC_SKIP):
        if match["tool"].lower().startswith("checkov"):
            first = _enclosing_block(lines, number)
            last = scopes.declaration_end(lines, first, 0) if first < number else number
        else:
            first = number
            last = scopes.declaration_end(lines, number + 1, 0) if number < len(lines) else number
        text = f"{match['tool']}:{match['check']}"
        found.append(
            Marker("iac-skip", number, first, max(last, number), (), text, match["why"] or "")
        )
    return found


def _enclosing_block(lines: Sequence[str], number: int) -> int:
    """The first line of the top-level block holding line `number` (itself if there is none)."""
    for line in range(number, 0, -1):
        if _HCL_BLOCK.match(lines[line - 1]):
            return line
    return number


# --- Lua and SQL: luacheck and sqlfluff ------------------------------------------------------

_LUACHECK = re.compile(r"--\s*luacheck:\s*ignore\b(?P<codes>[^\n]*)")
_SQL_NOQA = re.compile(r"--\s*noqa(?::\s*(?P<codes>[\w,\s]+))?", re.I)


def lua_markers(lines: Sequence[str], hits: Sequence[int]) -> list[Marker]:
    """`-- luacheck: ignore` after code covers its line; alone before any code, the file."""
    found: list[Marker] = []
    for number, match in _matches(lines, hits, _LUACHECK):
        codes = _codes(match["codes"].replace(",", " "))
        if _has_code_before(lines[number - 1], match.start()):
            first = last = number
        elif scopes.before_any_code(lines, number, ("--",)):
            first, last = 1, len(lines)
        else:
            first = last = number + 1
        found.append(Marker("luacheck", number, first, last, codes, match[0]))
    return found


def sql_markers(lines: Sequence[str], hits: Sequence[int]) -> list[Marker]:
    """sqlfluff's `-- noqa[: codes]` on its line."""
    return [
        _line_marker("noqa", number, _codes((match["codes"] or "").replace(",", " ")), match[0])
        for number, match in _matches(lines, hits, _SQL_NOQA)
        if "disable=" not in (match["codes"] or "") and "enable=" not in (match["codes"] or "")
    ]


# --- Every language: NOSONAR and OpenCheck's own markers --------------------------------------

_NOSONAR = re.compile(r"\bNOSONAR\b")
_OWN = re.compile(
    r"(?:#|//|/\*|--|<!--|;)[^\n]*?\bopencheck-ignore(?P<next>-next-line)?\[(?P<ids>[^\]]*)\]"
    r"(?::(?P<why>.*?))?(?:\*/|-->)?\s*$"
)


def common_markers(lines: Sequence[str], hits: Sequence[int]) -> list[Marker]:
    """`NOSONAR` on a line (any rule) and `opencheck-ignore[-next-line][ids]: reason`."""
    found: list[Marker] = []
    for number, match in _matches(lines, hits, _NOSONAR):
        found.append(_line_marker("NOSONAR", number, (), match[0]))
    for number, match in _matches(lines, hits, _OWN):
        target = number + 1 if match["next"] else number
        codes = _codes(match["ids"].replace(",", " "))
        text = f"opencheck-ignore{match['next'] or ''}[{match['ids'].strip()}]"
        why = (match["why"] or "").strip()
        found.append(Marker(OWN_KIND, number, target, target, codes, text, why))
    return found


_C_FAMILY: tuple[Reader, ...] = (annotation_markers,)
READERS: dict[str, tuple[Reader, ...]] = {
    "Python": (python_markers,),
    "JavaScript": (eslint_markers,),
    "TypeScript": (eslint_markers,),
    "ArkTS": (eslint_markers,),
    "Shell": (shell_markers,),
    "C++": (cpp_markers,),
    "Go": (go_markers,),
    "C#": (csharp_markers,),
    "Java": _C_FAMILY,
    "Kotlin": _C_FAMILY,
    "Scala": (annotation_markers, scala_markers),
    "Rust": (rust_markers,),
    "Lua": (lua_markers,),
    "SQL": (sql_markers,),
    "Terraform": (terraform_markers,),
}


def marker_lines(lines: Sequence[str]) -> list[int]:
    """The 1-based numbers of the lines holding a marker word.

    `str.find` over the whole lower-cased text, word by word: a case-insensitive regex of
    alternatives, run per line or over the text, cost a second per 200,000 lines of Django.
    """
    text = "\n".join(lines).lower()
    offsets = [at for word in MARKER_WORDS for at in _occurrences(text, word)]
    if not offsets:
        return []
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    return sorted({bisect_right(starts, at) for at in offsets})


def _occurrences(text: str, word: str) -> list[int]:
    found = []
    at = text.find(word)
    while at != -1:
        found.append(at)
        at = text.find(word, at + 1)
    return found


def read_markers(lines: Sequence[str], language: str) -> list[Marker]:
    """Every marker in a file of `language` (a system language name), in reader order."""
    hits = marker_lines(lines)
    if not hits:
        return []
    found = common_markers(lines, hits)
    for reader in READERS.get(language, ()):
        found.extend(reader(lines, hits))
    return found
