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
from typing import Any, TypeVar

from sqlalchemy import exists, func, or_, select, update
from sqlalchemy.orm import Session

from opencheck.domain.defects import DefectStatus, Detection
from opencheck.domain.executions import JobType
from opencheck.domain.findings import Finding
from opencheck.services import defect_history, incremental
from opencheck.store.bulk import insert_rows, select_rows, update_rows
from opencheck.store.models import (
    DefectOccurrence,
    Execution,
    ExecutionFile,
    Task,
    TaskDefect,
    utcnow,
)

FIXED, REOPENED, UNRESOLVED = (
    Detection.FIXED.value,
    Detection.REOPENED.value,
    Detection.UNRESOLVED.value,
)
RESOLVED, UNRESOLVED_STATUS = DefectStatus.RESOLVED.value, DefectStatus.UNRESOLVED.value
# A task's defects' identities and states, read in one query: chunked IN lists of fingerprints
# cost PostgreSQL about a third of a second each (20,000 findings took 12 s), this a fraction.
# Plain tuples (select_rows): a Row's attributes cost seconds over 300,000 defects. What was
# read also decides, without another query, which defects are reopened and which are fixed.
KNOWN_COLUMNS = ("id", "fingerprint", "path", "line_key", "detection", "status", "status_until",
                 "delayed_until")  # fmt: skip
_ID, _PRINT, _PATH, _KEY, _DETECTION, _STATUS, _UNTIL, _DELAYED = range(len(KNOWN_COLUMNS))
OCCURRENCE_COLUMNS = ("execution_id", "defect_id", "detection", "severity", "file_path", "line",
                      "column", "message", "code_line", "suppression")  # fmt: skip
DEFECT_COLUMNS = ("task_id", "fingerprint", "path", "line_key", "rule_id", "language", "hotspot",
                  "status", "detection", "first_seen_execution_id", "first_seen_at")  # fmt: skip
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
    owner = incremental.defect_owner(session, execution.task_id)
    for old, new in (renamed or {}).items():
        session.execute(
            update(TaskDefect)
            .where(TaskDefect.task_id == owner, TaskDefect.path == old)
            .values(path=new)
            .execution_options(synchronize_session=False)
        )
    known = select_rows(session, TaskDefect, KNOWN_COLUMNS, "task_id", owner)
    matched, again = _match(session, execution, owner, known, findings)
    eid = execution.id
    rows = [
        (eid, *matched[f.fingerprint], int(f.severity), f.path, f.line, f.column, f.message,
         f.code_line, f.suppression)
        for f in findings
    ]  # fmt: skip
    insert_rows(session, DefectOccurrence, OCCURRENCE_COLUMNS, rows)
    resolved = [k[_ID] for k in again.values() if k[_STATUS] == RESOLVED]
    reason = f"reported again by execution {execution.id}"
    defect_history.move(session, resolved, RESOLVED, UNRESOLVED_STATUS, reason)
    dated = [k[_ID] for k in known if k[_UNTIL] is not None or k[_DELAYED] is not None]
    changes = defect_history.apply(session, dated, _triaged(findings, matched, again))
    _reopen_fixed(session, [k[_ID] for k in again.values() if k[_DETECTION] == FIXED])
    if not full:
        return Recorded(0, changes)
    seen = {k[_ID] for k in again.values()}
    return Recorded(_mark_fixed(session, execution, owner, known, seen), changes)


def _triaged(
    findings: Sequence[Finding],
    matched: Mapping[str, tuple[int, str]],
    again: Mapping[str, tuple[Any, ...]],
) -> list[defect_history.Reported]:
    """The reported defects whose triage a suppression may change: those suppressed in the code
    and those ignored (status as it is once a resolved one is reopened; a new one is
    unresolved). The others are left out: a look at each of 300,000 findings' defects cost a
    third of a second."""
    ignored = DefectStatus.IGNORED.value
    ignored_now = {fingerprint for fingerprint, k in again.items() if k[_STATUS] == ignored}
    return [
        defect_history.Reported(
            matched[f.fingerprint][0], _status_now(again.get(f.fingerprint)), f.suppression
        )
        for f in findings
        if f.suppression is not None or f.fingerprint in ignored_now
    ]


def _status_now(known: tuple[Any, ...] | None) -> int:
    if known is None or known[_STATUS] == RESOLVED:
        return UNRESOLVED_STATUS
    return int(known[_STATUS])


def _mark_fixed(
    session: Session,
    execution: Execution,
    owner: str,
    known: Sequence[tuple[Any, ...]],
    reported: set[int],
) -> int:
    """The task's defects this execution no longer reports, outside the files it did not check.

    The candidates come from the defects read for matching (an anti-join of the task's defects
    with the execution's 300,000 occurrences cost PostgreSQL a second and a half); SQL then
    only looks at them, by id.
    """
    unchecked = set(
        session.scalars(
            select(ExecutionFile.path).where(
                ExecutionFile.execution_id == execution.id,
                ExecutionFile.unchecked_reason.is_not(None),
            )
        )
    )
    gone = [
        k[_ID]
        for k in known
        if k[_DETECTION] != FIXED and k[_ID] not in reported and k[_PATH] not in unchecked
    ]
    # Counted per defect, not as EXISTS: PostgreSQL turns an EXISTS into a join and, its
    # statistics not yet counting the occurrences of the last check, hashed all of them
    # (2 s); a count stays a lookup by defect per candidate.
    full_occurrences = (
        select(func.count())
        .select_from(DefectOccurrence)
        .join(Execution, Execution.id == DefectOccurrence.execution_id)
        .where(
            DefectOccurrence.defect_id == TaskDefect.id,
            Execution.task_id == owner,
            Execution.job_type == JobType.FULL.value,
        )
        .scalar_subquery()
    )
    seen_in_full = full_occurrences > 0
    counted = _fix(session, gone, seen_in_full)
    # Defects only a merge request's check ever reported were never in the code checked here:
    # they stop being tracked but are not counted as fixed (a second pass, only where there
    # are such checks: the task's own or its incremental children's).
    sharing = select(Task.id).where(or_(Task.id == owner, Task.parent_task_id == owner))
    incremental_runs = select(Execution.id).where(
        Execution.task_id.in_(sharing), Execution.job_type != JobType.FULL.value
    )
    if gone and session.scalar(select(exists(incremental_runs))):
        _fix(session, gone, TaskDefect.detection != FIXED)
    return counted


