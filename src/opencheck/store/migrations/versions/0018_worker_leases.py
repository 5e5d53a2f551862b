"""Agent pools, worker leases and the workers table (issue 11)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("executions") as batch:
        batch.add_column(
            sa.Column("pool", sa.String(length=128), nullable=False, server_default="default")
        )
        batch.add_column(
            sa.Column("worker", sa.String(length=255), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("arch", sa.String(length=16), nullable=False, server_default=""))
        batch.add_column(sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch.create_index("ix_executions_status_pool", ["status", "pool"])
    # Executions queued before this migration run in their task's pool.
    op.execute(
        "UPDATE executions SET pool = (SELECT CASE WHEN t.resource_pool_id = '' THEN 'default' "
        "ELSE t.resource_pool_id END FROM tasks k JOIN config_templates t "
        "ON t.id = k.template_id WHERE k.id = executions.task_id) "
        "WHERE status IN ('quering', 'running')"
    )
    op.create_table(
        "workers",
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("pool", sa.String(length=128), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("arch", sa.String(length=16), nullable=False),
        sa.Column("concurrency", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_workers")),
    )
    op.create_index(op.f("ix_workers_pool"), "workers", ["pool"])


def downgrade() -> None:
    op.drop_index(op.f("ix_workers_pool"), table_name="workers")
    op.drop_table("workers")
    with op.batch_alter_table("executions") as batch:
        batch.drop_index("ix_executions_status_pool")
        for column in ("attempts", "lease_until", "arch", "worker", "pool"):
            batch.drop_column(column)
