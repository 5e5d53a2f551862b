"""Defects of a task, their triage, and where each execution found them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from opencheck.store.models.base import Base, UTCDateTime, utcnow


class TaskDefect(Base):
    """One defect of a task, whatever execution reported it: identified by its fingerprint.

    Triage (`status`) lives here, so it follows the defect into every later execution.
    """

    __tablename__ = "task_defects"
    __table_args__ = (
        UniqueConstraint("task_id", "fingerprint", name="uq_task_defects_task_fingerprint"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    task_id: Mapped[str] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    fingerprint: Mapped[str] = mapped_column(String(80))
    rule_id: Mapped[str] = mapped_column(String(128))
    language: Mapped[str] = mapped_column(String(64))
    # A security-sensitive use to review, not shown to take untrusted input.
    hotspot: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[int] = mapped_column(Integer, default=0)  # DefectStatus
    detection: Mapped[str] = mapped_column(String(16))  # Detection
    first_seen_execution_id: Mapped[str | None] = mapped_column(
        ForeignKey("executions.id", ondelete="SET NULL"), nullable=True
    )
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Where and when it was last seen is its latest occurrence (no column rewritten per check).
    fixed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # The loose identity (engine/fingerprint.py): where the defect was last seen, and its line.
    path: Mapped[str] = mapped_column(String(2048), default="", server_default="")
    line_key: Mapped[str | None] = mapped_column(String(64), nullable=True)
    status_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)  # ignore ends
    delayed_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class DefectTriage(Base):
    """One change of a task's defect's status, never updated or deleted: who, when, from what
    to what, why, and until when (an ignore or a deferral may expire)."""

    __tablename__ = "defect_triage"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    defect_id: Mapped[int] = mapped_column(
        ForeignKey("task_defects.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_name: Mapped[str] = mapped_column(String(128))
    from_status: Mapped[int] = mapped_column(Integer)
    to_status: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text, default="")
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class DefectOccurrence(Base):
    """A task's defect as one execution reported it: where, what it said, how severe.

    Keyed by (execution, defect), with no surrogate id, no index of its own on the defect and
    no foreign keys (migration 0016): storing a check inserts 300,000 rows for 300,000
    findings, and on PostgreSQL each row's two foreign-key checks and the third index cost
    4 of the 6 seconds. Every row is written by `defect_tracking.record` with ids it has just
    read or inserted, and `tasks.delete_task` deletes a task's occurrences with its executions
    (executions and task defects are deleted only with their task). Like SonarQube's schema,
    which has no foreign keys, the code that deletes keeps the rows consistent.
    """

    __tablename__ = "defect_occurrences"
    execution_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    defect_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    severity: Mapped[int] = mapped_column(Integer)
    file_path: Mapped[str] = mapped_column(String(2048))
    line: Mapped[int] = mapped_column(Integer)
    column: Mapped[int] = mapped_column(Integer)
    message: Mapped[str] = mapped_column(Text)
    code_line: Mapped[str] = mapped_column(Text)
    # The reason a marker in the code gave for suppressing it (it then counts as ignored).
    suppression: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Detection in this execution: new, unresolved or reopened (domain.defects.Detection).
    detection: Mapped[str] = mapped_column(
        String(16), default="unresolved", server_default="unresolved"
    )
