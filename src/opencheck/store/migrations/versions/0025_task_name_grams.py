"""The three-character pieces of every task's folded name (issue 11 load)

A substring search of the task list tested every name: over 50,000 tasks it was most of the
list's database time. Each name's pieces are kept beside it, so that a search reads the tasks
of its rarest piece (services.task_search). A plain table with a composite key, the same on
SQLite and PostgreSQL.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

BATCH = 1000
GRAM = 3  # services.task_search.GRAM when this was written


def upgrade() -> None:
    op.create_table(
        "task_name_grams",
        sa.Column("gram", sa.String(length=16), nullable=False),
        sa.Column("task_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["task_id"], ["tasks.id"], name="fk_task_name_grams_task_id_tasks", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("gram", "task_id", name="pk_task_name_grams"),
    )
    op.create_index("ix_task_name_grams_task_id", "task_name_grams", ["task_id"])
    tasks = sa.table("tasks", sa.column("id", sa.String), sa.column("name_folded", sa.String))
    grams = sa.table(
        "task_name_grams", sa.column("gram", sa.String), sa.column("task_id", sa.String)
    )
    conn = op.get_bind()
    last = ""
    while True:  # by id, a batch at a time: the table may be large
        batch = conn.execute(
            sa.select(tasks.c.id, tasks.c.name_folded)
            .where(tasks.c.id > last)
            .order_by(tasks.c.id)
            .limit(BATCH)
        ).all()
        if not batch:
            return
        rows = [
            {"gram": gram, "task_id": task_id}
            for task_id, folded in batch
            for gram in {folded[i : i + GRAM] for i in range(len(folded) - GRAM + 1)}
        ]
        if rows:
            conn.execute(sa.insert(grams), rows)
        last = batch[-1][0]


def downgrade() -> None:
    op.drop_index("ix_task_name_grams_task_id", table_name="task_name_grams")
    op.drop_table("task_name_grams")
