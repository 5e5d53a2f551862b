"""Rule thresholds: a rule's integer options as a rule set holds them, and a task's own values
of its rule set's thresholds (`config-parameters`), which win over the set's.

A threshold is named on the wire by `<catalog rule id>.<option key>` (`ruff:C901.max-complexity`).
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from opencheck.engine.analyzers.base import Rule, RuleOption
from opencheck.errors import InvalidParameter
from opencheck.services.rule_catalog import catalog
from opencheck.store.models import RuleSet, RuleSetOption, TaskCheckParameter

Values = dict[str, dict[str, int]]  # catalog rule id -> option key -> value


def cfg_key(rule: Rule, option: RuleOption) -> str:
    """The wire name of one threshold of one rule."""
    return f"{rule.id}.{option.key}"


def wire_number(name: str) -> int:
    """A stable positive 31-bit number for a rule or threshold (the wire wants integers there)."""
    return zlib.crc32(name.encode()) & 0x7FFFFFFF


def thresholds(language: str) -> dict[str, tuple[Rule, RuleOption]]:
    """Every threshold of the language's catalog rules, by wire name."""
    return {cfg_key(r, o): (r, o) for r in catalog(language) for o in r.options}


def parse(rule: Rule, key: str, value: object) -> int:
    """`value` for `rule`'s option `key`; InvalidParameter when unknown or out of range."""
    option = next((o for o in rule.options if o.key == key), None)
    if option is None:
        raise InvalidParameter(f"rule {rule.name} has no option {key!r}")
    try:
        return option.parse(str(value))
    except ValueError as exc:
        raise InvalidParameter(f"{rule.name}: {exc}") from None


def set_values(session: Session, rs: RuleSet) -> Values:
    """The thresholds a custom set changed (system sets keep every default)."""
    values: Values = {}
    if rs.is_system:
        return values
    for row in session.scalars(select(RuleSetOption).where(RuleSetOption.ruleset_id == rs.id)):
        values.setdefault(row.rule_id, {})[row.option_key] = row.value
    return values


def store_set_values(session: Session, ruleset_id: str, values: Values) -> None:
    session.add_all(
        RuleSetOption(ruleset_id=ruleset_id, rule_id=rid, option_key=key, value=value)
        for rid, options in values.items()
        for key, value in options.items()
    )


def task_values(session: Session, *, task_id: str, rs: RuleSet) -> Values:
    """The task's own values of the set's thresholds."""
    known = thresholds(rs.language)
    values: Values = {}
    rows = session.scalars(
        select(TaskCheckParameter).where(
            TaskCheckParameter.task_id == task_id, TaskCheckParameter.ruleset_id == rs.id
        )
    )
    for row in rows:
        if row.cfg_key in known:  # a threshold the catalog no longer has is ignored
            rule, option = known[row.cfg_key]
            values.setdefault(rule.id, {})[option.key] = row.value
    return values


def overlay(*layers: Mapping[str, Mapping[str, int]]) -> Values:
    """The layers merged per rule and option, later layers winning."""
    merged: Values = {}
    for layer in layers:
        for rid, options in layer.items():
            merged.setdefault(rid, {}).update(options)
    return merged


def effective(rule: Rule, values: Mapping[str, Mapping[str, int]]) -> dict[str, int]:
    """Every option of `rule` with its value in `values`, else its default."""
    chosen = values.get(rule.id, {})
    return {o.key: chosen.get(o.key, o.default) for o in rule.options}
