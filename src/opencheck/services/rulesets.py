"""Rule sets: system and custom sets, project defaults, task bindings.

System sets hold every catalog rule of their language at its default severity and are computed
from the catalog (services.rule_catalog); custom sets store one `RuleSetRule` row per catalog
rule of their language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from opencheck.domain.severity import Severity
from opencheck.engine.analyzers.base import Rule, RuleSelection
from opencheck.errors import Conflict, InvalidParameter, NotFound
from opencheck.services import rule_thresholds
from opencheck.services.auth import Principal
from opencheck.services.permissions import Action
from opencheck.services.projects import check_id, get_project_or_raise, require
from opencheck.services.rule_catalog import catalog, catalog_rule_id, language_of, wire_rule_id
from opencheck.store.models import (
    ConfigTemplate,
    ProjectDefaultRuleSet,
    RuleSet,
    RuleSetOption,
    RuleSetRule,
    TaskCheckParameter,
    TemplateRuleSet,
    User,
)

_NAME_RE = re.compile(r"^[A-Za-z0-9._-]{1,500}$")
SEVERITY_CODES = tuple(s.code for s in Severity)


@dataclass(frozen=True)
class SetRule:
    """One rule as a set holds it."""

    rule: Rule
    enabled: bool
    severity: Severity
    options: dict[str, int]  # every threshold of the rule with its value in the set


# --- rule sets ---------------------------------------------------------------------------------


def system_default(session: Session, *, language: str) -> RuleSet:
    rs = session.scalar(
        select(RuleSet).where(RuleSet.is_system.is_(True), RuleSet.language == language)
    )
    if rs is None:
        raise NotFound(f"no system rule set for {language}; run `opencheck db upgrade`")
    return rs


def project_default(session: Session, *, project_id: str, language: str) -> RuleSet:
    """The project's default set for `language`, else the system default."""
    rs = session.scalar(
        select(RuleSet)
        .join(ProjectDefaultRuleSet, ProjectDefaultRuleSet.ruleset_id == RuleSet.id)
        .where(
            ProjectDefaultRuleSet.project_id == project_id,
            ProjectDefaultRuleSet.language == language,
        )
    )
    return rs if rs is not None else system_default(session, language=language)


def get_visible_or_raise(session: Session, *, project_id: str, ruleset_id: str) -> RuleSet:
    """A system set or one of this project's sets; a malformed id is a 400, as api.md says."""
    check_id(ruleset_id if isinstance(ruleset_id, str) else "", "ruleset_id")
    rs = session.get(RuleSet, ruleset_id)
    if rs is None or (rs.project_id is not None and rs.project_id != project_id):
        raise NotFound(f"rule set {ruleset_id} not found")
    return rs


def resolve_for_task(
    session: Session, *, project_id: str, language: str, ruleset_id: str | None
) -> RuleSet:
    """The named rule set (system or this project's, same language) or the project default."""
    if not ruleset_id:
        return project_default(session, project_id=project_id, language=language)
    rs = get_visible_or_raise(session, project_id=project_id, ruleset_id=ruleset_id)
    if rs.language != language:
        raise InvalidParameter(f"rule set {ruleset_id} is for {rs.language}, not {language}")
    return rs


def rules_of(session: Session, rs: RuleSet) -> list[SetRule]:
    """Every catalog rule of the set's language, enabled or not, with its effective severity."""
    rules = catalog(rs.language)
    values = rule_thresholds.set_values(session, rs)
    if rs.is_system:
        return [SetRule(r, r.default, r.severity, rule_thresholds.effective(r, {})) for r in rules]
    rows = {
        row.rule_id: row
        for row in session.scalars(select(RuleSetRule).where(RuleSetRule.ruleset_id == rs.id))
    }
    result = []
    for r in rules:
        row = rows.get(r.id)
        enabled = row is not None and row.enabled  # a rule added after the set was made: off
        sev = Severity(row.severity) if row is not None and row.severity is not None else r.severity
        result.append(SetRule(r, enabled, sev, rule_thresholds.effective(r, values)))
    return result


def selection_of(
    session: Session, rs: RuleSet, task_values: rule_thresholds.Values | None = None
) -> RuleSelection:
    """The enabled rules of a set with their severities and thresholds (a task's own values of
    them winning), for the engine."""
    enabled = [sr for sr in rules_of(session, rs) if sr.enabled]
    options = rule_thresholds.overlay({sr.rule.id: sr.options for sr in enabled}, task_values or {})
    return RuleSelection({sr.rule.id: sr.severity for sr in enabled}, options)


