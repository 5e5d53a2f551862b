"""Structural rules on tree-sitter, run as a child process: every rule of a file in one Query.

Usage: `python -I -m opencheck.engine.treesitter_scan --rules JSON -- FILE...`, where JSON (inline
or a file name) is `{"syntax_error": rule id or null, "rules": [{id, language, query, message,
unless, not_inside, values_not_containing}]}`, where the optional `unless` query keeps a rule out
of every file in which it matches, `not_inside` (node types) drops a match that lies within a node
of those types, and `values_not_containing` (node types) drops a match when the value (the
`right` field) of one of its children holds a node of those types.
The rules of a language are joined into one tree-sitter Query, so each file is parsed once and
matched once; the pattern index says which rule matched, the `@match` capture where. Prints one
JSON object per finding: rule, path, line, column (1-based, in characters), message; then a last
line `{"done": number of files}`.
"""

from __future__ import annotations

import argparse
import bisect
import importlib
import json
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from opencheck.engine.languages import language_of_name

if TYPE_CHECKING:
    from tree_sitter import Language, Node, Query


@dataclass(frozen=True)
class Grammar:
    """Where a language's grammar comes from (`module.function(*args)`), and how far to trust it."""

    module: str
    function: str
    args: tuple[str, ...] = ()
    # False for a grammar that covers only part of the language (one grammar for every SQL
    # dialect): its error recovery re-reads a dialect's syntax as other constructs (PL/pgSQL's
    # `x := NULL` as a comparison with NULL), so nothing is matched inside a top-level node that
    # holds a parse error, and such errors are no findings (the file may be valid SQL).
    complete: bool = True


# System language name -> its grammar: a new grammar is one line.
GRAMMARS: dict[str, Grammar] = {
    "Cangjie": Grammar("tree_sitter_cangjie", "language"),
    "SQL": Grammar("tree_sitter_language_pack", "get_binding", ("sql",), complete=False),
}
MATCH_CAPTURE = "match"
DONE_KEY = "done"


class ScanError(Exception):
    """Rules that cannot be used: a language without grammar, a query that does not compile."""


@dataclass(frozen=True)
class ScanRule:
    """One rule as the child sees it: the query text and the message of its findings."""

    id: str
    language: str
    query: str
    message: str
    # A query that, matching anywhere in a file, keeps this rule out of that file ("" for none).
    unless: str = ""
    # Node types a match must not lie within (an SQL rule that skips common table expressions).
    not_inside: tuple[str, ...] = ()
    # Node types the values of a match's children must not hold (an SQL UPDATE whose SET computes
    # the new values from the row's columns or a query, not from constants).
    values_not_containing: tuple[str, ...] = ()


@dataclass(frozen=True)
class CombinedQuery:
    """One Query holding every pattern of a language's rules, and the rule of each pattern."""

    query: Query
    rule_of_pattern: tuple[ScanRule, ...]
    # Rule id -> its compiled `unless` query, for the rules that have one.
    unless: Mapping[str, Query] = field(default_factory=dict)


def load_language(name: str) -> Language:
    """The tree-sitter Language of a system language, from its grammar wheel."""
    from tree_sitter import Language

    if name not in GRAMMARS:
        raise ScanError(f"no tree-sitter grammar for {name!r}")
    grammar = GRAMMARS[name]
    return Language(
        getattr(importlib.import_module(grammar.module), grammar.function)(*grammar.args)
    )


def combine(language: Language, rules: Sequence[ScanRule]) -> CombinedQuery:
    """Join the rules' queries into one Query; each pattern maps back by its byte offset."""
    from tree_sitter import Query, QueryError

    starts: list[int] = []
    parts: list[bytes] = []
    offset = 0
    for rule in rules:
        text = rule.query.encode() + b"\n"
        starts.append(offset)
        parts.append(text)
        offset += len(text)
    try:
        query = Query(language, b"".join(parts).decode())
    except QueryError as exc:
        raise ScanError(_culprit(language, rules) or f"invalid query: {exc}") from None
    owners = tuple(
        rules[bisect.bisect_right(starts, query.start_byte_for_pattern(index)) - 1]
        for index in range(query.pattern_count)
    )
    try:
        unless = {rule.id: Query(language, rule.unless) for rule in rules if rule.unless}
    except QueryError as exc:
        raise ScanError(f"invalid unless query: {exc}") from None
    return CombinedQuery(query, owners, unless)


def _culprit(language: Language, rules: Sequence[ScanRule]) -> str | None:
    """Which rule broke the combined query: compiled one by one only on this error path."""
    from tree_sitter import Query, QueryError

    for rule in rules:
        try:
            Query(language, rule.query)
        except QueryError as exc:
            return f"rule {rule.id}: invalid query: {exc}"
    return None


