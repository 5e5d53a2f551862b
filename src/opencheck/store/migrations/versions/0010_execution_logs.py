"""Execution logs as rows

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30

Each message of an execution's log becomes an `execution_logs` row (time, level, text); the log
text of seed 004 is rendered from them. The lines of `executions.message` are moved into rows
and the column is dropped.
"""

import re
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_LINE = re.compile(r"^(\d{4}/\d\d/\d\d \d\d:\d\d:\d\d) GMT\+00:00 (.*)$")
_LEVEL = re.compile(r"^\[(ERROR|WARNING|INFO)\] ?")


def upgrade() -> None:
    executions = sa.table(
        "executions",
        sa.column("id", sa.String),
        sa.column("message", sa.Text),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    rows = []
    for execution_id, message, created in op.get_bind().execute(
        sa.select(executions.c.id, executions.c.message, executions.c.created_at)
    ):
        rows.extend(_rows(execution_id, message or "", created))
    # Before the log table exists: SQLite's batch mode drops and re-creates `executions`, and
    # the drop would cascade into rows that already pointed at it.
    with op.batch_alter_table("executions") as batch_op:
        batch_op.drop_column("message")
    logs = op.create_table(
        "execution_logs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("execution_id", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("level", sa.String(length=8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["execution_id"],
            ["executions.id"],
            name=op.f("fk_execution_logs_execution_id_executions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_execution_logs")),
    )
    op.create_index(
        op.f("ix_execution_logs_execution_id"), "execution_logs", ["execution_id"], unique=False
    )
    for start in range(0, len(rows), 5000):
        op.bulk_insert(logs, rows[start : start + 5000])


def _rows(execution_id: str, message: str, created: datetime | None) -> list[dict]:
    rows = []
    for line in message.splitlines():
        found = _LINE.match(line.strip())
        if not found:
            continue
        at = datetime.strptime(found.group(1), "%Y/%m/%d %H:%M:%S").replace(tzinfo=UTC)
        text = found.group(2)
        level = _LEVEL.match(text)
        rows.append({
            "execution_id": execution_id,
            "at": at if at else created,
            "level": level.group(1) if level else "INFO",
            "text": text[level.end():] if level else text,
        })  # fmt: skip
    return rows


def downgrade() -> None:
    with op.batch_alter_table("executions") as batch_op:
        batch_op.add_column(sa.Column("message", sa.Text(), nullable=False, server_default=""))
    op.drop_index(op.f("ix_execution_logs_execution_id"), table_name="execution_logs")
    op.drop_table("execution_logs")
