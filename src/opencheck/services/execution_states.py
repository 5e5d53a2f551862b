"""The one place an execution changes state, and where its log is written.

Every caller (the API, the queues, restart recovery, result storing) moves an execution through
`queue` and `move`, which check the transition and write one `execution_logs` row per message;
the log text of seed 004 is rendered from those rows.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, Connection, Row, bindparam, select, update
from sqlalchemy.orm import Session

from opencheck.domain.executions import ExecutionStatus
from opencheck.services import task_list_columns, webhooks
from opencheck.store.models import Execution, ExecutionLog, utcnow

Q, R = ExecutionStatus.QUEUED, ExecutionStatus.RUNNING
# Where an execution may go from each state; success, failed and aborted are final.
TRANSITIONS: dict[ExecutionStatus, frozenset[ExecutionStatus]] = {
    Q: frozenset({R, ExecutionStatus.FAILED, ExecutionStatus.ABORTED}),
    # Back to the queue only when its worker's lease ran out (services.leases.reap).
    R: frozenset({Q, ExecutionStatus.SUCCESS, ExecutionStatus.FAILED, ExecutionStatus.ABORTED}),
}
_LEVEL = re.compile(r"^\[(ERROR|WARNING|INFO)\] ?")
# One service log record per state change; it carries the execution id (and the request's).
_log = logging.getLogger("opencheck.executions")


def queue(session: Session, execution: Execution, message: str) -> Execution:
    """Add a new execution, queued, with the first line of its log."""
    execution.status = Q.value
    session.add(execution)
    session.flush()
    log(session, execution.id, message)
    _log.info("execution queued", extra={"execution_id": execution.id})
    return execution


def move(
    session: Session,
    execution_id: str,
    to: ExecutionStatus,
    *messages: str,
    holder: str | None = None,
    attempt: int | None = None,
    only_if: Sequence[ColumnElement[bool]] = (),
    **values: object,
) -> bool:
    """Move the execution to `to` (and set `values`) if it is in a state that may go there,
    `holder` (a worker) still holds it and `only_if` holds; log `messages` when it moved.
    False when it was elsewhere (another worker, a stop)."""
    sources = [state.value for state, targets in TRANSITIONS.items() if to in targets]
    if not to.is_active:
        values.setdefault("finished_at", utcnow())
    where = [Execution.id == execution_id, Execution.status.in_(sources), *only_if]
    if holder is not None:  # only the worker running it, never once it was queued again
        where += [Execution.worker == holder, Execution.status == R.value]
    if attempt is not None:  # that claim only: the same worker may hold a later attempt
        where.append(Execution.attempts == attempt)
    result = session.execute(update(Execution).where(*where).values(status=to.value, **values))
    moved = result.rowcount == 1  # type: ignore[attr-defined]
    if moved:
        task_list_columns.moved(session, execution_id, to.value, values.get("started_at"))
        log(session, execution_id, *messages)
        _log.info("execution %s", to.name.lower(), extra={"execution_id": execution_id})
        if not to.is_active:  # the outbox row commits (or not) with the state change
            webhooks.on_finished(session, execution_id)
    return moved


def log(session: Session, execution_id: str, *messages: str, at: datetime | None = None) -> None:
    """One log row per message; a leading `[ERROR]` or `[WARNING]` is its level."""
    when = at or utcnow()
    for message in messages:
        level, text = _split(message)
        session.add(ExecutionLog(execution_id=execution_id, at=when, level=level, text=text))
    session.flush()


def log_unless_stored(
    session: Session, execution_id: str, lines: Sequence[tuple[datetime, str]]
) -> None:
    """Log each (time, message) line that is not stored yet: a commit whose answer was lost
    (the connection dropped) may have stored them, and a retry must not store them twice."""
    if not lines:
        return
    rows = session.execute(
        select(ExecutionLog.at, ExecutionLog.level, ExecutionLog.text).where(
            ExecutionLog.execution_id == execution_id,
            ExecutionLog.at >= min(at for at, _ in lines),
        )
    )
    stored = Counter(tuple(row) for row in rows)
    for at, message in lines:
        key = (at, *_split(message))
        if stored[key]:
            stored[key] -= 1
        else:
            log(session, execution_id, message, at=at)


def _split(message: str) -> tuple[str, str]:
    """A message's level and text."""
    level = _LEVEL.match(message)
    return (level.group(1), message[level.end() :]) if level else ("INFO", message)


def log_line(row: ExecutionLog | Row[tuple[str, datetime, str, str]]) -> str:
    """One line of seed 004's log text."""
    return _line(row.at, row.level, row.text)


def _line(at: datetime, level: str, text: str) -> str:
    stamp = at.isoformat(" ", "seconds")[:19].replace("-", "/")  # strftime takes 2.6x as long
    marker = "" if level == "INFO" else f"[{level}] "
    return f"{stamp} GMT+00:00 {marker}{text}\n"


# Plain rows, not ORM objects: a page of tasks brings hundreds of log lines. In the order they
# were written; sorting by the execution's id too made PostgreSQL compare strings by collation.
_LOG_LINES = (
    select(ExecutionLog.execution_id, ExecutionLog.at, ExecutionLog.level, ExecutionLog.text)
    .where(ExecutionLog.execution_id.in_(bindparam("ids", expanding=True)))
    .order_by(ExecutionLog.id)
)


def log_texts(db: Session | Connection, execution_ids: Iterable[str]) -> dict[str, str]:
    """The rendered log of each execution, in one query."""
    lines: dict[str, list[str]] = {execution_id: [] for execution_id in execution_ids}
    if lines:
        # .all(): iterating the result fetched the rows one by one, 2 µs each in psycopg.
        for execution_id, at, level, text in db.execute(_LOG_LINES, {"ids": list(lines)}).all():
            lines[execution_id].append(_line(at, level, text))
    return {execution_id: "".join(parts) for execution_id, parts in lines.items()}


def log_rows(session: Session, execution_id: str) -> list[ExecutionLog]:
    """The execution's log rows, in the order they were written."""
    return list(
        session.scalars(
            select(ExecutionLog)
            .where(ExecutionLog.execution_id == execution_id)
            .order_by(ExecutionLog.id)
        )
    )


def last_message(session: Session, execution_id: str) -> str:
    """The latest message of the log (its level kept as a prefix), or ""."""
    row = session.scalar(
        select(ExecutionLog)
        .where(ExecutionLog.execution_id == execution_id)
        .order_by(ExecutionLog.id.desc())
        .limit(1)
    )
    if row is None:
        return ""
    return log_line(row).split(" ", 3)[-1].rstrip("\n")
