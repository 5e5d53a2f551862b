"""Every analyser OpenCheck can run, in one explicit mapping."""

from __future__ import annotations

from functools import cache

from opencheck.engine.analyzers import (
    astgrep,
    cppcheck,
    flawfinder,
    oxlint,
    ruff,
    shellcheck,
    sqlfluff,
    treesitter,
)
from opencheck.engine.analyzers.base import Analyzer, Rule
from opencheck.engine.analyzers.catalog import catalog_rules

ANALYZERS: dict[str, Analyzer] = {
    "ruff": ruff.RUFF,
    "ast-grep": astgrep.ASTGREP,
    "oxlint": oxlint.OXLINT,
    "shellcheck": shellcheck.SHELLCHECK,
    "cppcheck": cppcheck.CPPCHECK,
    "flawfinder": flawfinder.FLAWFINDER,
    "sqlfluff": sqlfluff.SQLFLUFF,
    "tree-sitter": treesitter.TREESITTER,
}


# Rules the engine raises itself, with no analyser process (unused suppressions).
ENGINE_RULES: tuple[Rule, ...] = catalog_rules("opencheck")


def analyzers_for(language: str) -> list[Analyzer]:
    """The registered analysers that check `language` (a system language name)."""
    return [analyzer for analyzer in ANALYZERS.values() if language in analyzer.languages]


def all_rules() -> list[Rule]:
    """The rule metadata of every registered analyser and the engine's own (for rule sets)."""
    return [rule for analyzer in ANALYZERS.values() for rule in analyzer.rules] + list(ENGINE_RULES)


@cache
def _rules_by_id() -> dict[str, Rule]:
    return {rule.id: rule for rule in all_rules()}


def rule(rule_id: str) -> Rule | None:
    """The metadata of one rule by its namespaced id, or None if no analyser has it."""
    return _rules_by_id().get(rule_id)


def is_security_rule(rule_id: str) -> bool:
    """Is `rule_id` a known security rule?"""
    found = rule(rule_id)
    return found is not None and found.security
