"""Defects of a task, their occurrences and their triage history

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30

A defect of a task is one `task_defects` row per fingerprint (first and last seen, fixed at,
detection state, triage status); each execution that reported it has a `defect_occurrences`
row with its file, line, message and severity. The per-execution `defects` rows are moved: one
task defect per (task, fingerprint), its first and last executions by time, and an occurrence
per old row; a suppression stays on its occurrence, other statuses go to the task's defect.
`defect_triage` is the append-only history of status changes (empty until the first one).
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    _create_tables()
    defects = sa.table(
        "defects",
        *(sa.column(name) for name in ("execution_id", "rule_id", "severity", "language",
          "file_path", "line", "column", "message", "code_line", "fingerprint", "status",
          "suppression", "hotspot")),
    )  # fmt: skip
    executions = sa.table(
        "executions", sa.column("id"), sa.column("task_id"), sa.column("created_at")
    )
    tds = sa.table(
        "task_defects",
        *(sa.column(name) for name in ("id", "task_id", "fingerprint", "rule_id", "language",
          "hotspot", "status", "detection", "first_seen_execution_id", "last_seen_execution_id",
          "first_seen_at", "last_seen_at")),
    )  # fmt: skip
    joined = defects.join(executions, executions.c.id == defects.c.execution_id)
    # A triaged status other than a suppression's ignore goes to the task's defect.
    triage = sa.case((defects.c.suppression.is_(None), defects.c.status), else_=0)
    hotspot = sa.func.max(sa.cast(defects.c.hotspot, sa.Integer)) > 0
    op.execute(
        sa.insert(tds).from_select(
            ["task_id", "fingerprint", "rule_id", "language", "hotspot", "status", "detection",
             "first_seen_at", "last_seen_at"],
            sa.select(
                executions.c.task_id, defects.c.fingerprint, sa.func.min(defects.c.rule_id),
                sa.func.min(defects.c.language), hotspot,
                sa.func.max(triage), sa.literal("unresolved"),
                sa.func.min(executions.c.created_at), sa.func.max(executions.c.created_at),
            ).select_from(joined).group_by(executions.c.task_id, defects.c.fingerprint),
        )
    )  # fmt: skip
    for column, at in (("first_seen_execution_id", "first_seen_at"),
                       ("last_seen_execution_id", "last_seen_at")):  # fmt: skip
        found = (
            sa.select(executions.c.id)
            .select_from(joined)
            .where(
                executions.c.task_id == tds.c.task_id,
                defects.c.fingerprint == tds.c.fingerprint,
                executions.c.created_at == tds.c[at],
            )
            .order_by(executions.c.id)
            .limit(1)
            .scalar_subquery()
        )
        op.execute(sa.update(tds).values({column: found}))
    occurrences = sa.table(
        "defect_occurrences",
        *(sa.column(name) for name in ("execution_id", "defect_id", "severity", "file_path",
          "line", "column", "message", "code_line", "suppression")),
    )  # fmt: skip
    op.execute(
        sa.insert(occurrences).from_select(
            ["execution_id", "defect_id", "severity", "file_path", "line", "column", "message",
             "code_line", "suppression"],
            sa.select(
                defects.c.execution_id, tds.c.id, defects.c.severity, defects.c.file_path,
                defects.c.line, defects.c.column, defects.c.message, defects.c.code_line,
                defects.c.suppression,
            ).select_from(joined.join(tds, sa.and_(tds.c.task_id == executions.c.task_id,
                                                   tds.c.fingerprint == defects.c.fingerprint))),
        )
    )  # fmt: skip
    op.drop_table("defects")


def _create_tables() -> None:
    op.create_table(
        "task_defects",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("task_id", sa.String(length=32), nullable=False),
        sa.Column("fingerprint", sa.String(length=80), nullable=False),
        sa.Column("rule_id", sa.String(length=128), nullable=False),
        sa.Column("language", sa.String(length=64), nullable=False),
        sa.Column("hotspot", sa.Boolean(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("detection", sa.String(length=16), nullable=False),
        sa.Column("first_seen_execution_id", sa.String(length=32), nullable=True),
        sa.Column("last_seen_execution_id", sa.String(length=32), nullable=True),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("fixed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["task_id"], ["tasks.id"],
                                name=op.f("fk_task_defects_task_id_tasks"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["first_seen_execution_id"], ["executions.id"],
            name=op.f("fk_task_defects_first_seen_execution_id_executions"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(
            ["last_seen_execution_id"], ["executions.id"],
            name=op.f("fk_task_defects_last_seen_execution_id_executions"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_defects")),
        sa.UniqueConstraint("task_id", "fingerprint", name="uq_task_defects_task_fingerprint"),
    )  # fmt: skip
    op.create_table(
        "defect_occurrences",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("execution_id", sa.String(length=32), nullable=False),
        sa.Column("defect_id", sa.Integer(), nullable=False),
        sa.Column("severity", sa.Integer(), nullable=False),
        sa.Column("file_path", sa.String(length=2048), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("column", sa.Integer(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("code_line", sa.Text(), nullable=False),
        sa.Column("suppression", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["defect_id"], ["task_defects.id"],
                                name=op.f("fk_defect_occurrences_defect_id_task_defects"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["execution_id"], ["executions.id"],
                                name=op.f("fk_defect_occurrences_execution_id_executions"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_defect_occurrences")),
        sa.UniqueConstraint("execution_id", "defect_id", name="uq_defect_occurrences_execution"),
    )  # fmt: skip
    op.create_index(op.f("ix_defect_occurrences_defect_id"), "defect_occurrences", ["defect_id"])
    op.create_table(
        "defect_triage",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("defect_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_name", sa.String(length=128), nullable=False),
        sa.Column("from_status", sa.Integer(), nullable=False),
        sa.Column("to_status", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["defect_id"], ["task_defects.id"],
                                name=op.f("fk_defect_triage_defect_id_task_defects"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_defect_triage")),
    )  # fmt: skip
    op.create_index(op.f("ix_defect_triage_defect_id"), "defect_triage", ["defect_id"])


def downgrade() -> None:
    raise NotImplementedError("defects cannot be split back into per-execution rows")
