"""System default rule set per language

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Frozen copy: a migration must not change when the code's language list does.
LANGUAGES = (
    "ArkTS", "C#", "Cangjie", "C++", "CSS", "Go", "HTML", "Java", "JavaScript", "Kotlin",
    "Lua", "PHP", "Python", "Rust", "Scala", "Shell", "SQL", "Terraform", "TypeScript",
)  # fmt: skip
NAMESPACE = uuid.UUID("6b0c1f0e-4a8e-4f59-9a57-0c0de0c4ec00")


def system_rule_set_id(language: str) -> str:
    return uuid.uuid5(NAMESPACE, f"system-default:{language}").hex


def upgrade() -> None:
    table = sa.table(
        "rule_sets",
        sa.column("id", sa.String),
        sa.column("project_id", sa.String),
        sa.column("name", sa.String),
        sa.column("language", sa.String),
        sa.column("is_system", sa.Boolean),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    now = datetime(2026, 11, 24, tzinfo=UTC)
    op.bulk_insert(
        table,
        [
            {
                "id": system_rule_set_id(lang),
                "project_id": None,
                "name": f"{lang} default rule set",
                "language": lang,
                "is_system": True,
                "created_at": now,
            }
            for lang in LANGUAGES
        ],
    )


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM rule_sets WHERE is_system = :t").bindparams(t=True))