@dataclass
class NewRuleSet:
    project_id: str
    name: str
    language: str
    from_template: bool
    rule_ids: list[str]
    uncheck_ids: list[str]
    template_id: str | None
    severities: dict[str, str]  # API rule id -> severity code
    thresholds: dict[str, dict[str, str]]  # API rule id -> option key -> value


def _catalog_ids(wire_ids: list[str], language: str, name: str) -> list[str]:
    known = {rule.id for rule in catalog(language)}
    ids = []
    for wid in wire_ids:
        rid = catalog_rule_id(wid)
        if rid is None or rid not in known:
            raise InvalidParameter(f"{name}: unknown {language} rule id {wid}")
        ids.append(rid)
    return ids


def create_ruleset(session: Session, *, principal: Principal, new: NewRuleSet) -> RuleSet:
    """A custom set from scratch (`rule_ids` enabled) or derived from `template_id`."""
    check_id(new.project_id, "project_id")
    project = get_project_or_raise(session, project_id=new.project_id)
    require(session, principal=principal, project_id=project.id, action=Action.EDIT)
    if not _NAME_RE.match(new.name):
        raise InvalidParameter("template_name must be 1-500 letters, digits, '.', '-' or '_'")
    language = language_of(new.language)
    if new.from_template:
        if not new.template_id:
            raise InvalidParameter("template_id is required when is_default is 1")
        base = get_visible_or_raise(session, project_id=project.id, ruleset_id=new.template_id)
        if base.language != language:
            raise InvalidParameter(f"template_id {new.template_id} is for {base.language}")
        state = {sr.rule.id: (sr.enabled, sr.severity) for sr in rules_of(session, base)}
        base_values = rule_thresholds.set_values(session, base)
    else:
        base_values = {}
        if not new.rule_ids:
            raise InvalidParameter("rule_ids must name at least one rule")
        state = {r.id: (False, r.severity) for r in catalog(language)}
    for rid in _catalog_ids(new.rule_ids, language, "rule_ids"):
        state[rid] = (True, state[rid][1])
    for rid in _catalog_ids(new.uncheck_ids, language, "uncheck_ids"):
        state[rid] = (False, state[rid][1])
    for wid, code in new.severities.items():
        (rid,) = _catalog_ids([wid], language, "custom_attributes")
        if code not in SEVERITY_CODES:
            raise InvalidParameter(
                f"custom_attributes severity value must be one of {', '.join(SEVERITY_CODES)}"
            )
        state[rid] = (state[rid][0], Severity.from_code(code))
    values = _thresholds(new, language, base_values)
    rs = RuleSet(
        project_id=project.id,
        name=new.name,
        language=language,
        is_system=False,
        creator_id=principal.user_id,
    )
    session.add(rs)
    session.flush()
    session.add_all(
        RuleSetRule(ruleset_id=rs.id, rule_id=rid, enabled=enabled, severity=int(sev))
        for rid, (enabled, sev) in state.items()
    )
    rule_thresholds.store_set_values(session, rs.id, values)
    session.flush()
    return rs


def _thresholds(new: NewRuleSet, language: str, base: rule_thresholds.Values) -> dict:
    """The new set's thresholds: its template's, then the body's `rule_config_list` values."""
    rules = {r.id: r for r in catalog(language)}
    values = rule_thresholds.overlay(base)
    for wid, options in new.thresholds.items():
        (rid,) = _catalog_ids([wid], language, "rule_config_list")
        for key, value in options.items():
            values.setdefault(rid, {})[key] = rule_thresholds.parse(rules[rid], key, value)
    return values


@dataclass(frozen=True)
class RuleSetView:
    ruleset: RuleSet
    creator_name: str
    is_used: bool
    enabled_ids: list[str]  # API ids
    is_project_default: bool
    is_default: bool


def list_rulesets(
    session: Session,
    *,
    principal: Principal,
    project_id: str,
    categories: tuple[str, ...],
    offset: int,
    limit: int,
) -> tuple[list[RuleSetView], int]:
    """System sets (`0`), the caller's (`1`) and other users' (`2`) sets of the project."""
    check_id(project_id, "project_id")
    get_project_or_raise(session, project_id=project_id)
    require(session, principal=principal, project_id=project_id, action=Action.LIST)
    wanted = set(categories or ("0", "1", "2"))
    sets = session.scalars(
        select(RuleSet)
        .where((RuleSet.project_id == project_id) | RuleSet.project_id.is_(None))
        .order_by(RuleSet.is_system.desc(), RuleSet.language, RuleSet.created_at, RuleSet.id)
    ).all()

    def category(rs: RuleSet) -> str:
        if rs.is_system:
            return "0"
        return "1" if rs.creator_id == principal.user_id else "2"

    chosen = [rs for rs in sets if category(rs) in wanted]
    return _views(session, project_id, chosen[offset : offset + limit]), len(chosen)


