"""A task's defects across executions: one row per fingerprint, an occurrence per execution.

Storing an execution's findings is set algebra in bulk: the task's defects are looked up by
fingerprint in chunks, the unknown ones inserted (new), the known ones marked seen again
(reopened when they had been fixed), and the task's defects this execution did not report
marked fixed.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, TypeVar

from sqlalchemy import and_, case, exists, func, insert, select, update
from sqlalchemy.orm import Session, aliased

from opencheck.domain.defects import DefectStatus, Detection
from opencheck.domain.findings import Finding
from opencheck.store.models import DefectOccurrence, DefectTriage, Execution, TaskDefect, utcnow

CHUNK = 1000
# Who the history names for what OpenCheck changed by itself.
SYSTEM_USER = "OpenCheck"
BATCH = 5000
_Item = TypeVar("_Item")


def record(session: Session, execution: Execution, findings: Sequence[Finding]) -> None:
    """Link the execution's findings (unique by fingerprint) to the task's defects."""
    ids = _task_defect_ids(session, execution, findings)
    rows = [
        {
            "execution_id": execution.id,
            "defect_id": ids[f.fingerprint],
            "severity": int(f.severity),
            "file_path": f.path,
            "line": f.line,
            "column": f.column,
            "message": f.message,
            "code_line": f.code_line,
            "suppression": f.suppression,
        }
        for f in findings
    ]
    for batch in _chunks(rows, BATCH):
        session.execute(insert(DefectOccurrence), batch)
    _reopen_resolved(session, execution)
    _touch_seen(session, execution)
    session.execute(
        update(TaskDefect)
        .where(
            TaskDefect.task_id == execution.task_id,
            TaskDefect.detection != Detection.FIXED.value,
            TaskDefect.last_seen_execution_id.is_distinct_from(execution.id),
        )
        .values(detection=Detection.FIXED.value, fixed_at=utcnow())
    )


def _task_defect_ids(
    session: Session, execution: Execution, findings: Sequence[Finding]
) -> dict[str, int]:
    """Fingerprint → id of the task's defect, inserting the new ones."""
    everything = _known(session, execution.task_id)
    known = {
        f.fingerprint: everything[f.fingerprint] for f in findings if f.fingerprint in everything
    }
    now = utcnow()
    fresh = [
        {
            "task_id": execution.task_id,
            "fingerprint": f.fingerprint,
            "rule_id": f.rule_id,
            "language": f.language,
            "hotspot": f.hotspot,
            "status": DefectStatus.UNRESOLVED.value,
            "detection": Detection.NEW.value,
            "first_seen_execution_id": execution.id,
            "last_seen_execution_id": execution.id,
            "first_seen_at": now,
            "last_seen_at": now,
        }
        for f in findings
        if f.fingerprint not in known
    ]
    for batch in _chunks(fresh, BATCH):
        session.execute(insert(TaskDefect), batch)
    if fresh:
        known.update(_known(session, execution.task_id, first_seen_in=execution.id))
    return known


def _seen_in(execution: Execution) -> Any:
    """The ids of the task's defects this execution reported (a subquery: no id lists)."""
    return select(DefectOccurrence.defect_id).where(DefectOccurrence.execution_id == execution.id)


def _touch_seen(session: Session, execution: Execution) -> None:
    """Defects seen before and reported again: last seen now, reopened if they were fixed."""
    again = case(
        (TaskDefect.detection == Detection.FIXED.value, Detection.REOPENED.value),
        else_=Detection.UNRESOLVED.value,
    )
    session.execute(
        update(TaskDefect)
        .where(
            TaskDefect.id.in_(_seen_in(execution)),
            TaskDefect.first_seen_execution_id.is_distinct_from(execution.id),
        )
        .values(
            last_seen_execution_id=execution.id,
            last_seen_at=utcnow(),
            detection=again,
            fixed_at=None,
        )
    )


def _reopen_resolved(session: Session, execution: Execution) -> None:
    """A defect marked resolved that is reported again is unresolved again, in its history."""
    resolved = DefectStatus.RESOLVED.value
    again = session.scalars(
        select(TaskDefect.id).where(
            TaskDefect.id.in_(_seen_in(execution)), TaskDefect.status == resolved
        )
    ).all()
    if not again:
        return
    for batch in _chunks(list(again), CHUNK):
        session.execute(
            update(TaskDefect)
            .where(TaskDefect.id.in_(batch))
            .values(status=DefectStatus.UNRESOLVED)
        )
    reason = f"reported again by execution {execution.id}"
    session.execute(
        insert(DefectTriage),
        [{"defect_id": defect_id, "user_name": SYSTEM_USER, "from_status": resolved,
          "to_status": DefectStatus.UNRESOLVED.value, "reason": reason} for defect_id in again],
    )  # fmt: skip


def _known(session: Session, task_id: str, first_seen_in: str | None = None) -> dict[str, int]:
    """Fingerprint → id of the task's defects (those first seen in one execution if named).

    One query over the task's rows: chunked IN lists of fingerprints cost PostgreSQL about a
    third of a second each (20,000 findings took 12 s), the whole task's list a fraction.
    """
    query = select(TaskDefect.fingerprint, TaskDefect.id).where(TaskDefect.task_id == task_id)
    if first_seen_in is not None:
        query = query.where(TaskDefect.first_seen_execution_id == first_seen_in)
    return {fingerprint: defect_id for fingerprint, defect_id in session.execute(query)}


def count_not_in(session: Session, execution_id: str, baseline_id: str) -> int:
    """Defects one execution reported that the other did not (set difference on the task's
    defects). Suppressed occurrences are on neither side: a defect suppressed since is fixed."""
    other = aliased(DefectOccurrence)
    return int(
        session.scalar(
            select(func.count())
            .select_from(DefectOccurrence)
            .where(
                DefectOccurrence.execution_id == execution_id,
                DefectOccurrence.suppression.is_(None),
                ~exists().where(
                    and_(
                        other.execution_id == baseline_id,
                        other.defect_id == DefectOccurrence.defect_id,
                        other.suppression.is_(None),
                    )
                ),
            )
        )
        or 0
    )


def _chunks(items: list[_Item], size: int) -> Iterator[list[_Item]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