def scan_source(
    source: bytes,
    language: Language,
    combined: CombinedQuery | None,
    syntax_rule: str | None,
    *,
    skip_broken: bool = False,
) -> list[tuple[str, int, int, str]]:
    """(rule id, line, column, message) of every match in `source`, sorted by position.

    With `skip_broken`, top-level nodes holding a parse error are not matched (see `Grammar`).
    """
    from tree_sitter import Parser, QueryCursor

    tree = Parser(language).parse(source)
    found: dict[tuple[str, int], tuple[str, int, int, str]] = {}
    if syntax_rule and tree.root_node.has_error:
        error = first_error(tree.root_node)
        if error is not None:
            found[syntax_rule, error.start_byte] = _at(
                source, error, syntax_rule, _error_message(error)
            )
    if combined is not None:
        cursor = QueryCursor(combined.query)
        excluded = {
            rule_id
            for rule_id, query in combined.unless.items()
            if QueryCursor(query).captures(tree.root_node)
        }
        # One top-level node at a time: over the whole root, the query cursor of some grammars
        # (Cangjie's) grows with the square of the number of top-level declarations.
        for top in tree.root_node.children:
            if skip_broken and top.has_error:
                continue
            for index, captures in cursor.matches(top):
                rule = combined.rule_of_pattern[index]
                if rule.id in excluded:
                    continue
                nodes = captures.get(MATCH_CAPTURE, ())
                if rule.not_inside:
                    nodes = [n for n in nodes if not _within(n, rule.not_inside)]
                if rule.values_not_containing:
                    nodes = [n for n in nodes if not _values_hold(n, rule.values_not_containing)]
                # A pattern's several matches at one node (or two patterns of a rule) report once.
                for node in nodes:
                    found.setdefault(
                        (rule.id, node.start_byte), _at(source, node, rule.id, rule.message)
                    )
    return sorted(found.values(), key=lambda f: (f[1], f[2], f[0]))


def _within(node: Node, types: Sequence[str]) -> bool:
    """Does an ancestor of `node` have one of `types`?"""
    parent = node.parent
    while parent is not None:
        if parent.type in types:
            return True
        parent = parent.parent
    return False


def _values_hold(node: Node, types: Sequence[str]) -> bool:
    """Does the value (the `right` field) of one of `node`'s children hold a node of `types`?"""
    stack = [
        value
        for child in node.children
        if (value := child.child_by_field_name("right")) is not None
    ]
    while stack:
        current = stack.pop()
        if current.type in types:
            return True
        stack.extend(current.children)
    return False


def first_error(root: Node) -> Node | None:
    """The first ERROR or missing node, descending only into subtrees that hold one."""
    stack = [root]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            return node
        stack.extend(reversed([child for child in node.children if child.has_error]))
    return None


def _error_message(node: Node) -> str:
    if node.is_missing:
        return f"syntax error: missing {node.type}"
    text = (node.text or b"").decode(errors="replace").split("\n", 1)[0].strip()
    return f"syntax error near {text[:40]!r}" if text else "syntax error"


def _at(source: bytes, node: Node, rule_id: str, message: str) -> tuple[str, int, int, str]:
    row, byte_column = node.start_point
    line_start = node.start_byte - byte_column
    column = len(source[line_start : node.start_byte].decode(errors="replace")) + 1
    return (rule_id, row + 1, column, message)


def read_rules(spec: str) -> tuple[list[ScanRule], str | None]:
    """The rules and the syntax-error rule id from `--rules`: inline JSON or a file holding it."""
    text = spec if spec.lstrip().startswith("{") else Path(spec).read_text(encoding="utf-8")
    document: Mapping[str, Any] = json.loads(text)
    rules = [
        ScanRule(
            str(r["id"]),
            str(r["language"]),
            str(r["query"]),
            str(r.get("message") or ""),
            str(r.get("unless") or ""),
            tuple(str(t) for t in r.get("not_inside") or ()),
            tuple(str(t) for t in r.get("values_not_containing") or ()),
        )
        for r in document.get("rules", ())
    ]
    syntax_rule = document.get("syntax_error")
    return rules, str(syntax_rule) if syntax_rule else None


def scan_files(
    files: Sequence[str], rules: Sequence[ScanRule], syntax_rule: str | None
) -> Iterator[dict[str, object]]:
    """Findings of every readable file; an unreadable or unknown file is named on stderr."""
    languages: dict[str, tuple[Language, CombinedQuery | None]] = {}
    for path in files:
        name = language_of_name(path)
        if name not in GRAMMARS:
            print(f"{path}: skipped, no tree-sitter grammar for its language", file=sys.stderr)
            continue
        if name not in languages:
            language = load_language(name)
            own = [rule for rule in rules if rule.language == name]
            languages[name] = (language, combine(language, own) if own else None)
        language, combined = languages[name]
        try:
            source = Path(path).read_bytes()
        except OSError as exc:
            print(f"{path}: skipped, {exc.strerror or exc}", file=sys.stderr)
            continue
        complete = GRAMMARS[name].complete
        matches = scan_source(
            source, language, combined, syntax_rule if complete else None, skip_broken=not complete
        )
        for rule_id, line, column, message in matches:
            yield {
                "rule": rule_id,
                "path": path,
                "line": line,
                "column": column,
                "message": message,
            }


def main(argv: Sequence[str] | None = None) -> int:
    """Scan the files named after `--`; exit 2 when the rules themselves are unusable."""
    parser = argparse.ArgumentParser(prog="treesitter_scan", description=__doc__)
    parser.add_argument("--rules", required=True, help="inline JSON or a JSON file")
    parser.add_argument("files", nargs="*")
    args = parser.parse_args(argv)
    try:
        rules, syntax_rule = read_rules(args.rules)
        unknown = sorted({rule.language for rule in rules} - set(GRAMMARS))
        if unknown:
            raise ScanError(f"no tree-sitter grammar for {', '.join(unknown)}")
        out = sys.stdout
        for finding in scan_files(args.files, rules, syntax_rule):
            out.write(json.dumps(finding, ensure_ascii=False) + "\n")
        # The last line: without it the reader knows the scan stopped early, whatever the exit code.
        out.write(json.dumps({DONE_KEY: len(args.files)}) + "\n")
    except (ScanError, ImportError, ValueError, KeyError, TypeError, OSError) as exc:
        print(f"treesitter_scan: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
