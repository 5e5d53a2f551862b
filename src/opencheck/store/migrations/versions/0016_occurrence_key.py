"""Defect occurrences keyed by (execution, defect), with no surrogate id, no second index on the
same pair, no index on the defect alone and no foreign keys: storing a check's 300,000 findings
inserts into one index instead of three and checks no key per row (store/models.py says why;
services.tasks.delete_task deletes a task's occurrences).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("defect_occurrences") as batch:
        batch.drop_constraint("fk_defect_occurrences_defect_id_task_defects", type_="foreignkey")
        batch.drop_constraint("fk_defect_occurrences_execution_id_executions", type_="foreignkey")
        batch.drop_index("ix_defect_occurrences_defect_id")
        batch.drop_constraint("uq_defect_occurrences_execution", type_="unique")
        batch.drop_constraint("pk_defect_occurrences", type_="primary")
        batch.drop_column("id")
        batch.create_primary_key("pk_defect_occurrences", ["execution_id", "defect_id"])


def downgrade() -> None:
    with op.batch_alter_table("defect_occurrences") as batch:
        batch.drop_constraint("pk_defect_occurrences", type_="primary")
        batch.add_column(sa.Column("id", sa.Integer(), autoincrement=True, nullable=True))
    # PostgreSQL numbers the rows from a sequence; SQLite's rowid does.
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE SEQUENCE defect_occurrences_id_seq OWNED BY defect_occurrences.id")
        op.execute(
            "ALTER TABLE defect_occurrences ALTER COLUMN id"
            " SET DEFAULT nextval('defect_occurrences_id_seq')"
        )
        op.execute("UPDATE defect_occurrences SET id = nextval('defect_occurrences_id_seq')")
    else:
        op.execute("UPDATE defect_occurrences SET id = rowid")
    with op.batch_alter_table("defect_occurrences") as batch:
        batch.alter_column("id", existing_type=sa.Integer(), nullable=False)
        batch.create_primary_key("pk_defect_occurrences", ["id"])
        batch.create_unique_constraint(
            "uq_defect_occurrences_execution", ["execution_id", "defect_id"]
        )
        batch.create_index("ix_defect_occurrences_defect_id", ["defect_id"])
        batch.create_foreign_key(
            "fk_defect_occurrences_defect_id_task_defects",
            "task_defects",
            ["defect_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch.create_foreign_key(
            "fk_defect_occurrences_execution_id_executions",
            "executions",
            ["execution_id"],
            ["id"],
            ondelete="CASCADE",
        )