def _views(session: Session, project_id: str, page: list[RuleSet]) -> list[RuleSetView]:
    """The sets of one page with their creators, use, enabled rules and default state."""
    used = set(
        session.scalars(
            select(TemplateRuleSet.ruleset_id)
            .join(ConfigTemplate, ConfigTemplate.id == TemplateRuleSet.template_id)
            .where(ConfigTemplate.project_id == project_id)
        )
    )
    defaults = dict(
        session.execute(
            select(ProjectDefaultRuleSet.language, ProjectDefaultRuleSet.ruleset_id).where(
                ProjectDefaultRuleSet.project_id == project_id
            )
        ).all()
    )
    creator_ids = {rs.creator_id for rs in page if rs.creator_id}
    names = dict(
        session.execute(select(User.id, User.name).where(User.id.in_(creator_ids))).all()
        if creator_ids
        else []
    )
    views = []
    for rs in page:
        explicit = defaults.get(rs.language) == rs.id
        views.append(
            RuleSetView(
                ruleset=rs,
                creator_name=names.get(rs.creator_id or "", ""),
                is_used=rs.id in used,
                enabled_ids=[
                    wire_rule_id(sr.rule.id) for sr in rules_of(session, rs) if sr.enabled
                ],
                is_project_default=explicit,
                is_default=explicit or (rs.is_system and rs.language not in defaults),
            )
        )
    return views


def list_set_rules(
    session: Session,
    *,
    principal: Principal,
    project_id: str,
    ruleset_id: str,
    types: str,
    language: str | None,
    tag: str | None,
    offset: int,
    limit: int,
) -> tuple[list[SetRule], int]:
    """`types`: 1 all, 2 enabled, 3 disabled."""
    check_id(project_id, "project_id")
    get_project_or_raise(session, project_id=project_id)
    require(session, principal=principal, project_id=project_id, action=Action.GET)
    rs = get_visible_or_raise(session, project_id=project_id, ruleset_id=ruleset_id)
    lang = language_of(language, "languages") if language else None
    rules = [
        sr
        for sr in rules_of(session, rs)
        if (types == "1" or sr.enabled == (types == "2"))
        and (lang is None or sr.rule.language == lang)
        and (not tag or tag in sr.rule.tags)
    ]
    return rules[offset : offset + limit], len(rules)


def delete_ruleset(
    session: Session, *, principal: Principal, project_id: str, ruleset_id: str
) -> None:
    """Delete a custom set no task uses; system sets cannot be deleted."""
    check_id(project_id, "project_id")
    get_project_or_raise(session, project_id=project_id)
    require(session, principal=principal, project_id=project_id, action=Action.EDIT)
    rs = get_visible_or_raise(session, project_id=project_id, ruleset_id=ruleset_id)
    if rs.is_system:
        raise InvalidParameter(f"rule set {ruleset_id} is a system rule set and cannot be deleted")
    users = session.scalar(
        select(func.count()).select_from(TemplateRuleSet).where(TemplateRuleSet.ruleset_id == rs.id)
    )
    if users:
        raise Conflict(f"rule set {ruleset_id} is used by {users} task(s); change them first")
    session.execute(delete(ProjectDefaultRuleSet).where(ProjectDefaultRuleSet.ruleset_id == rs.id))
    session.execute(delete(RuleSetRule).where(RuleSetRule.ruleset_id == rs.id))
    session.execute(delete(RuleSetOption).where(RuleSetOption.ruleset_id == rs.id))
    session.execute(delete(TaskCheckParameter).where(TaskCheckParameter.ruleset_id == rs.id))
    session.delete(rs)
    session.flush()


def set_project_default(
    session: Session, *, principal: Principal, project_id: str, ruleset_id: str, language: str
) -> None:
    check_id(project_id, "project_id")
    get_project_or_raise(session, project_id=project_id)
    require(session, principal=principal, project_id=project_id, action=Action.EDIT)
    rs = get_visible_or_raise(session, project_id=project_id, ruleset_id=ruleset_id)
    lang = language_of(language)
    if rs.language != lang:
        raise InvalidParameter(f"rule set {ruleset_id} is for {rs.language}, not {lang}")
    row = session.get(ProjectDefaultRuleSet, (project_id, lang))
    if row is None:
        session.add(ProjectDefaultRuleSet(project_id=project_id, language=lang, ruleset_id=rs.id))
    else:
        row.ruleset_id = rs.id
    session.flush()
