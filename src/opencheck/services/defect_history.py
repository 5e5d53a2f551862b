"""What OpenCheck itself changes in a task's defects' triage when an execution is stored: ignores
and deferrals that ran out, and suppressions added to or removed from the code. Each change is
a history row by "OpenCheck", as a person's triage is."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import and_, func, insert, select, update
from sqlalchemy.orm import Session

from opencheck.domain.defects import DefectStatus
from opencheck.store.models import DefectTriage, TaskDefect, utcnow

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


class Reported(NamedTuple):
    """A defect as the execution being stored reported it."""

    defect_id: int
    status: int  # its triage status before this execution's changes
    suppression: str | None  # the reason of a suppression in the code


def apply(
    session: Session,
    dated: Sequence[int],
    reported: Sequence[Reported],
    now: datetime | None = None,
) -> Changes:
    """Expire ignores and deferrals, and follow the execution's suppressions into the triage.

    `dated`: the task's defects with an ignore or deferral date, the only ones that may run
    out; `reported`: the execution's defects that are ignored or suppressed in the code (no
    other's triage can change). What is already known is not read again: the queries over a
    task's 300,000 defects and occurrences that found them cost a second.
    """
    now = now or utcnow()
    ignored, unresolved = DefectStatus.IGNORED.value, DefectStatus.UNRESOLVED.value
    changes = Changes()
    ran_out = _among(session, dated, TaskDefect.status == ignored, TaskDefect.status_until <= now)
    changes.expired = move(session, ran_out, ignored, unresolved, "the ignore expired")
    due = _among(session, dated, TaskDefect.delayed_until <= now)
    changes.due = move(session, due, unresolved, unresolved, "the deferral ended")
    counting = set(ran_out) | set(due)
    status = {r.defect_id: unresolved if r.defect_id in counting else r.status for r in reported}
    hushed = [
        (r.defect_id, status[r.defect_id], f"{SUPPRESSED}{r.suppression}"[:1000])
        for r in reported
        if r.suppression is not None and status[r.defect_id] != ignored
    ]
    changes.suppressed = _move_each(session, hushed, ignored)
    candidates = [
        r.defect_id for r in reported if r.suppression is None and status[r.defect_id] == ignored
    ]
    changes.unsuppressed = _unsuppress(session, candidates)
    return changes


def _unsuppress(session: Session, candidates: list[int]) -> int:
    """Of the ignored defects this execution reports unsuppressed, those OpenCheck ignored for
    a suppression."""
    ignored = DefectStatus.IGNORED.value
    by_suppression = []
    for start in range(0, len(candidates), CHUNK):
        latest = (
            select(func.max(DefectTriage.id))
            .where(DefectTriage.defect_id.in_(candidates[start : start + CHUNK]))
            .group_by(DefectTriage.defect_id)
        )
        by_suppression += session.scalars(
            select(DefectTriage.defect_id).where(
                DefectTriage.id.in_(latest),
                and_(DefectTriage.user_name == SYSTEM_USER, DefectTriage.to_status == ignored),
                DefectTriage.reason.startswith(SUPPRESSED),
            )
        )
    reason = "the suppression was removed from the code"
    return move(session, by_suppression, ignored, DefectStatus.UNRESOLVED.value, reason)


def _among(session: Session, ids: Sequence[int], *where: Any) -> list[int]:
    """The defects among `ids` that meet `where` (in chunks: SQLite takes 32,766 parameters)."""
    found: list[int] = []
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        found += session.scalars(select(TaskDefect.id).where(TaskDefect.id.in_(chunk), *where))
    return found


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
