"""A task's defects across executions: one row per fingerprint, an occurrence per execution.

Storing an execution's findings is set algebra in bulk: the task's defects are read in one
query and matched by fingerprint, then the rest by path and line key (engine/fingerprint.py);
the unknown ones are inserted (new), the known ones marked seen again (reopened when they had
been fixed), and, after a full execution, the task's defects it did not report in the files it
checked are marked fixed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import bindparam, case, insert, select, update
from sqlalchemy.orm import Session

from opencheck.domain.defects import DefectStatus, Detection
from opencheck.domain.executions import JobType
from opencheck.domain.findings import Finding
from opencheck.services import defect_history
from opencheck.store.models import (
    DefectOccurrence,
    Execution,
    ExecutionFile,
    TaskDefect,
    utcnow,
)

CHUNK = 1000
BATCH = 5000
_Item = TypeVar("_Item")


@dataclass
class Recorded:
    """What storing an execution's findings changed beyond the findings themselves."""

    fixed: int
    changes: defect_history.Changes


def record(
    session: Session,
    execution: Execution,
    findings: Sequence[Finding],
    *,
    renamed: Mapping[str, str] | None = None,
    full: bool = True,
) -> Recorded:
    """Link the execution's findings (unique by fingerprint) to the task's defects; return how
    many defects it fixed and what triage OpenCheck changed (defect_history).

    `renamed` maps old to new paths (git's renames since the task's last check): their defects
    move with the file. Only a `full` execution fixes defects, and only in files it analysed or
    that are gone: a file it listed as not (fully) checked fixes nothing.
    """
    for old, new in (renamed or {}).items():
        session.execute(
            update(TaskDefect)
            .where(TaskDefect.task_id == execution.task_id, TaskDefect.path == old)
            .values(path=new)
        )
    matched = _match(session, execution, findings)
    rows = [
        {
            "execution_id": execution.id,
            "defect_id": matched[f.fingerprint][0],
            "detection": matched[f.fingerprint][1],
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
    changes = defect_history.apply(session, execution)
    _touch_seen(session, execution)
    return Recorded(_mark_fixed(session, execution) if full else 0, changes)


def _mark_fixed(session: Session, execution: Execution) -> int:
    """The task's defects this execution no longer reports, outside the files it did not check."""
    unchecked = select(ExecutionFile.path).where(
        ExecutionFile.execution_id == execution.id, ExecutionFile.unchecked_reason.is_not(None)
    )
    gone = (
        TaskDefect.task_id == execution.task_id,
        TaskDefect.detection != Detection.FIXED.value,
        TaskDefect.last_seen_execution_id.is_distinct_from(execution.id),
        TaskDefect.path.not_in(unchecked),
    )
    full_runs = select(Execution.id).where(
        Execution.task_id == execution.task_id, Execution.job_type == JobType.FULL.value
    )

    def fix(*where: Any) -> int:
        fixed = session.execute(
            update(TaskDefect)
            .where(*where)
            .values(detection=Detection.FIXED.value, fixed_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        return int(getattr(fixed, "rowcount", 0) or 0)

    counted = fix(*gone, TaskDefect.last_seen_execution_id.in_(full_runs))
    # Defects only a merge request's check ever reported were never in the code checked here:
    # they stop being tracked but are not counted as fixed.
    fix(*gone)
    return counted


class _Known(NamedTuple):
    id: int
    fingerprint: str
    path: str
    line_key: str | None
    detection: str
    status: int


def _match(
    session: Session, execution: Execution, findings: Sequence[Finding]
) -> dict[str, tuple[int, str]]:
    """Fingerprint → (task defect id, detection in this execution), inserting the new defects.

    First by fingerprint; then the findings left by (path, line key) among the defects left,
    whose fingerprint, path and line key are brought up to date.
    """
    known = [_Known(*row) for row in session.execute(_known_query(execution.task_id))]
    by_print = {k.fingerprint: k for k in known}
    found: dict[str, _Known] = {}
    for f in findings:
        if f.fingerprint in by_print:
            found[f.fingerprint] = by_print[f.fingerprint]
    claimed = {k.id for k in found.values()}
    loose = {(k.path, k.line_key): k for k in known if k.id not in claimed and k.line_key}
    for f in findings:
        k = None if f.fingerprint in found else loose.pop((f.path, f.line_key), None)
        if k is not None:
            found[f.fingerprint] = k
    changed = [(found[f.fingerprint], f) for f in findings if f.fingerprint in found]
    _update_identity(session, [(k.id, f) for k, f in changed if _identity_changed(k, f)])
    result = {fp: (k.id, _again(k)) for fp, k in found.items()}
    fresh = [f for f in findings if f.fingerprint not in found]
    _insert_new(session, execution, fresh)
    if fresh:
        ids = _known_ids(session, execution.task_id, first_seen_in=execution.id)
        result.update({f.fingerprint: (ids[f.fingerprint], Detection.NEW.value) for f in fresh})
    return result


def _identity_changed(known: _Known, finding: Finding) -> bool:
    keys = (finding.fingerprint, finding.path, finding.line_key or None)
    return (known.fingerprint, known.path, known.line_key) != keys


def _again(known: _Known) -> str:
    """A defect fixed, or marked resolved, that is reported again is reopened (new again)."""
    back = known.detection == Detection.FIXED.value or known.status == DefectStatus.RESOLVED
    return Detection.REOPENED.value if back else Detection.UNRESOLVED.value


def _update_identity(session: Session, moves: Sequence[tuple[int, Finding]]) -> None:
    """A defect found again by its loose identity takes the finding's keys (bulk, by id)."""
    statement = (
        update(TaskDefect.__table__)
        .where(TaskDefect.__table__.c.id == bindparam("defect_id"))
        .values(fingerprint=bindparam("fp"), path=bindparam("p"), line_key=bindparam("lk"))
    )
    values = [
        {"defect_id": defect_id, "fp": f.fingerprint, "p": f.path, "lk": f.line_key}
        for defect_id, f in moves
    ]
    for batch in _chunks(values, BATCH):
        session.execute(statement, batch)


def _insert_new(session: Session, execution: Execution, fresh: Sequence[Finding]) -> None:
    now = utcnow()
    rows = [
        {
            "task_id": execution.task_id,
            "fingerprint": f.fingerprint,
            "path": f.path,
            "line_key": f.line_key or None,
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
        for f in fresh
    ]
    for batch in _chunks(rows, BATCH):
        session.execute(insert(TaskDefect), batch)


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
    reason = f"reported again by execution {execution.id}"
    defect_history.move(session, list(again), resolved, DefectStatus.UNRESOLVED.value, reason)


def _known_query(task_id: str) -> Any:
    """The task's defects' identities in one query: chunked IN lists of fingerprints cost
    PostgreSQL about a third of a second each (20,000 findings took 12 s), this a fraction."""
    return select(
        TaskDefect.id,
        TaskDefect.fingerprint,
        TaskDefect.path,
        TaskDefect.line_key,
        TaskDefect.detection,
        TaskDefect.status,
    ).where(TaskDefect.task_id == task_id)


def _known_ids(session: Session, task_id: str, first_seen_in: str) -> dict[str, int]:
    """Fingerprint → id of the task's defects first seen in one execution."""
    query = select(TaskDefect.fingerprint, TaskDefect.id).where(
        TaskDefect.task_id == task_id, TaskDefect.first_seen_execution_id == first_seen_in
    )
    return {fingerprint: defect_id for fingerprint, defect_id in session.execute(query)}


def _chunks(items: list[_Item], size: int) -> Iterator[list[_Item]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
