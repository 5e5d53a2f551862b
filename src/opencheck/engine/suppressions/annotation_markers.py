"""Suppressions written as annotations, attributes and pragmas (Java, Kotlin, Scala, Rust, C#),
and the markers of Terraform scanners, luacheck and SQLFluff."""

from __future__ import annotations

import re
from collections.abc import Sequence

from opencheck.engine.suppressions import scopes
from opencheck.engine.suppressions.marker import (
    Marker,
    codes_of,
    has_code_before,
    line_marker,
    matching_lines,
)

_SUPPRESS = re.compile(r"@(?P<file>file:)?Suppress(?:Warnings)?\s*\((?P<args>[^)]*)\)?")
_ALLOW = re.compile(r"#(?P<inner>!)?\[allow\((?P<args>[^)\]]*)\)\]")
_QUOTED = re.compile(r'"([^"]*)"')


def annotation_markers(lines: Sequence[str], hits: Sequence[int]) -> list[Marker]:
    """`@Suppress`/`@SuppressWarnings` (Kotlin's `@file:Suppress` for the file)."""
    found: list[Marker] = []
    for number, match in matching_lines(lines, hits, _SUPPRESS):
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
    for number, match in matching_lines(lines, hits, _NOWARN):
        last = scopes.declaration_end(lines, number, match.end())
        found.append(Marker("nowarn", number, number, last, (), match[0]))
    return found


def rust_markers(lines: Sequence[str], hits: Sequence[int]) -> list[Marker]:
    """`#[allow(...)]` covers the item after it; `#![allow(...)]` the whole file."""
    found: list[Marker] = []
    for number, match in matching_lines(lines, hits, _ALLOW):
        codes = codes_of(match["args"].replace(",", " "))
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
    for number, match in matching_lines(lines, hits, _PRAGMA):
        codes = codes_of(match["codes"].replace(",", " "))
        if match["verb"] == "disable":
            disables.append((number, codes, match[0]))
        else:
            restores.append((number, codes))
    for number, codes, text in disables:
        end = scopes.block_end(number, codes, restores, len(lines))
        found.append(Marker("pragma", number, number, end, codes, text))
    for number, match in matching_lines(lines, hits, _SUPPRESS_MESSAGE):
        last = scopes.declaration_end(lines, number, match.end())
        codes = codes_of(match["id"])
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
    for number, match in matching_lines(lines, hits, _IAC_SKIP):
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
    for number, match in matching_lines(lines, hits, _LUACHECK):
        codes = codes_of(match["codes"].replace(",", " "))
        if has_code_before(lines[number - 1], match.start()):
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
        line_marker("noqa", number, codes_of((match["codes"] or "").replace(",", " ")), match[0])
        for number, match in matching_lines(lines, hits, _SQL_NOQA)
        if "disable=" not in (match["codes"] or "") and "enable=" not in (match["codes"] or "")
    ]


# --- Every language: NOSONAR and OpenCheck's own markers --------------------------------------
