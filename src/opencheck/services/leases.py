"""Leases and heartbeats: a running execution belongs to one live worker, or goes back.

A worker claims a queued execution with a lease, renews it with every heartbeat while it
works, and stores results only while it still holds it. When a worker dies (SIGKILL, a lost
host), its lease runs out; any process's reaper then queues the execution again for another
worker, or fails it with the reason once it has had its attempts. Every step is one
conditional UPDATE, so reapers, workers and redelivered messages can race safely.
"""

from __future__ import annotations

import enum
import os
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, delete, func, or_, select, update
from sqlalchemy.orm import Session

from opencheck.domain.executions import ExecutionStatus
from opencheck.domain.pools import machine_arch
from opencheck.services import execution_states
from opencheck.store.models import Execution, WorkerRecord, utcnow

Q, R = ExecutionStatus.QUEUED, ExecutionStatus.RUNNING


@dataclass(frozen=True)
class WorkerId:
    """Who a worker is: a unique name, the pool it serves, its host and architecture."""

    name: str
    pool: str
    host: str
    arch: str

    @classmethod
    def of(cls, pool: str, name: str = "") -> WorkerId:
        """This process as a worker of `pool`; the name is unique unless one is given."""
        host = socket.gethostname()
        unique = name or f"{host}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        return cls(unique[:255], pool, host[:255], machine_arch())


class Claim(enum.Enum):
    CLAIMED = "claimed"
    GONE = "gone"  # no longer queued: another worker has it, it ran, or it was stopped
    POOL_FULL = "pool full"  # the pool runs as many checks as it may; try again later


def register(session: Session, worker: WorkerId, concurrency: int) -> None:
    """Record the worker as alive (again)."""
    session.execute(delete(WorkerRecord).where(WorkerRecord.name == worker.name))
    now = utcnow()
    session.add(
        WorkerRecord(
            name=worker.name,
            pool=worker.pool,
            host=worker.host,
            arch=worker.arch,
            concurrency=concurrency,
            started_at=now,
            heartbeat_at=now,
        )
    )
    session.flush()


def unregister(session: Session, worker: WorkerId) -> None:
    session.execute(delete(WorkerRecord).where(WorkerRecord.name == worker.name))


def live_workers(session: Session, pool: str, stale_after: float) -> int:
    """How many workers of `pool` sent a heartbeat within `stale_after` seconds."""
    since = utcnow() - timedelta(seconds=stale_after)
    return (
        session.scalar(
            select(func.count())
            .select_from(WorkerRecord)
            .where(WorkerRecord.pool == pool, WorkerRecord.heartbeat_at >= since)
        )
        or 0
    )


def claim(
    session: Session,
    execution_id: str,
    worker: WorkerId,
    lease_seconds: float,
    pool_limit: int | None = None,
    at: datetime | None = None,
) -> Claim:
    """Move a queued execution of the worker's pool to running, leased to the worker; `at`
    (now by default) is its start, which tells this claim from others (`find_claim`)."""
    pool = session.scalar(
        select(Execution.pool).where(Execution.id == execution_id, Execution.status == Q.value)
    )
    if pool is None or pool != worker.pool:  # a worker never runs another pool's checks
        return Claim.GONE
    if pool_limit is not None:
        # The pool's worker rows serialize its claimers (PostgreSQL row locks; SQLite has one
        # writer at a time anyway), so the count below cannot be overtaken by a concurrent claim.
        session.execute(
            select(WorkerRecord.name).where(WorkerRecord.pool == pool).with_for_update()
        )
        running = session.scalar(
            select(func.count())
            .select_from(Execution)
            .where(Execution.pool == pool, Execution.status == R.value)
        )
        if (running or 0) >= pool_limit:
            return Claim.POOL_FULL
    now = at or utcnow()
    moved = execution_states.move(
        session,
        execution_id,
        R,
        f"Running on server: {worker.host} (worker {worker.name}, pool {pool}, {worker.arch})",
        started_at=now,
        progress=1,
        worker=worker.name,
        arch=worker.arch,
        lease_until=now + timedelta(seconds=lease_seconds),
        attempts=Execution.attempts + 1,
    )
    return Claim.CLAIMED if moved else Claim.GONE


