"""A task's check parameters (`check-parameters`, `config-parameters`): the thresholds of the
enabled rules of one of its rule sets, which the task may set to its own values."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from opencheck.engine.analyzers.base import Rule, RuleOption
from opencheck.errors import InvalidParameter
from opencheck.services import rule_thresholds, rulesets
from opencheck.services.auth import Principal
from opencheck.services.permissions import Action
from opencheck.services.rule_catalog import language_of
from opencheck.services.task_settings import task_with_template
from opencheck.store.models import RuleSet, Task, TaskCheckParameter, TemplateRuleSet


@dataclass(frozen=True)
class Parameter:
    """One threshold as the task sees it: the set's value, and the task's own when it has one."""

    cfg_key: str
    rule: Rule
    option: RuleOption
    set_value: int
    own_value: int | None

    @property
    def value(self) -> int:
        return self.set_value if self.own_value is None else self.own_value


@dataclass(frozen=True)
class ParameterGroup:
    """The parameters of one analyser (`name` is the tool: ruff, oxlint...)."""

    name: str
    parameters: list[Parameter]


@dataclass(frozen=True)
class Setting:
    cfg_key: str
    on: bool
    value: str | None


def _task_set(
    session: Session,
    principal: Principal,
    ids: tuple[str, str, str],
    language: str,
    action: Action,
) -> tuple[Task, RuleSet]:
    """The project's task and the rule set it uses for `language` (which must be `ruleset_id`)."""
    project_id, task_id, ruleset_id = ids
    task, template = task_with_template(
        session, principal=principal, project_id=project_id, task_id=task_id, action=action
    )
    rs = rulesets.resolve_for_task(
        session, project_id=project_id, language=language_of(language), ruleset_id=ruleset_id
    )
    bound = session.scalar(
        select(TemplateRuleSet.ruleset_id).where(
            TemplateRuleSet.template_id == template.id, TemplateRuleSet.language == rs.language
        )
    )
    if bound != rs.id:
        raise InvalidParameter(f"task {task.id} does not use rule set {rs.id} for {rs.language}")
    return task, rs


def groups(
    session: Session, *, principal: Principal, ids: tuple[str, str, str], language: str
) -> list[ParameterGroup]:
    """The thresholds of the enabled rules of the task's rule set, grouped by analyser."""
    task, rs = _task_set(session, principal, ids, language, Action.GET)
    own = rule_thresholds.task_values(session, task_id=task.id, rs=rs)
    by_tool: dict[str, list[Parameter]] = {}
    for sr in rulesets.rules_of(session, rs):
        if not sr.enabled:
            continue
        for option in sr.rule.options:
            by_tool.setdefault(sr.rule.id.split(":", 1)[0], []).append(
                Parameter(
                    cfg_key=rule_thresholds.cfg_key(sr.rule, option),
                    rule=sr.rule,
                    option=option,
                    set_value=sr.options[option.key],
                    own_value=own.get(sr.rule.id, {}).get(option.key),
                )
            )
    return [ParameterGroup(tool, params) for tool, params in sorted(by_tool.items())]


def configure(
    session: Session,
    *,
    principal: Principal,
    ids: tuple[str, str, str],
    language: str,
    enabled: bool,
    settings: list[Setting],
) -> None:
    """Set (`on`) or drop (`off`) the task's own values; the set switched off drops them all."""
    task, rs = _task_set(session, principal, ids, language, Action.EDIT)
    known = rule_thresholds.thresholds(rs.language)
    rows = {
        row.cfg_key: row
        for row in session.scalars(
            select(TaskCheckParameter).where(
                TaskCheckParameter.task_id == task.id, TaskCheckParameter.ruleset_id == rs.id
            )
        )
    }
    if not enabled:
        session.execute(
            delete(TaskCheckParameter).where(
                TaskCheckParameter.task_id == task.id, TaskCheckParameter.ruleset_id == rs.id
            )
        )
        rows = {}
    for setting in settings:
        if setting.cfg_key not in known:
            raise InvalidParameter(f"cfg_key {setting.cfg_key!r} is not a {rs.language} parameter")
        row = rows.get(setting.cfg_key)
        if not (enabled and setting.on):
            if row is not None:
                session.delete(row)
            continue
        if setting.value is None:
            raise InvalidParameter(f"cfg_value is required to switch {setting.cfg_key} on")
        rule, option = known[setting.cfg_key]
        value = rule_thresholds.parse(rule, option.key, setting.value)
        if row is None:
            key = setting.cfg_key
            session.add(
                TaskCheckParameter(task_id=task.id, ruleset_id=rs.id, cfg_key=key, value=value)
            )
        else:
            row.value = value
    session.flush()
