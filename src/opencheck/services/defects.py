"""Reading the defects of a task's execution: the page, the statistic and the summary."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from opencheck.domain.defects import DefectStatus
from opencheck.domain.severity import Severity
from opencheck.errors import NotFound
from opencheck.services.auth import Principal
from opencheck.services.code_totals import CodeTotals, code_totals
from opencheck.services.executions import get_execution_or_raise
from opencheck.services.permissions import Action
from opencheck.services.tasks import get_task_for
from opencheck.store.models import Defect, Execution, ExecutionLanguage, Task


@dataclass
class DefectPage:
    task: Task
    execution: Execution
    defects: list[Defect]
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
    conditions = [Defect.execution_id == execution.id]
    if statuses:
        conditions.append(Defect.status.in_(statuses))
    if severities:
        conditions.append(Defect.severity.in_([int(s) for s in severities]))
    if hotspot is not None:
        conditions.append(Defect.hotspot.is_(hotspot))
    total = session.scalar(select(func.count()).select_from(Defect).where(*conditions)) or 0
    rows = list(
        session.scalars(
            select(Defect)
            .where(*conditions)
            .order_by(Defect.severity, Defect.file_path, Defect.line, Defect.id)
            .offset(offset)
            .limit(limit)
        )
    )
    return DefectPage(task=task, execution=execution, defects=rows, total=total)


def count_defects(session: Session, *, execution_id: str) -> DefectCounts:
    """Counts grouped in SQL: severities over unresolved defects, statuses over all."""
    counts = DefectCounts(
        by_severity=dict.fromkeys(Severity, 0), by_status=dict.fromkeys(DefectStatus, 0)
    )
    for severity, number in session.execute(
        select(Defect.severity, func.count())
        .where(Defect.execution_id == execution_id, Defect.status == DefectStatus.UNRESOLVED)
        .group_by(Defect.severity)
    ):
        counts.by_severity[Severity(severity)] = number
    for status, number in session.execute(
        select(Defect.status, func.count())
        .where(Defect.execution_id == execution_id)
        .group_by(Defect.status)
    ):
        counts.by_status[status] = number
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
