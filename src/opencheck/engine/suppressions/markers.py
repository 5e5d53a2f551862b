"""Suppression markers as users write them, read line by line from one file's text.

Each reader finds one family of markers (`# noqa`, `// eslint-disable-line`, `//nolint`, ...)
and says which lines each covers; the wider extents (a declaration, a shell command, a block up
to its enable comment) are measured by `scopes`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence

from opencheck.engine.suppressions import scopes
from opencheck.engine.suppressions.annotation_markers import (
    annotation_markers,
    csharp_markers,
    lua_markers,
    rust_markers,
    scala_markers,
    sql_markers,
    terraform_markers,
)
from opencheck.engine.suppressions.marker import (
    MARKER_WORDS,
    NOSEC_KIND,
    OWN_KIND,
    Marker,
    Reader,
    codes_of,
    has_code_before,
    line_marker,
    matching_lines,
)

# --- Python: ruff's noqa (line and file) and bandit's nosec -----------------------------------

_NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?", re.I)
_FILE_NOQA = re.compile(r"^#\s*(?:ruff|flake8)\s*:\s*noqa(?::\s*(?P<codes>[A-Z0-9,\s]+))?", re.I)
_NOSEC = re.compile(r"#\s*nosec\b(?P<codes>(?:[\s,]+[BS][0-9]+)*)", re.I)


def python_markers(lines: Sequence[str], hits: Sequence[int]) -> list[Marker]:
    """`# noqa[: codes]` on its line, `# ruff: noqa[: codes]` for the file, `# nosec [Bnnn]`."""
    found: list[Marker] = []
    for number, match in matching_lines(lines, hits, _FILE_NOQA):
        found.append(
            Marker("noqa", number, 1, len(lines), codes_of(match["codes"] or ""), match[0])
        )
    for number, match in matching_lines(lines, hits, _NOQA):
        if not _FILE_NOQA.search(lines[number - 1]):
            found.append(line_marker("noqa", number, codes_of(match["codes"] or ""), match[0]))
    for number, match in matching_lines(lines, hits, _NOSEC):
        # bandit's B602 is ruff's S602: ruff's flake8-bandit rules keep bandit's numbers.
        codes = tuple("S" + code[1:] for code in codes_of(match["codes"].upper()))
        found.append(line_marker(NOSEC_KIND, number, codes, match[0]))
    return found


# --- JavaScript, TypeScript, ArkTS: eslint-* and oxlint-* comments ----------------------------

_ESLINT = re.compile(
    r"(?://|/\*)\s*(?P<tool>eslint|oxlint)-(?P<verb>disable-next-line|disable-line|disable|enable)"
    r"\b(?P<rest>[^*\n]*(?:\*(?!/)[^*\n]*)*)"
)


def _eslint_rules(rest: str) -> tuple[tuple[str, ...], str]:
    rules, _, why = rest.partition("--")
    return codes_of(rules.replace(",", " ")), why


def eslint_markers(lines: Sequence[str], hits: Sequence[int]) -> list[Marker]:
    """`-line`, `-next-line`, and `disable` ... `enable` blocks (to the end of file if unclosed)."""
    found: list[Marker] = []
    blocks: list[tuple[int, tuple[str, ...], str, str]] = []
    enables: list[tuple[int, tuple[str, ...]]] = []
    for number, match in matching_lines(lines, hits, _ESLINT):
        codes, why = _eslint_rules(match["rest"])
        text = f"{match['tool']}-{match['verb']} {' '.join(codes)}".strip()
        if match["verb"] == "disable-line":
            found.append(line_marker("eslint", number, codes, text, why))
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
    for number, match in matching_lines(lines, hits, _SHELLCHECK):
        first, last = scopes.shell_command_after(lines, number)
        found.append(Marker("shellcheck", number, first, last, codes_of(match["codes"]), match[0]))
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
    for number, match in matching_lines(lines, hits, _NOLINT):
        codes, verb = codes_of((match["codes"] or "").replace(",", " ")), match["verb"]
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
    for number, match in matching_lines(lines, hits, _CPPCHECK):
        codes = codes_of((match["list"] or match["id"] or "").replace(",", " "))
        # On its own line it covers the next line; after code, its own line.
        target = number if has_code_before(lines[number - 1], match.start()) else number + 1
        found.append(Marker("cppcheck-suppress", number, target, target, codes, match[0]))
    for number, match in matching_lines(lines, hits, _FLAWFINDER):
        found.append(Marker("flawfinder", number, number, number + 1, (), match[0]))
    return found


# --- Go: golangci-lint's nolint ---------------------------------------------------------------

_NOLINT_GO = re.compile(r"//\s*nolint(?::(?P<codes>[\w,-]+))?(?:\s*//\s*(?P<why>.*))?")


def go_markers(lines: Sequence[str], hits: Sequence[int]) -> list[Marker]:
    """`//nolint[:a,b]` on a line covers it; on a func line or alone above one, the function."""
    found: list[Marker] = []
    for number, match in matching_lines(lines, hits, _NOLINT_GO):
        line = lines[number - 1]
        target = number if has_code_before(line, match.start()) else number + 1
        last = scopes.go_declaration_end(lines, target)
        codes = codes_of((match["codes"] or "").replace(",", " "))
        text = match[0].split("//", 2)[1].strip()
        why = (match["why"] or "").strip()
        found.append(Marker("nolint", number, target, last, codes, text, why))
    return found


# --- Java, Kotlin, Scala, Rust: annotations and attributes on a declaration -------------------

_NOSONAR = re.compile(r"\bNOSONAR\b")
_OWN = re.compile(
    r"(?:#|//|/\*|--|<!--|;)[^\n]*?\bopencheck-ignore(?P<next>-next-line)?\[(?P<ids>[^\]]*)\]"
    r"(?::(?P<why>.*?))?(?:\*/|-->)?\s*$"
)


def common_markers(lines: Sequence[str], hits: Sequence[int]) -> list[Marker]:
    """`NOSONAR` on a line (any rule) and `opencheck-ignore[-next-line][ids]: reason`."""
    found: list[Marker] = []
    for number, match in matching_lines(lines, hits, _NOSONAR):
        found.append(line_marker("NOSONAR", number, (), match[0]))
    for number, match in matching_lines(lines, hits, _OWN):
        target = number + 1 if match["next"] else number
        codes = codes_of(match["ids"].replace(",", " "))
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
