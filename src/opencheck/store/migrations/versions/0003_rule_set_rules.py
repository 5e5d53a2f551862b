"""Rules of custom rule sets, project default rule sets, rule-set creators

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("rule_sets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("creator_id", sa.String(length=32), nullable=True))

    op.create_table(
        "rule_set_rules",
        sa.Column("ruleset_id", sa.String(length=32), nullable=False),
        sa.Column("rule_id", sa.String(length=128), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("severity", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["ruleset_id"],
            ["rule_sets.id"],
            name=op.f("fk_rule_set_rules_ruleset_id_rule_sets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("ruleset_id", "rule_id", name=op.f("pk_rule_set_rules")),
    )
    op.create_table(
        "project_default_rule_sets",
        sa.Column("project_id", sa.String(length=32), nullable=False),
        sa.Column("language", sa.String(length=64), nullable=False),
        sa.Column("ruleset_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_project_default_rule_sets_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ruleset_id"],
            ["rule_sets.id"],
            name=op.f("fk_project_default_rule_sets_ruleset_id_rule_sets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "project_id", "language", name=op.f("pk_project_default_rule_sets")
        ),
    )
    with op.batch_alter_table("project_default_rule_sets", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_project_default_rule_sets_ruleset_id"), ["ruleset_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("project_default_rule_sets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_default_rule_sets_ruleset_id"))
    op.drop_table("project_default_rule_sets")
    op.drop_table("rule_set_rules")
    with op.batch_alter_table("rule_sets", schema=None) as batch_op:
        batch_op.drop_column("creator_id")
