"""A task's defect's last sighting is its latest occurrence

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30

`task_defects.last_seen_execution_id` and `last_seen_at` were rewritten for every defect at
every check (300,000 rows per execution of a large task); where a defect was last seen is its
latest `defect_occurrences` row, so both columns are dropped.
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("task_defects") as batch:
        batch.drop_column("last_seen_execution_id")
        batch.drop_column("last_seen_at")


def downgrade() -> None:
    with op.batch_alter_table("task_defects") as batch:
        batch.add_column(sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("last_seen_execution_id", sa.String(length=32), nullable=True))
