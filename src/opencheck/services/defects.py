"""Reading the defects of a task's execution: the page, the statistic and the summary."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from opencheck.domain.defects import DefectStatus
from opencheck.domain.severity import Severity
from opencheck.errors import NotFound
from opencheck.services.auth import Principal
from opencheck.services.code_totals import CodeTotals, code_totals
from opencheck.services.executions import get_execution_or_raise
from opencheck.services.permissions import Action
from opencheck.services.tasks import get_task_for
from opencheck.store.models import (
    DefectOccurrence,
    Execution,
    ExecutionLanguage,
    Task,
    TaskDefect,
)

# How an occurrence joins its task's defect (spelled out: occurrences have no foreign keys).
ON_DEFECT = TaskDefect.id == DefectOccurrence.defect_id
# An occurrence suppressed by a marker in the code counts as ignored; else the triage status.
EFFECTIVE_STATUS = case(
    (DefectOccurrence.suppression.is_not(None), DefectStatus.IGNORED.value),
    else_=TaskDefect.status,
)


@dataclass(frozen=True)
class DefectView:
    """A task's defect as one execution reported it; `id` is the task's defect's."""

    id: int
    rule_id: str
    fingerprint: str
    hotspot: bool
    status: int
    suppression: str | None
    severity: int
    file_path: str
    line: int
    column: int
    message: str
    code_line: str


@dataclass
class DefectPage:
    task: Task
    execution: Execution
    defects: list[DefectView]
    total: int


@dataclass
class DefectCounts:
    """Unresolved defects per severity, and every defect per status."""

    by_severity: dict[Severity, int] = field(default_factory=dict)
    by_status: dict[int, int] = field(default_factory=dict)


@dataclass
class LineCounts:
    code: int = 0
    comment: int = 0
    blank: int = 0


@dataclass
class DefectSummary:
    task: Task
    execution: Execution
    counts: DefectCounts
    lines: LineCounts
    totals: CodeTotals


def result_execution(
    session: Session, *, principal: Principal, task_id: str, execution_id: str | None
) -> tuple[Task, Execution]:
    """The named execution of the task, else its latest successful one."""
    task = get_task_for(session, principal=principal, task_id=task_id, action=Action.GET)
    if execution_id:
        return task, get_execution_or_raise(session, task_id=task.id, execution_id=execution_id)
    if task.last_result_execution_id is None:
        raise NotFound(f"task {task.id} has no successful execution yet")
    execution = session.get(Execution, task.last_result_execution_id)
    if execution is None:
        raise NotFound(f"task {task.id} has no successful execution yet")
    return task, execution


def list_defects(
    session: Session,
    *,
    principal: Principal,
    task_id: str,
    execution_id: str | None,
    statuses: tuple[DefectStatus, ...],
    severities: tuple[Severity, ...],
    offset: int,
    limit: int,
    hotspot: bool | None = None,
) -> DefectPage:
    """One page of the execution's defects, worst first, then by file, line and id.

    `hotspot` True lists only security hotspots, False only the other defects, None both.
    """
    task, execution = result_execution(
        session, principal=principal, task_id=task_id, execution_id=execution_id
    )
    conditions = [DefectOccurrence.execution_id == execution.id]
    if statuses:
        conditions.append(EFFECTIVE_STATUS.in_([int(s) for s in statuses]))
    if severities:
        conditions.append(DefectOccurrence.severity.in_([int(s) for s in severities]))
    if hotspot is not None:
        conditions.append(TaskDefect.hotspot.is_(hotspot))
    joined = select(func.count()).select_from(DefectOccurrence).join(TaskDefect, ON_DEFECT)
    total = session.scalar(joined.where(*conditions)) or 0
    found = session.execute(
        select(DefectOccurrence, TaskDefect, EFFECTIVE_STATUS)
        .join(TaskDefect, TaskDefect.id == DefectOccurrence.defect_id)
        .where(*conditions)
        .order_by(
            DefectOccurrence.severity,
            DefectOccurrence.file_path,
            DefectOccurrence.line,
            TaskDefect.id,
        )
        .offset(offset)
        .limit(limit)
    ).all()
    rows = [_view(occurrence, defect, status) for occurrence, defect, status in found]
    return DefectPage(task=task, execution=execution, defects=rows, total=total)


def _view(occurrence: DefectOccurrence, defect: TaskDefect, status: int) -> DefectView:
    return DefectView(
        id=defect.id,
        rule_id=defect.rule_id,
        fingerprint=defect.fingerprint,
        hotspot=defect.hotspot,
        status=int(status),
        suppression=occurrence.suppression,
        severity=occurrence.severity,
        file_path=occurrence.file_path,
        line=occurrence.line,
        column=occurrence.column,
        message=occurrence.message,
        code_line=occurrence.code_line,
    )


def count_defects(session: Session, *, execution_id: str) -> DefectCounts:
    """Counts grouped in SQL: severities over unresolved defects, statuses over all."""
    counts = DefectCounts(
        by_severity=dict.fromkeys(Severity, 0), by_status=dict.fromkeys(DefectStatus, 0)
    )
    joined = select().select_from(DefectOccurrence).join(TaskDefect, ON_DEFECT)
    mine = DefectOccurrence.execution_id == execution_id
    for severity, number in session.execute(
        joined.add_columns(DefectOccurrence.severity, func.count())
        .where(mine, DefectStatus.UNRESOLVED.value == EFFECTIVE_STATUS)
        .group_by(DefectOccurrence.severity)
    ):
        counts.by_severity[Severity(severity)] = number
    for status, number in session.execute(
        joined.add_columns(EFFECTIVE_STATUS, func.count()).where(mine).group_by(EFFECTIVE_STATUS)
    ):
        counts.by_status[DefectStatus(status)] = number
    return counts


def defect_statistic(
    session: Session, *, principal: Principal, task_id: str, execution_id: str | None
) -> DefectCounts:
    _, execution = result_execution(
        session, principal=principal, task_id=task_id, execution_id=execution_id
    )
    return count_defects(session, execution_id=execution.id)


def defect_summary(
    session: Session, *, principal: Principal, task_id: str, execution_id: str | None
) -> DefectSummary:
    task, execution = result_execution(
        session, principal=principal, task_id=task_id, execution_id=execution_id
    )
    code, comment, blank = session.execute(
        select(
            func.coalesce(func.sum(ExecutionLanguage.code_lines), 0),
            func.coalesce(func.sum(ExecutionLanguage.comment_lines), 0),
            func.coalesce(func.sum(ExecutionLanguage.blank_lines), 0),
        ).where(ExecutionLanguage.execution_id == execution.id)
    ).one()
    return DefectSummary(
        task=task,
        execution=execution,
        counts=count_defects(session, execution_id=execution.id),
        lines=LineCounts(code=int(code), comment=int(comment), blank=int(blank)),
        totals=code_totals(session, execution.id),
    )
