"""Test paths of a task

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30

Paths a task declares as test code, besides each language's conventions (comma-separated
prefixes or globs, like `exclude`).
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("config_templates") as batch:
        batch.add_column(sa.Column("test_paths", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("config_templates") as batch:
        batch.drop_column("test_paths")
