"""The rule catalog: every registered analyser's rules, and their 32-hex API ids.

The API names rules by 32-hex ids: `uuid5(RULE_NAMESPACE, catalog id).hex`, where the catalog id
is the analyser's namespaced id (`ruff:F401`).
"""

from __future__ import annotations

import uuid
from functools import cache

from opencheck.domain.languages import canonical_language
from opencheck.engine.analyzers.base import Rule
from opencheck.engine.analyzers.registry import all_rules
from opencheck.errors import InvalidParameter

RULE_NAMESPACE = uuid.UUID("3f1d2c4b-8a7e-5b6c-9d0e-7c0de0c4ec01")


def wire_rule_id(catalog_id: str) -> str:
    """The 32-hex API id of a catalog rule."""
    return uuid.uuid5(RULE_NAMESPACE, catalog_id).hex


@cache
def _by_wire_id() -> dict[str, str]:
    return {wire_rule_id(rule.id): rule.id for rule in all_rules()}


def catalog_rule_id(wire_id: str) -> str | None:
    """The catalog id behind an API rule id, or None.

    One catalog id may serve several languages (oxlint's rules check JavaScript and TypeScript),
    so a rule is identified by its id within a language.
    """
    return _by_wire_id().get(wire_id)


def catalog(language: str | None = None) -> list[Rule]:
    """Catalog rules (of one system language), in a stable order."""
    rules = [r for r in all_rules() if language is None or r.language == language]
    return sorted(rules, key=lambda r: (r.language, r.id))


def language_of(code: str, name: str = "language") -> str:
    """The system language `code` names; InvalidParameter naming the field `name` if none."""
    lang = canonical_language(code) if isinstance(code, str) else None
    if lang is None:
        raise InvalidParameter(f"{name} '{code}' is not supported")
    return lang


def list_catalog(
    *, language: str | None, severities: tuple[str, ...], offset: int, limit: int
) -> tuple[list[Rule], int]:
    """One page of the catalog (of one language, of some severities) and the total."""
    lang = language_of(language, "rule_languages") if language else None
    rules = [r for r in catalog(lang) if not severities or r.severity.code in severities]
    return rules[offset : offset + limit], len(rules)
