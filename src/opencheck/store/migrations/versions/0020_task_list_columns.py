"""The task list's filters and orders read from the tasks table alone (issue 11 load)

The latest execution's status and time and the latest result's gate verdict are copied onto
the task, so GET /v1/tasks filters, orders and counts through indexes of one table instead of
joining every task to two executions.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

# A filter's column first, then the list's default order: a page deep in a broad filter is
# read in order from the index, not sorted from every match.
INDEXES = {
    "ix_tasks_created_at_id": ["created_at", "id"],
    "ix_tasks_last_status": ["last_status", "created_at", "id"],
    "ix_tasks_result_review": ["result_review", "created_at", "id"],
    "ix_tasks_git_branch": ["git_branch", "created_at", "id"],
    "ix_tasks_last_executed_at_id": ["last_executed_at", "id"],
    "ix_tasks_last_result_execution_id": ["last_result_execution_id"],
}


def upgrade() -> None:
    # Plain ALTER TABLE on both databases: a batch copy of `tasks` on SQLite would drop the old
    # table, and with it (ON DELETE CASCADE) every execution.
    op.add_column("tasks", sa.Column("last_status", sa.String(length=16), nullable=True))
    op.add_column("tasks", sa.Column("last_executed_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("tasks", sa.Column("result_review", sa.String(length=16), nullable=True))
    op.execute(
        "UPDATE tasks SET"
        " last_status = (SELECT e.status FROM executions e WHERE e.id = tasks.last_execution_id),"
        " last_executed_at = (SELECT coalesce(e.started_at, e.created_at) FROM executions e"
        "  WHERE e.id = tasks.last_execution_id),"
        " result_review = (SELECT e.review_result FROM executions e"
        "  WHERE e.id = tasks.last_result_execution_id)"
    )
    for name, columns in INDEXES.items():
        op.create_index(name, "tasks", columns)


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="tasks")
    for column in ("result_review", "last_executed_at", "last_status"):
        op.drop_column("tasks", column)
