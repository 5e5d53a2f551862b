"""File roles and unchecked files; suppressed and hotspot defects

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30

Every listed file of an execution gets its code role (main, test, generated, vendored,
bundled), its code lines, and the reason no analyser checked it (NULL when checked). A defect
gets the reason it was suppressed in the code (NULL when not) and whether it is a security
hotspot to review rather than a proven vulnerability.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("execution_files") as batch:
        batch.add_column(
            sa.Column("role", sa.String(length=16), nullable=False, server_default="main")
        )
        batch.add_column(sa.Column("code_lines", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("unchecked_reason", sa.String(length=255), nullable=True))
    with op.batch_alter_table("defects") as batch:
        batch.add_column(sa.Column("suppression", sa.Text(), nullable=True))
        batch.add_column(
            sa.Column("hotspot", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("defects") as batch:
        batch.drop_column("hotspot")
        batch.drop_column("suppression")
    with op.batch_alter_table("execution_files") as batch:
        batch.drop_column("unchecked_reason")
        batch.drop_column("code_lines")
        batch.drop_column("role")
