"""Replayed signatures and login backoff

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30

`used_signatures` remembers the signatures of state-changing requests during their validity
window, so that a captured request cannot be sent again; `login_failures` counts failed logins
per user name and per client address for the login backoff.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "used_signatures",
        sa.Column("signature", sa.String(64), primary_key=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_used_signatures_expires_at", "used_signatures", ["expires_at"])
    op.create_table(
        "login_failures",
        sa.Column("key", sa.String(300), primary_key=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("login_failures")
    op.drop_index("ix_used_signatures_expires_at", "used_signatures")
    op.drop_table("used_signatures")
