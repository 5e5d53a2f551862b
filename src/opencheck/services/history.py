"""A task's check history (per-severity counts of each check in a time window) and the log of
one of its executions, for a reader of the task's project."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from opencheck.domain.executions import ExecutionStatus
from opencheck.domain.severity import Severity
from opencheck.errors import InvalidParameter
from opencheck.services import execution_counts, execution_states
from opencheck.services.auth import Principal
from opencheck.services.executions import get_execution_or_raise
from opencheck.services.permissions import Action
from opencheck.services.projects import get_project_or_raise
from opencheck.services.tasks import get_task_for, require_in_project
from opencheck.store.models import (
    ConfigTemplate,
    Execution,
    ExecutionLog,
    RuleSet,
    Task,
    TemplateRuleSet,
)

# When a check started: the worker's start, else (never started) when it was queued.
_started = func.coalesce(Execution.started_at, Execution.created_at)
# Wire times have whole seconds: an end bound includes every instant of its second.
_SECOND = timedelta(seconds=1)


@dataclass(frozen=True)
class TimeWindow:
    """Checks that started from `start` to `end`, both included (to the second)."""

    start: datetime
    end: datetime


@dataclass(frozen=True)
class CheckRecord:
    execution: Execution
    counts: Counter[Severity]


@dataclass(frozen=True)
class RecordPage:
    records: list[CheckRecord]
    total: int


@dataclass(frozen=True)
class RunSettings:
    """What an execution checked: the repository and branch it fetched, and the task's languages,
    rule sets and excluded paths (as configured now; they are not kept per execution)."""

    url: str
    branch: str
    languages: list[str]
    rule_sets: list[str]
    exclude: str


@dataclass(frozen=True)
class TaskLog:
    execution: Execution
    settings: RunSettings
    lines: list[ExecutionLog]


def _after_second(moment: datetime) -> datetime:
    """The start of the next second (the last representable moment has none)."""
    try:
        return moment + _SECOND
    except OverflowError:
        return moment


def _readable_task(
    session: Session, *, principal: Principal, project_id: str, task_id: str
) -> Task:
    """The project must exist (400 malformed / 404 unknown), the caller read it (else 403) and
    it must own the task (else 404)."""
    get_project_or_raise(session, project_id=project_id)
    task = get_task_for(session, principal=principal, task_id=task_id, action=Action.GET)
    return require_in_project(task, project_id)


def check_records(
    session: Session,
    *,
    principal: Principal,
    project_id: str,
    task_id: str,
    window: TimeWindow,
    offset: int,
    limit: int,
) -> RecordPage:
    """The task's successful checks that started in `window`, newest first, with the unresolved
    defects of each per severity, derived from their effective status as every counter is.

    Failed and aborted checks have no results, so no counts, and are left out.
    """
    if window.start > window.end:
        raise InvalidParameter("start_time must not be later than end_time")
    task = _readable_task(session, principal=principal, project_id=project_id, task_id=task_id)
    conditions = (
        Execution.task_id == task.id,
        Execution.status == ExecutionStatus.SUCCESS.value,
        _started >= window.start,
        _started < _after_second(window.end),
    )
    total = session.scalar(select(func.count()).select_from(Execution).where(*conditions)) or 0
    executions = list(
        session.scalars(
            select(Execution)
            .where(*conditions)
            .order_by(_started.desc(), Execution.id.desc())
            .offset(offset)
            .limit(limit)
        )
    )
    counts = execution_counts.severity_counts(session, (e.id for e in executions))
    return RecordPage([CheckRecord(e, counts[e.id]) for e in executions], total)


def task_log(
    session: Session,
    *,
    principal: Principal,
    project_id: str,
    task_id: str,
    execution_id: str | None,
) -> TaskLog:
    """The log of the named execution of the task (else its latest), one row per message."""
    task = _readable_task(session, principal=principal, project_id=project_id, task_id=task_id)
    execution = get_execution_or_raise(
        session, task_id=task.id, execution_id=execution_id, param="execute_id"
    )
    return TaskLog(
        execution=execution,
        settings=_run_settings(session, task, execution),
        lines=execution_states.log_rows(session, execution.id),
    )


def _run_settings(session: Session, task: Task, execution: Execution) -> RunSettings:
    bound = session.execute(
        select(TemplateRuleSet.language, RuleSet.name)
        .join(RuleSet, RuleSet.id == TemplateRuleSet.ruleset_id)
        .where(TemplateRuleSet.template_id == task.template_id)
        .order_by(TemplateRuleSet.language)
    ).all()
    template = session.get(ConfigTemplate, task.template_id)
    return RunSettings(
        url=execution.git_url,
        branch=execution.git_branch,
        languages=[language for language, _ in bound],
        rule_sets=[name for _, name in bound],
        exclude=template.exclude if template else "",
    )
