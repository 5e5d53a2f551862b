"""Each execution keeps how many of its defects are ignored and how many deferred (issue 11 load)

The task list showed both (`dismissed`, `DELAYSTATUS_COUNT`) by counting the occurrences of
every execution on the page at each request: a statement and an aggregation per request. They
are now counters of the execution beside the others, written where the others are
(services.execution_counts.derive, on storing a result and on every triage), and filled here
from the defects as they stand.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None

IGNORED, UNRESOLVED = 2, 0  # domain.defects.DefectStatus when this was written
_OCCURRENCES = (
    "SELECT count(*) FROM defect_occurrences o JOIN task_defects d ON d.id = o.defect_id "
    "WHERE o.execution_id = executions.id AND "
)


def upgrade() -> None:
    with op.batch_alter_table("executions") as batch:
        for column in ("dismissed_count", "delayed_count"):
            batch.add_column(sa.Column(column, sa.Integer(), nullable=False, server_default="0"))
    # An occurrence suppressed in the code is ignored whatever its defect's status.
    op.execute(
        f"UPDATE executions SET "
        f"dismissed_count = ({_OCCURRENCES}(o.suppression IS NOT NULL OR d.status = {IGNORED})), "
        f"delayed_count = ({_OCCURRENCES}o.suppression IS NULL AND d.status = {UNRESOLVED} "
        f"AND d.delayed_until IS NOT NULL) "
        f"WHERE EXISTS (SELECT 1 FROM defect_occurrences o WHERE o.execution_id = executions.id)"
    )


def downgrade() -> None:
    with op.batch_alter_table("executions") as batch:
        for column in ("delayed_count", "dismissed_count"):
            batch.drop_column(column)