def find_claim(
    session: Session,
    execution_id: str,
    worker: WorkerId,
    started: list[datetime],
    lease_seconds: float,
) -> int | None:
    """The attempt of the worker's claim started at one of `started` (`claim`'s `at`) when it
    landed and the execution still runs in it, with its lease renewed; else None."""
    found = session.execute(
        update(Execution)
        .where(
            Execution.id == execution_id,
            Execution.status == R.value,
            Execution.worker == worker.name,
            Execution.started_at.in_(started),
        )
        .values(lease_until=utcnow() + timedelta(seconds=lease_seconds))
    )
    if found.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return session.scalar(select(Execution.attempts).where(Execution.id == execution_id))


def renew(
    session: Session,
    worker: WorkerId,
    execution_ids: set[str],
    lease_seconds: float,
    concurrency: int,
) -> set[str]:
    """The heartbeat: extend the worker's leases; returns the executions it no longer holds."""
    now = utcnow()
    beat = session.execute(
        update(WorkerRecord).where(WorkerRecord.name == worker.name).values(heartbeat_at=now)
    )
    if beat.rowcount == 0:  # type: ignore[attr-defined]
        register(session, worker, concurrency)  # forgotten while it was away
    if not execution_ids:
        return set()
    held = (Execution.id.in_(execution_ids), Execution.worker == worker.name)
    running = Execution.status == R.value
    session.execute(
        update(Execution)
        .where(*held, running)
        .values(lease_until=now + timedelta(seconds=lease_seconds))
    )
    still = set(session.scalars(select(Execution.id).where(*held, running)))
    return execution_ids - still


def reap(session: Session, max_attempts: int) -> list[tuple[str, str]]:
    """Queue again (or fail, after `max_attempts`) every execution whose lease ran out;
    returns the (execution id, pool) pairs queued again, to be handed to the queue."""
    now = utcnow()
    expired = session.execute(
        select(Execution.id, Execution.pool, Execution.worker, Execution.attempts).where(
            Execution.status == R.value, _lease_over(now)
        )
    ).all()
    requeued = []
    for execution_id, pool, worker, attempts in expired:
        who = f"Worker {worker}" if worker else "The process running it"
        gone = f"[WARNING] {who} stopped renewing its lease (attempt {attempts})"
        if attempts < max_attempts:
            again = f"The check is queued again (attempt {attempts + 1} of {max_attempts})"
            if _expire(session, execution_id, worker, Q, gone, again, progress=0):
                requeued.append((execution_id, pool))
        else:
            final = f"[ERROR] The check was interrupted {attempts} times; giving up"
            _expire(session, execution_id, worker, ExecutionStatus.FAILED, gone, final)
    return requeued


def _expire(
    session: Session,
    execution_id: str,
    worker: str,
    to: ExecutionStatus,
    *messages: str,
    **values: object,
) -> bool:
    # The holder and the lease are tested again: a renewal since the select above wins.
    return execution_states.move(
        session,
        execution_id,
        to,
        *messages,
        holder=worker,
        only_if=(_lease_over(utcnow()),),
        lease_until=None,
        **values,
    )


def _lease_over(now: datetime) -> ColumnElement[bool]:
    # No lease at all: left running by a version before leases, or by a crash mid-claim.
    return or_(Execution.lease_until.is_(None), Execution.lease_until < now)


def forget_stale_workers(session: Session, stale_after: float) -> int:
    """Drop worker rows whose heartbeat stopped long ago (they show as not live anyway)."""
    since = utcnow() - timedelta(seconds=stale_after)
    result = session.execute(delete(WorkerRecord).where(WorkerRecord.heartbeat_at < since))
    return result.rowcount or 0  # type: ignore[attr-defined]


def next_queued(session: Session, pool: str) -> str | None:
    """The oldest queued execution of `pool`, if any."""
    return session.scalar(
        select(Execution.id)
        .where(Execution.status == Q.value, Execution.pool == pool)
        .order_by(Execution.created_at, Execution.id)
        .limit(1)
    )


def queued_before(session: Session, pool: str, seconds: float, limit: int = 100) -> list[str]:
    """Executions of `pool` queued for longer than `seconds` (their message may be lost)."""
    since = utcnow() - timedelta(seconds=seconds)
    return list(
        session.scalars(
            select(Execution.id)
            .where(Execution.status == Q.value, Execution.pool == pool)
            .where(Execution.created_at < since)
            .order_by(Execution.created_at, Execution.id)
            .limit(limit)
        )
    )
