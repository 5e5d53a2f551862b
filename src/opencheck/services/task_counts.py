"""How many tasks each filter of the task list matches, without counting them per request.

Every change of a task's filter columns (created, deleted, its latest execution's status, its
latest result's verdict) writes the difference as rows of `task_counts` in the same
transaction, so a reader sees the counts of exactly the committed tasks. The list sums a
filter's rows (one per project once the upkeep has merged them) where counting a broad filter
read tens of thousands of index entries.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace

from sqlalchemy import (
    ColumnElement,
    Connection,
    bindparam,
    delete,
    func,
    insert,
    select,
    tuple_,
    update,
)
from sqlalchemy.orm import Session

from opencheck.domain.executions import ACTIVE_STATUSES
from opencheck.store.models import Task, TaskCount

ALL = "all"
MERGE_BATCH = 500  # (project, filter) pairs merged in one transaction
MERGE_ROWS = 10_000  # rows read and deleted in one transaction


@dataclass(frozen=True)
class Listed:
    """The columns of a task that the list's counted filters read."""

    project_id: str
    last_status: str | None
    result_review: str | None
    git_branch: str

    def facets(self) -> list[str]:
        found = [ALL, status_facet(self.last_status), branch_facet(self.git_branch)]
        if self.result_review is not None:
            found.append(review_facet(self.result_review))
        return found


def status_facet(last_status: str | None) -> str:
    """The `job_status_types` value a task's latest execution status falls under."""
    if last_status is None:
        return job_status_facet("never_execute")
    if last_status in ACTIVE_STATUSES:
        return job_status_facet("executing")
    return job_status_facet(last_status)


def job_status_facet(job_status: str) -> str:
    return f"status:{job_status}"


def review_facet(review: str) -> str:
    return f"review:{review}"


def branch_facet(branch: str) -> str:
    return f"branch:{branch}"


def listed(task: Task) -> Listed:
    return Listed(task.project_id, task.last_status, task.result_review, task.git_branch)


def record(session: Session, before: Iterable[Listed], after: Iterable[Listed]) -> None:
    """Write the difference between tasks' counted columns before and after a change."""
    changes: Counter[tuple[str, str]] = Counter()
    for sign, tasks in ((-1, before), (1, after)):
        for task in tasks:
            for facet in task.facets():
                changes[(task.project_id, facet)] += sign
    rows = [{"project_id": p, "facet": f, "delta": d} for (p, f), d in changes.items() if d]
    if rows:
        session.execute(insert(TaskCount), rows)


_COUNTED = select(Task.project_id, Task.last_status, Task.result_review, Task.git_branch)


def locked(session: Session, condition: ColumnElement[bool]) -> list[Listed]:
    """The counted columns of the tasks matching `condition`, locked until the transaction
    ends, so that the difference written after an update is the one the update made."""
    rows = session.execute(_COUNTED.where(condition).with_for_update())
    return [Listed(*row) for row in rows]


def update_tasks(session: Session, condition: ColumnElement[bool], **values: object) -> None:
    """UPDATE the tasks matching `condition` with `values`, recording what that changes in
    their counted columns (`last_status`, `result_review`)."""
    before = locked(session, condition)
    session.execute(update(Task).where(condition).values(**values))
    counted = {k: v for k, v in values.items() if k in ("last_status", "result_review")}
    record(session, before, [replace(task, **counted) for task in before])  # type: ignore[arg-type]


def bound_total(*, by_project: bool) -> ColumnElement[int]:
    """How many tasks fall under any of the facets of the parameter `facets` (a list; they
    must be disjoint: statuses, verdicts), of the projects `count_projects` when `by_project`,
    as an expression: a column of another query, built once for every request."""
    counted = select(func.coalesce(func.sum(TaskCount.delta), 0)).where(
        TaskCount.facet.in_(bindparam("facets", expanding=True))
    )
    if by_project:
        counted = counted.where(
            TaskCount.project_id.in_(bindparam("count_projects", expanding=True))
        )
    return counted.scalar_subquery()


def total(conn: Connection, facets: list[str], project_ids: list[str] | None) -> int:
    """`bound_total` read on its own, of `project_ids` (None: of all projects)."""
    values = {"facets": facets, "count_projects": project_ids}
    return int(conn.scalar(select(bound_total(by_project=project_ids is not None)), values) or 0)


def merge(session: Session, max_rows: int = MERGE_ROWS) -> int:
    """Merge the rows of each (project, filter) into one; returns how many rows it removed.

    A merge reads at most `max_rows` rows (a statement's parameters are bounded: PostgreSQL
    takes 65,535), ordered by project and filter so that only the last pair read can be cut
    short. Several processes merge at once: a merge deletes exactly the rows it summed, and when
    another merge took some of them first (fewer rows deleted than read), it undoes its own.
    """
    pairs = session.execute(
        select(TaskCount.project_id, TaskCount.facet)
        .group_by(TaskCount.project_id, TaskCount.facet)
        .having(func.count() > 1)
        .limit(MERGE_BATCH)
    ).all()
    if not pairs:
        return 0
    pair = tuple_(TaskCount.project_id, TaskCount.facet)
    rows = session.execute(
        select(TaskCount.id, TaskCount.project_id, TaskCount.facet, TaskCount.delta)
        .where(pair.in_([tuple(p) for p in pairs]))
        .order_by(TaskCount.project_id, TaskCount.facet, TaskCount.id)
        .limit(max(2, max_rows))
    ).all()
    sums: Counter[tuple[str, str]] = Counter()
    for _, project_id, facet, delta in rows:
        sums[(project_id, facet)] += delta
    merged = [{"project_id": p, "facet": f, "delta": d} for (p, f), d in sums.items() if d]
    step = session.begin_nested()
    deleted = session.execute(delete(TaskCount).where(TaskCount.id.in_([r[0] for r in rows])))
    if deleted.rowcount != len(rows):
        step.rollback()
        return 0
    if merged:
        session.execute(insert(TaskCount), merged)
    step.commit()
    return len(rows) - len(merged)
