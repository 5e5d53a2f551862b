"""Cluster-wide figures for GET /metrics, read from the database every worker writes to.

Queue lengths and executions by status count every execution. Durations are bounded: they
cover the executions created in the last WINDOW, at most the newest MAX_EXECUTIONS of them (and
MAX_ANALYSER_RUNS analyser rows), found through the (status, created_at) index.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from opencheck.domain.executions import ExecutionStatus
from opencheck.domain.pools import DEFAULT_POOL, pool_of
from opencheck.store.models import AnalyserRun, Execution, utcnow

WINDOW = timedelta(hours=24)
MAX_EXECUTIONS = 10_000
MAX_ANALYSER_RUNS = 50_000
ENDED = (ExecutionStatus.SUCCESS, ExecutionStatus.FAILED, ExecutionStatus.ABORTED)


@dataclass(frozen=True)
class AnalyserFigure:
    """One analyser's run on one language's files in one stored check."""

    analyser: str
    language: str
    seconds: float
    failed: bool


@dataclass(frozen=True)
class ClusterFigures:
    """What GET /metrics reports beyond this process's own HTTP figures."""

    queued_by_pool: dict[str, int]
    by_status: dict[ExecutionStatus, int]
    check_seconds: list[tuple[ExecutionStatus, float]]  # ended executions in the window
    analyser_runs: list[AnalyserFigure]  # of successful executions in the window


def cluster_figures(session: Session, *, now: datetime | None = None) -> ClusterFigures:
    """Every figure, read in the caller's transaction."""
    since = (now or utcnow()) - WINDOW
    return ClusterFigures(
        queued_by_pool=queued_by_pool(session),
        by_status=executions_by_status(session),
        check_seconds=check_seconds(session, since=since),
        analyser_runs=analyser_runs(session, since=since),
    )


def queued_by_pool(session: Session) -> dict[str, int]:
    """Queued executions per agent pool (the default pool always listed)."""
    rows = session.execute(
        select(Execution.pool, func.count())
        .where(Execution.status == ExecutionStatus.QUEUED.value)
        .group_by(Execution.pool)
    ).all()
    queued = {DEFAULT_POOL: 0}
    for pool, count in rows:
        queued[pool_of(pool)] = queued.get(pool_of(pool), 0) + count
    return queued


def executions_by_status(session: Session) -> dict[ExecutionStatus, int]:
    """Every status with its count of executions, zero included."""
    rows = session.execute(select(Execution.status, func.count()).group_by(Execution.status)).all()
    counts = dict.fromkeys(ExecutionStatus, 0)
    known = {status.value: status for status in ExecutionStatus}
    for value, count in rows:
        if value in known:  # a status from a newer release is not ours to name
            counts[known[value]] = count
    return counts


def check_seconds(session: Session, *, since: datetime) -> list[tuple[ExecutionStatus, float]]:
    """(status, finished_at − started_at) of the ended executions created since `since`."""
    rows = session.execute(
        select(Execution.status, Execution.started_at, Execution.finished_at)
        .where(
            Execution.status.in_([status.value for status in ENDED]),
            Execution.created_at >= since,
            Execution.started_at.is_not(None),
            Execution.finished_at.is_not(None),
        )
        .order_by(Execution.created_at.desc())
        .limit(MAX_EXECUTIONS)
    ).all()
    return [
        (ExecutionStatus(status), max(0.0, (finished - started).total_seconds()))
        for status, started, finished in rows
    ]


def analyser_runs(session: Session, *, since: datetime) -> list[AnalyserFigure]:
    """The analyser runs of the successful executions created since `since`."""
    rows = session.execute(
        select(AnalyserRun.analyser, AnalyserRun.language, AnalyserRun.seconds, AnalyserRun.failed)
        .join(Execution, Execution.id == AnalyserRun.execution_id)
        .where(
            Execution.status == ExecutionStatus.SUCCESS.value,
            Execution.created_at >= since,
        )
        .order_by(Execution.created_at.desc())
        .limit(MAX_ANALYSER_RUNS)
    ).all()
    return [AnalyserFigure(*row) for row in rows]
