"""Rule thresholds of rule sets and tasks

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30

`rule_set_options` holds a custom rule set's value of a rule threshold (ruff's max-complexity);
`task_check_parameters` a task's own value of a threshold of one of its rule sets, which wins
over the set's value. Absent rows mean the rule's default.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rule_set_options",
        sa.Column("ruleset_id", sa.String(length=32), nullable=False),
        sa.Column("rule_id", sa.String(length=128), nullable=False),
        sa.Column("option_key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ruleset_id"],
            ["rule_sets.id"],
            name=op.f("fk_rule_set_options_ruleset_id_rule_sets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "ruleset_id", "rule_id", "option_key", name=op.f("pk_rule_set_options")
        ),
    )
    op.create_table(
        "task_check_parameters",
        sa.Column("task_id", sa.String(length=32), nullable=False),
        sa.Column("ruleset_id", sa.String(length=32), nullable=False),
        sa.Column("cfg_key", sa.String(length=200), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["tasks.id"],
            name=op.f("fk_task_check_parameters_task_id_tasks"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ruleset_id"],
            ["rule_sets.id"],
            name=op.f("fk_task_check_parameters_ruleset_id_rule_sets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "task_id", "ruleset_id", "cfg_key", name=op.f("pk_task_check_parameters")
        ),
    )


def downgrade() -> None:
    op.drop_table("task_check_parameters")
    op.drop_table("rule_set_options")
