"""A project's task list read in order from an index (issue 11 load)

`project_id` alone made PostgreSQL fetch every task of the project from the heap and sort it
for each page; with the list's orders behind the project, a page is the first rows of an
index-only scan.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-01
"""

from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_tasks_project_created": ["project_id", "created_at", "id"],
    "ix_tasks_project_executed": ["project_id", "last_executed_at", "id"],
}


def upgrade() -> None:
    for name, columns in INDEXES.items():
        op.create_index(name, "tasks", columns)
    # Both new indexes lead with the project: the old one only cost writes.
    op.drop_index("ix_tasks_project_id", table_name="tasks")


def downgrade() -> None:
    op.create_index("ix_tasks_project_id", "tasks", ["project_id"])
    for name in INDEXES:
        op.drop_index(name, table_name="tasks")
