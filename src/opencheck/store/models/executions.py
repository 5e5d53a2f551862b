"""Executions and what they record: logs, languages, analyser runs, steps, files, workers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from opencheck.store.models.base import Base, UTCDateTime, id_column, utcnow


class Execution(Base):
    """One run of a task; keeps its own results forever."""

    __tablename__ = "executions"
    __table_args__ = (
        Index("ix_executions_status_created", "status", "created_at"),
        Index("ix_executions_status_pool", "status", "pool"),
    )
    id: Mapped[str] = id_column()
    task_id: Mapped[str] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    job_type: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    progress: Mapped[int] = mapped_column(Integer, default=0)
    executor: Mapped[str] = mapped_column(String(128))
    git_url: Mapped[str] = mapped_column(String(2048))
    git_branch: Mapped[str] = mapped_column(String(512))
    credentials_enc: Mapped[str | None] = mapped_column(Text, nullable=True)
    ref: Mapped[str | None] = mapped_column(String(32), nullable=True)
    commit_sha: Mapped[str | None] = mapped_column(String(64), nullable=True)
    base_sha: Mapped[str | None] = mapped_column(String(64), nullable=True)  # incremental only
    merge_id: Mapped[str | None] = mapped_column(String(64), nullable=True)  # with `ref`
    # The agent pool whose workers may run it (domain.pools), fixed when it is queued.
    pool: Mapped[str] = mapped_column(String(128), default="default", server_default="default")
    # Who runs it: the worker's name and machine, and until when its lease holds (services.leases).
    worker: Mapped[str] = mapped_column(String(255), default="", server_default="")
    arch: Mapped[str] = mapped_column(String(16), default="", server_default="")
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    partial: Mapped[bool] = mapped_column(Boolean, default=False)
    review_result: Mapped[str | None] = mapped_column(String(16), nullable=True)
    critical_count: Mapped[int] = mapped_column(Integer, default=0)
    major_count: Mapped[int] = mapped_column(Integer, default=0)
    minor_count: Mapped[int] = mapped_column(Integer, default=0)
    suggestion_count: Mapped[int] = mapped_column(Integer, default=0)
    info_count: Mapped[int] = mapped_column(Integer, default=0)
    security_count: Mapped[int] = mapped_column(Integer, default=0)
    code_lines: Mapped[int] = mapped_column(Integer, default=0)
    file_total: Mapped[int] = mapped_column(Integer, default=0)
    defect_count: Mapped[int] = mapped_column(Integer, default=0)
    new_count: Mapped[int] = mapped_column(Integer, default=0)
    fixed_count: Mapped[int] = mapped_column(Integer, default=0)
    # Defects ignored (by triage or a marker in the code), and unresolved ones deferred.
    dismissed_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    delayed_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class WorkerRecord(Base):
    """A scan worker process that is alive while its heartbeat is recent (services.leases)."""

    __tablename__ = "workers"
    name: Mapped[str] = mapped_column(String(255), primary_key=True)
    pool: Mapped[str] = mapped_column(String(128), index=True)
    host: Mapped[str] = mapped_column(String(255))
    arch: Mapped[str] = mapped_column(String(16))
    concurrency: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ExecutionLog(Base):
    """One message of an execution's log; the log text of seed 004 is rendered from these."""

    __tablename__ = "execution_logs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    execution_id: Mapped[str] = mapped_column(
        ForeignKey("executions.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    level: Mapped[str] = mapped_column(String(8))  # INFO, WARNING or ERROR
    text: Mapped[str] = mapped_column(Text)


class ExecutionLanguage(Base):
    __tablename__ = "execution_languages"
    execution_id: Mapped[str] = mapped_column(
        ForeignKey("executions.id", ondelete="CASCADE"), primary_key=True
    )
    language: Mapped[str] = mapped_column(String(64), primary_key=True)
    files: Mapped[int] = mapped_column(Integer)
    code_lines: Mapped[int] = mapped_column(Integer)
    comment_lines: Mapped[int] = mapped_column(Integer)
    blank_lines: Mapped[int] = mapped_column(Integer)


class AnalyserRun(Base):
    """What one analyser did on one language's files in a stored check: for GET /metrics."""

    __tablename__ = "analyser_runs"
    execution_id: Mapped[str] = mapped_column(
        ForeignKey("executions.id", ondelete="CASCADE"), primary_key=True
    )
    analyser: Mapped[str] = mapped_column(String(64), primary_key=True)
    language: Mapped[str] = mapped_column(String(64), primary_key=True)
    seconds: Mapped[float] = mapped_column(Float)
    files: Mapped[int] = mapped_column(Integer)
    failed: Mapped[bool] = mapped_column(Boolean)


class ExecutionStep(Base):
    """Wall and CPU seconds of one step of a stored check, from the service's own timers."""

    __tablename__ = "execution_steps"
    execution_id: Mapped[str] = mapped_column(
        ForeignKey("executions.id", ondelete="CASCADE"), primary_key=True
    )
    step: Mapped[str] = mapped_column(String(128), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)  # the order the steps started in
    wall_seconds: Mapped[float] = mapped_column(Float)
    cpu_seconds: Mapped[float] = mapped_column(Float)  # the service's own threads
    child_cpu_seconds: Mapped[float] = mapped_column(Float)  # git, analysers, metrics child


class ExecutionFile(Base):
    """One checked file of an execution with its code metrics (see domain.code_metrics)."""

    __tablename__ = "execution_files"
    __table_args__ = (Index("ix_execution_files_execution_id", "execution_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    execution_id: Mapped[str] = mapped_column(ForeignKey("executions.id", ondelete="CASCADE"))
    path: Mapped[str] = mapped_column(String(2048))
    language: Mapped[str] = mapped_column(String(64))
    raw_lines: Mapped[int] = mapped_column(Integer, default=0)
    functions: Mapped[int] = mapped_column(Integer, default=0)
    complexity: Mapped[int] = mapped_column(Integer, default=0)
    cca_complexity: Mapped[int] = mapped_column(Integer, default=0)
    max_complexity: Mapped[int] = mapped_column(Integer, default=0)
    max_cca_complexity: Mapped[int] = mapped_column(Integer, default=0)
    huge_complexity: Mapped[int] = mapped_column(Integer, default=0)
    huge_cca_complexity: Mapped[int] = mapped_column(Integer, default=0)
    max_depth: Mapped[int] = mapped_column(Integer, default=0)
    huge_depth: Mapped[int] = mapped_column(Integer, default=0)
    method_lines: Mapped[int] = mapped_column(Integer, default=0)
    huge_methods: Mapped[int] = mapped_column(Integer, default=0)
    duplicated_lines: Mapped[int] = mapped_column(Integer, default=0)
    duplicated_blocks: Mapped[int] = mapped_column(Integer, default=0)
    # main, test, generated, vendored or bundled (domain.roles); only main and test are analysed.
    role: Mapped[str] = mapped_column(String(16), default="main", server_default="main")
    code_lines: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Why no analyser checked this file (a size cap, a parse failure, its role); NULL if checked.
    unchecked_reason: Mapped[str | None] = mapped_column(String(255), nullable=True)