def _fix(session: Session, ids: list[int], *where: Any) -> int:
    """Mark the defects among `ids` that meet `where` fixed; how many were."""
    count, now = 0, utcnow()
    for batch in _chunks(ids, BATCH):
        fixed = session.execute(
            update(TaskDefect)
            .where(TaskDefect.id.in_(batch), *where)
            .values(detection=FIXED, fixed_at=now)
            .execution_options(synchronize_session=False)
        )
        count += int(getattr(fixed, "rowcount", 0) or 0)
    return count


def _match(
    session: Session,
    execution: Execution,
    owner: str,
    known: Sequence[tuple[Any, ...]],
    findings: Sequence[Finding],
) -> tuple[dict[str, tuple[int, str]], dict[str, tuple[Any, ...]]]:
    """Fingerprint → (task defect id, detection in this execution), inserting the new defects
    (a defect fixed, or marked resolved, that is reported again is reopened: new again);
    and fingerprint → the `known` defect (KNOWN_COLUMNS, as read before) it matched.

    First by fingerprint; then the findings left by (path, line key) among the defects left,
    whose fingerprint, path and line key are brought up to date.
    """
    by_print = {k[_PRINT]: k for k in known}
    found = {f.fingerprint: k for f in findings if (k := by_print.get(f.fingerprint)) is not None}
    if len(found) < len(findings):
        claimed = {k[_ID] for k in found.values()}
        loose = {(k[_PATH], k[_KEY]): k for k in known if k[_KEY] and k[_ID] not in claimed}
        for f in findings:
            k = None if f.fingerprint in found else loose.pop((f.path, f.line_key), None)
            if k is not None:
                found[f.fingerprint] = k
    # Field by field, and _again inlined: tuples and calls per finding cost a third of a second.
    moved = [
        (k[_ID], f)
        for f in findings
        if (k := found.get(f.fingerprint)) is not None
        and (k[_PRINT] != f.fingerprint or k[_PATH] != f.path or k[_KEY] != (f.line_key or None))
    ]
    _update_identity(session, moved)
    result = {
        fp: (k[_ID], REOPENED if k[_DETECTION] == FIXED or k[_STATUS] == RESOLVED else UNRESOLVED)
        for fp, k in found.items()
    }
    fresh = [f for f in findings if f.fingerprint not in found]
    _insert_new(session, execution, owner, fresh)
    if fresh:
        ids = _known_ids(session, owner, first_seen_in=execution.id)
        result.update({f.fingerprint: (ids[f.fingerprint], Detection.NEW.value) for f in fresh})
    return result, found


def _update_identity(session: Session, moves: Sequence[tuple[int, Finding]]) -> None:
    """A defect found again by its loose identity takes the finding's keys (bulk, by id)."""
    rows = [(defect_id, f.fingerprint, f.path, f.line_key) for defect_id, f in moves]
    update_rows(session, TaskDefect, "id", ("fingerprint", "path", "line_key"), rows)


def _insert_new(
    session: Session, execution: Execution, owner: str, fresh: Sequence[Finding]
) -> None:
    now, task, eid = utcnow(), owner, execution.id
    unresolved, new = DefectStatus.UNRESOLVED.value, Detection.NEW.value
    rows = [
        (task, f.fingerprint, f.path, f.line_key or None, f.rule_id, f.language, f.hotspot,
         unresolved, new, eid, now)
        for f in fresh
    ]  # fmt: skip
    insert_rows(session, TaskDefect, DEFECT_COLUMNS, rows)


def _reopen_fixed(session: Session, ids: list[int]) -> None:
    """Fixed defects reported again are reopened.

    Nothing else is written for the defects seen again: their state in this execution is on
    their occurrences, and rewriting every defect of a large task at every check cost seconds.
    """
    for batch in _chunks(ids, BATCH):
        session.execute(
            update(TaskDefect)
            .where(TaskDefect.id.in_(batch))
            .values(detection=REOPENED, fixed_at=None)
            .execution_options(synchronize_session=False)
        )


def _known_ids(session: Session, task_id: str, first_seen_in: str) -> dict[str, int]:
    """Fingerprint → id of the task's defects first seen in one execution."""
    query = select(TaskDefect.fingerprint, TaskDefect.id).where(
        TaskDefect.task_id == task_id, TaskDefect.first_seen_execution_id == first_seen_in
    )
    return {fingerprint: defect_id for fingerprint, defect_id in session.execute(query)}


def _chunks(items: list[_Item], size: int) -> Iterator[list[_Item]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
