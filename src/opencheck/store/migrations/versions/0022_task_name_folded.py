"""The task name lower-cased beside it, for the task list's substring search (issue 11 load)

`name ILIKE '%x%'` folds every name on every search; a plain LIKE over names folded once when
they are written reads the same rows three times faster on PostgreSQL. Python folds them (here
and in the model), so non-ASCII names fold alike on SQLite, whose lower() knows only ASCII.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

BATCH = 1000


def upgrade() -> None:
    op.add_column(
        "tasks", sa.Column("name_folded", sa.String(length=1024), server_default="", nullable=False)
    )
    tasks = sa.table("tasks", sa.column("id", sa.String), sa.column("name", sa.String),
                     sa.column("name_folded", sa.String))  # fmt: skip
    conn = op.get_bind()
    fold = (
        sa.update(tasks)
        .where(tasks.c.id == sa.bindparam("task_id"))
        .values(name_folded=sa.bindparam("folded"))
    )
    last = ""
    while True:  # by id, a batch at a time: the table may be large
        batch = conn.execute(
            sa.select(tasks.c.id, tasks.c.name)
            .where(tasks.c.id > last)
            .order_by(tasks.c.id)
            .limit(BATCH)
        ).all()
        if not batch:
            return
        conn.execute(fold, [{"task_id": i, "folded": name.lower()} for i, name in batch])
        last = batch[-1][0]


def downgrade() -> None:
    op.drop_column("tasks", "name_folded")
