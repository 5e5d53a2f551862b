"""Checked files of an execution with their code metrics

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_COUNTS = (
    "raw_lines",
    "functions",
    "complexity",
    "cca_complexity",
    "max_complexity",
    "max_cca_complexity",
    "huge_complexity",
    "huge_cca_complexity",
    "max_depth",
    "huge_depth",
    "method_lines",
    "huge_methods",
    "duplicated_lines",
    "duplicated_blocks",
)


def upgrade() -> None:
    op.create_table(
        "execution_files",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("execution_id", sa.String(length=32), nullable=False),
        sa.Column("path", sa.String(length=2048), nullable=False),
        sa.Column("language", sa.String(length=64), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in _COUNTS),
        sa.ForeignKeyConstraint(
            ["execution_id"],
            ["executions.id"],
            name=op.f("fk_execution_files_execution_id_executions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_execution_files")),
    )
    op.create_index(
        "ix_execution_files_execution_id", "execution_files", ["execution_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_execution_files_execution_id", table_name="execution_files")
    op.drop_table("execution_files")
