"""A task name search reads a narrow index instead of the table (issue 11 load)

A substring search tests every task's folded name. With the columns the search then orders,
pages and filters by behind the name, PostgreSQL reads them from this index alone (an
index-only scan of about a quarter of the table's pages): 20 ms became 9.5 ms over 50,000 tasks.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-01
"""

from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

COLUMNS = ["name_folded", "created_at", "last_executed_at", "project_id", "id"]


def upgrade() -> None:
    op.create_index("ix_tasks_name_search", "tasks", COLUMNS)


def downgrade() -> None:
    op.drop_index("ix_tasks_name_search", table_name="tasks")
