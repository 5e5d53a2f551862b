"""A task's rule sets: which set each of its languages uses, and the sets it could use."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from opencheck.errors import InvalidParameter
from opencheck.services.rule_catalog import language_of
from opencheck.services.rulesets import resolve_for_task
from opencheck.store.models import RuleSet, Task, TemplateRuleSet


@dataclass(frozen=True)
class TaskRuleSet:
    ruleset: RuleSet
    selected: bool


def task_rulesets(session: Session, *, task: Task) -> list[TaskRuleSet]:
    """Per language of the task: its selected set, then the other sets it could use."""
    bound = dict(
        session.execute(
            select(TemplateRuleSet.language, TemplateRuleSet.ruleset_id)
            .where(TemplateRuleSet.template_id == task.template_id)
            .order_by(TemplateRuleSet.language)
        ).all()
    )
    result: list[TaskRuleSet] = []
    for language, ruleset_id in bound.items():
        candidates = session.scalars(
            select(RuleSet)
            .where(
                RuleSet.language == language,
                (RuleSet.project_id == task.project_id) | RuleSet.project_id.is_(None),
            )
            .order_by(RuleSet.is_system.desc(), RuleSet.created_at, RuleSet.id)
        ).all()
        result.extend(TaskRuleSet(rs, True) for rs in candidates if rs.id == ruleset_id)
        result.extend(TaskRuleSet(rs, False) for rs in candidates if rs.id != ruleset_id)
    return result


@dataclass(frozen=True)
class Binding:
    language: str
    ruleset_id: str
    use: bool


def update_task_rulesets(session: Session, *, task: Task, bindings: list[Binding]) -> None:
    """Bind (`use`) or unbind each language's rule set; a task keeps at least one language."""
    if not bindings:
        raise InvalidParameter("the body must name at least one rule set")
    for b in bindings:
        lang = language_of(b.language)
        rs = resolve_for_task(
            session, project_id=task.project_id, language=lang, ruleset_id=b.ruleset_id
        )
        row = session.get(TemplateRuleSet, (task.template_id, lang))
        if b.use and row is None:
            session.add(
                TemplateRuleSet(template_id=task.template_id, language=lang, ruleset_id=rs.id)
            )
        elif b.use and row is not None:
            row.ruleset_id = rs.id
        elif row is not None and row.ruleset_id == rs.id:
            session.delete(row)
        session.flush()
    remaining = session.scalar(
        select(func.count())
        .select_from(TemplateRuleSet)
        .where(TemplateRuleSet.template_id == task.template_id)
    )
    if not remaining:
        raise InvalidParameter("a task must keep a rule set for at least one language")
