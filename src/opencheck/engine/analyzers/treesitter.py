"""Cangjie, SQL and other tree-sitter grammars: OpenCheck's own query packs, one Query per language.

ast-grep cannot load every grammar wheel (tree-sitter-cangjie keeps its symbol local), so these
packs run in `python -m opencheck.engine.treesitter_scan`, a child process like every analyser,
which joins all selected rules of a language into one Query and matches each file once.
The packs live in `engine/rules/<language>/treesitter.yml` (not `rules.yml`, which is ast-grep's).
"""

from __future__ import annotations

import fnmatch
import importlib.util
import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from opencheck.domain.severity import Severity
from opencheck.engine.analyzers.base import SYNTAX_ERROR, RawFinding, Rule, RuleSelection
from opencheck.engine.analyzers.catalog import load_pack_rules, rule_from_entry
from opencheck.engine.errors import AnalyzerError
from opencheck.engine.treesitter_scan import DONE_KEY, GRAMMARS

NAME = "tree-sitter"
RULES_DIR = Path(__file__).parent.parent / "rules"
PACK_FILE = "treesitter.yml"
SCAN_MODULE = "opencheck.engine.treesitter_scan"
SYNTAX_RULE_ID = f"{NAME}:{SYNTAX_ERROR}"


@dataclass(frozen=True)
class QueryRule:
    """One rule of a pack: its metadata, the tree-sitter query, and its examples."""

    rule: Rule
    query: str
    bad: tuple[str, ...]
    good: tuple[str, ...]
    # A query that keeps the rule out of a whole file when it matches there ("" for none).
    unless: str = ""
    # Node types within which a match is not reported.
    not_inside: tuple[str, ...] = ()
    # Path globs (fnmatch, lower case, `*` spans folders) of files the rule does not report in.
    ignores: tuple[str, ...] = ()
    # Node types whose presence in the value (`right` field) of a match's child drops the match.
    values_not_containing: tuple[str, ...] = ()


def _query_rule(entry: Mapping[str, Any], language: str, source: Path) -> QueryRule:
    example = rule_from_entry(entry, str(entry.get("id")), language, source)
    query = str(entry.get("query") or "")
    if "@match" not in query or not example.bad:
        raise ValueError(
            f"{source}: rule {example.rule.id!r} lacks a @match query or a bad example"
        )
    unless = str(entry.get("unless") or "")
    not_inside = tuple(str(t) for t in entry.get("not_inside") or ())
    ignores = tuple(str(glob).lower() for glob in entry.get("ignores") or ())
    values_not_containing = tuple(str(t) for t in entry.get("values_not_containing") or ())
    return QueryRule(
        example.rule,
        query,
        example.bad,
        example.good,
        unless,
        not_inside,
        ignores,
        values_not_containing,
    )


@cache
def load_packs(rules_dir: Path = RULES_DIR) -> tuple[QueryRule, ...]:
    """Every rule of every tree-sitter pack under `rules_dir`, in file order (read once)."""
    return load_pack_rules(rules_dir, PACK_FILE, GRAMMARS, _query_rule)


def syntax_rule(language: str) -> Rule:
    """The parse-failure rule of one language (same id for all, as for the other tools)."""
    return Rule(
        id=SYNTAX_RULE_ID,
        name="syntax-error",
        language=language,
        # Info, not critical: the Cangjie grammar rejects about one valid file in ten (`$` in
        # strings, `>>` closing generics), and a false critical would fail every default gate.
        severity=Severity.INFO,
        tags=("syntax",),
        description=(
            "The file does not parse with the tree-sitter grammar of its language, so no other "
            "rule has checked it. Fix the syntax (or report a grammar gap if the code compiles)."
        ),
        bad_example="func main( {\n",
        good_example="func main() {\n}\n",
    )


class TreeSitter:
    """The tree-sitter adapter over the packs in `engine/rules/*/treesitter.yml`."""

    name = NAME

    def __init__(self, rules_dir: Path = RULES_DIR) -> None:
        self.pack = {qr.rule.id: qr for qr in load_packs(rules_dir)}
        self.languages = frozenset(qr.rule.language for qr in self.pack.values())
        # A grammar that covers only part of its language reports no syntax errors (`Grammar`).
        self.rules = (
            *(
                syntax_rule(language)
                for language in sorted(self.languages)
                if GRAMMARS[language].complete
            ),
            *(qr.rule for qr in self.pack.values()),
        )

    def reusable(self, path: str) -> bool:
        """Every file: each query matches within one file's tree; `ignores` go by its path."""
        return True

    def available(self) -> str | None:
        modules = [
            "tree_sitter",
            *(GRAMMARS[language].module for language in sorted(self.languages)),
        ]
        missing = [module for module in modules if importlib.util.find_spec(module) is None]
        return f"Python modules not installed: {', '.join(missing)}" if missing else None

    def command(self, files: Sequence[str], rules: RuleSelection) -> list[str]:
        selected = [self.pack[rid] for rid in sorted(rules.ids) if rid in self.pack]
        config = {
            "syntax_error": SYNTAX_RULE_ID if SYNTAX_RULE_ID in rules.ids else None,
            "rules": [
                {
                    "id": qr.rule.id,
                    "language": qr.rule.language,
                    "query": qr.query,
                    "message": qr.rule.summary,
                    **({"unless": qr.unless} if qr.unless else {}),
                    **({"not_inside": list(qr.not_inside)} if qr.not_inside else {}),
                    **(
                        {"values_not_containing": list(qr.values_not_containing)}
                        if qr.values_not_containing
                        else {}
                    ),
                }
                for qr in selected
            ],
        }
        # -I: neither the worktree (the cwd) nor PYTHON* variables may shape what gets imported.
        return [
            sys.executable,
            "-I",
            "-m",
            SCAN_MODULE,
            f"--rules={json.dumps(config, separators=(',', ':'))}",
            "--",
            *files,
        ]

    def parse(self, raw: bytes, root: Path) -> list[RawFinding]:
        lines = [line for line in raw.splitlines() if line.strip()]
        if not lines or not _is_done(lines[-1]):
            raise AnalyzerError("tree-sitter scan stopped before its last line")
        findings = [_finding(line, root) for line in lines[:-1]]
        return [f for f in findings if not self._ignored(f)]

    def _ignored(self, finding: RawFinding) -> bool:
        """Is the finding's file one its rule's `ignores` globs leave out?"""
        rule = self.pack.get(finding.rule_id)
        path = finding.path.lower()
        return rule is not None and any(fnmatch.fnmatchcase(path, glob) for glob in rule.ignores)


def _is_done(line: bytes) -> bool:
    try:
        return DONE_KEY in json.loads(line)
    except (ValueError, TypeError):
        return False


def _finding(line: bytes, root: Path) -> RawFinding:
    try:
        item = json.loads(line)
        path = Path(str(item["path"]))
        if path.is_absolute() and path.is_relative_to(root):
            path = path.relative_to(root)
        return RawFinding(
            str(item["rule"]),
            path.as_posix(),
            int(item["line"]),
            int(item["column"]),
            str(item.get("message") or ""),
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise AnalyzerError(f"tree-sitter printed an unreadable match: {exc!r}") from None


TREESITTER = TreeSitter()
