"""Triage: a person sets a task's defect's status, with a reason; the history keeps who and when,
and the latest result's counters and gate follow at once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from opencheck.domain.defects import DefectStatus
from opencheck.errors import InvalidParameter, NotFound
from opencheck.services import execution_counts, incremental
from opencheck.services.auth import Principal
from opencheck.services.permissions import Action
from opencheck.services.tasks import get_task_for
from opencheck.store.models import DefectTriage, Task, TaskDefect, utcnow

MAX_DEFECTS = 1000


def set_status(
    session: Session,
    *,
    principal: Principal,
    task_id: str,
    defect_ids: list[str],
    status: DefectStatus,
    reason: str = "",
    until: datetime | None = None,
) -> None:
    """Move the task's defects to `status`; unknown ids (or another task's) are a 404.

    `until` ends an ignore (status 2: the defect counts again after it) or defers an unresolved
    defect (status 0: counted as deferred, not by the gate, until then); it must be later.
    """
    if until is not None:
        if status is DefectStatus.RESOLVED:
            raise InvalidParameter("expires_at applies to status 2 (ignore) or 0 (defer)")
        if until <= utcnow():
            raise InvalidParameter("expires_at must be in the future")
    task = get_task_for(session, principal=principal, task_id=task_id, action=Action.EDIT)
    ids = _ids(defect_ids)
    defects = session.scalars(
        select(TaskDefect).where(
            TaskDefect.task_id == incremental.defect_owner(session, task.id),
            TaskDefect.id.in_(ids),
        )
    ).all()
    missing = sorted(set(ids) - {d.id for d in defects})
    if missing:
        raise NotFound(f"task {task.id} has no defect {missing[0]}")
    for defect in defects:
        if defect.status == status and until is None and defect.delayed_until is None:
            continue
        change = DefectTriage(
            defect_id=defect.id,
            user_name=principal.name,
            from_status=defect.status,
            to_status=int(status),
            reason=reason,
            expires_at=until,
        )
        session.add(change)
        defect.status = int(status)
        defect.status_until = until if status is DefectStatus.IGNORED else None
        defect.delayed_until = until if status is DefectStatus.UNRESOLVED else None
    session.flush()
    execution_counts.refresh_latest(session, task)
    if task.parent_task_id and (parent := session.get(Task, task.parent_task_id)) is not None:
        execution_counts.refresh_latest(session, parent)  # the defects are shared


def _ids(raw: list[str]) -> list[int]:
    if not raw:
        raise InvalidParameter("defect_id is required")
    if len(raw) > MAX_DEFECTS:
        raise InvalidParameter(f"defect_id names at most {MAX_DEFECTS} defects")
    try:
        ids = [int(value) for value in raw]
    except ValueError:
        raise InvalidParameter("defect_id must be defect ids separated by commas") from None
    if any(not 0 < value < 2**63 for value in ids):
        raise InvalidParameter("defect_id must be defect ids separated by commas")
    return ids
