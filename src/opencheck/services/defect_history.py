"""What OpenCheck itself changes in a task's defects' triage when an execution is stored: ignores
and deferrals that ran out, and suppressions added to or removed from the code. Each change is
a history row by "OpenCheck", as a person's triage is."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, insert, select, update
from sqlalchemy.orm import Session

from opencheck.domain.defects import DefectStatus
from opencheck.store.models import DefectOccurrence, DefectTriage, Execution, TaskDefect, utcnow

# Who the history names for what OpenCheck changed by itself.
SYSTEM_USER = "OpenCheck"
SUPPRESSED = "suppressed in the code: "
CHUNK = 1000


@dataclass
class Changes:
    """How many defects each kind of change touched, for the execution's log."""

    expired: int = 0
    due: int = 0
    suppressed: int = 0
    unsuppressed: int = 0

    def log_lines(self) -> list[str]:
        lines = []
        if self.expired:
            lines.append(f"{self.expired} ignored defects count again: their ignore expired")
        if self.due:
            lines.append(f"{self.due} deferred defects count again: their date has come")
        if self.suppressed:
            lines.append(f"{self.suppressed} defects newly suppressed in the code: ignored")
        if self.unsuppressed:
            lines.append(f"{self.unsuppressed} defects lost their suppression: unresolved again")
        return lines


def apply(
    session: Session, execution: Execution, owner: str, now: datetime | None = None
) -> Changes:
    """Expire ignores and deferrals of `owner`'s defects, and follow the execution's
    suppressions into the triage."""
    now = now or utcnow()
    task = owner
    ignored, unresolved = DefectStatus.IGNORED.value, DefectStatus.UNRESOLVED.value
    changes = Changes()
    ran_out = _ids(session, TaskDefect.task_id == task, TaskDefect.status == ignored,
                   TaskDefect.status_until <= now)  # fmt: skip
    changes.expired = move(session, ran_out, ignored, unresolved, "the ignore expired")
    due = _ids(session, TaskDefect.task_id == task, TaskDefect.delayed_until <= now)
    changes.due = move(session, due, unresolved, unresolved, "the deferral ended")
    hushed = session.execute(
        select(TaskDefect.id, TaskDefect.status, DefectOccurrence.suppression)
        .join(DefectOccurrence, DefectOccurrence.defect_id == TaskDefect.id)
        .where(
            DefectOccurrence.execution_id == execution.id,
            DefectOccurrence.suppression.is_not(None),
            TaskDefect.status != ignored,
        )
    ).all()
    changes.suppressed = _move_each(
        session, [(d, status, f"{SUPPRESSED}{why}"[:1000]) for d, status, why in hushed], ignored
    )
    changes.unsuppressed = _unsuppress(session, execution)
    return changes


def _unsuppress(session: Session, execution: Execution) -> int:
    """Defects OpenCheck ignored for a suppression that this execution reports unsuppressed."""
    ignored = DefectStatus.IGNORED.value
    candidates = _ids(
        session,
        TaskDefect.status == ignored,
        TaskDefect.id.in_(
            select(DefectOccurrence.defect_id).where(
                DefectOccurrence.execution_id == execution.id,
                DefectOccurrence.suppression.is_(None),
            )
        ),
    )
    if not candidates:
        return 0
    latest = (
        select(func.max(DefectTriage.id))
        .where(DefectTriage.defect_id.in_(candidates))
        .group_by(DefectTriage.defect_id)
    )
    by_suppression = list(
        session.scalars(
            select(DefectTriage.defect_id).where(
                DefectTriage.id.in_(latest),
                and_(DefectTriage.user_name == SYSTEM_USER, DefectTriage.to_status == ignored),
                DefectTriage.reason.startswith(SUPPRESSED),
            )
        )
    )
    reason = "the suppression was removed from the code"
    return move(session, by_suppression, ignored, DefectStatus.UNRESOLVED.value, reason)


def _ids(session: Session, *where: Any) -> list[int]:
    return list(session.scalars(select(TaskDefect.id).where(*where)))


def move(session: Session, ids: list[int], from_status: int, to: int, reason: str) -> int:
    """Set the defects' status from `from_status` to `to`, each with a history row."""
    return _move_each(session, [(defect_id, from_status, reason) for defect_id in ids], to)


def _move_each(session: Session, moves: list[tuple[int, int, str]], to: int) -> int:
    """Set the defects' status to `to` (clearing its dates), with one history row each from
    (defect id, status before, reason)."""
    for start in range(0, len(moves), CHUNK):
        batch = moves[start : start + CHUNK]
        session.execute(
            update(TaskDefect)
            .where(TaskDefect.id.in_([defect_id for defect_id, _, _ in batch]))
            .values(status=to, status_until=None, delayed_until=None)
            .execution_options(synchronize_session=False)
        )
        session.execute(
            insert(DefectTriage),
            [{"defect_id": defect_id, "user_name": SYSTEM_USER, "from_status": before,
              "to_status": to, "reason": reason} for defect_id, before, reason in batch],
        )  # fmt: skip
    return len(moves)
