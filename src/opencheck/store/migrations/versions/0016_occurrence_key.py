"""Defect occurrences keyed by (execution, defect): no surrogate id and no second index on the
same pair, so storing a check inserts into two indexes instead of three.

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
