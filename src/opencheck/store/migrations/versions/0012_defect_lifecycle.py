"""Defect lifecycle: loose identity, expiring triage, incremental tasks, new-code gating

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30

- `task_defects.path` and `line_key` (engine/fingerprint.py, version 2): a defect whose strict
  fingerprint no longer matches (code edited beside it, the file renamed) is found again by its
  path and line key. Existing defects take both from the occurrence of their last execution, so
  the first check after the upgrade keeps their identity and triage although the fingerprint
  version changed. `status_until` ends an ignore, `delayed_until` a deferral.
- `defect_occurrences.detection`: new, unresolved or reopened in that execution.
- `executions.base_sha`: the commit an incremental execution was compared with.
- `tasks`: `task_type` (full or inc), the incremental settings (`parent_task_id`, source and
  target branch, merge id) and new-code gating (`gate_scope` full or new, `new_code_since`).
"""

import hashlib
import re
from collections import Counter

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

BATCH = 5000
# engine/fingerprint.py's rule, as of this revision: a trailing suppression comment is cut.
_MARKER_COMMENT = re.compile(
    r"(?:#|//|/\*|--|;)\s*(?:noqa|nosec|nosonar|nolint|opencheck-ignore|eslint-disable|"
    r"oxlint-disable|shellcheck\s+disable|cppcheck-suppress|flawfinder|luacheck|checkov:skip|"
    r"tfsec:ignore|trivy:ignore).*$",
    re.IGNORECASE,
)


def upgrade() -> None:
    with op.batch_alter_table("task_defects") as batch:
        batch.add_column(
            sa.Column("path", sa.String(length=2048), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("line_key", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("status_until", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("delayed_until", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("defect_occurrences") as batch:
        batch.add_column(
            sa.Column(
                "detection", sa.String(length=16), nullable=False, server_default="unresolved"
            )
        )
    with op.batch_alter_table("executions") as batch:
        batch.add_column(sa.Column("base_sha", sa.String(length=64), nullable=True))
    with op.batch_alter_table("tasks") as batch:
        batch.add_column(
            sa.Column("task_type", sa.String(length=8), nullable=False, server_default="full")
        )
        batch.add_column(sa.Column("parent_task_id", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("inc_source_branch", sa.String(length=512), nullable=True))
        batch.add_column(sa.Column("inc_target_branch", sa.String(length=512), nullable=True))
        batch.add_column(sa.Column("merge_id", sa.String(length=64), nullable=True))
        batch.add_column(
            sa.Column("gate_scope", sa.String(length=8), nullable=False, server_default="full")
        )
        batch.add_column(sa.Column("new_code_since", sa.String(length=64), nullable=True))
    op.execute(
        "UPDATE defect_occurrences SET detection = 'new' WHERE EXISTS (SELECT 1 FROM task_defects"
        " d WHERE d.id = defect_occurrences.defect_id"
        " AND d.first_seen_execution_id = defect_occurrences.execution_id)"
    )
    _fill_loose_identity()


def _fill_loose_identity() -> None:
    """Path and line key of every defect from its last occurrence, counted in file order among
    the defects of that execution (as the engine counts them)."""
    rows = (
        op.get_bind()
        .execute(
            sa.text(
                "SELECT d.id, d.last_seen_execution_id, d.rule_id, o.file_path, o.line, o.code_line"
                " FROM task_defects d JOIN defect_occurrences o ON o.defect_id = d.id"
                " AND o.execution_id = d.last_seen_execution_id"
            )
        )
        .all()
    )
    rows.sort(key=lambda row: (row[1], row[3], row[4], row[0]))
    seen: Counter[tuple[str, str, str, str]] = Counter()
    values = []
    for defect_id, execution_id, rule_id, path, _line, code_line in rows:
        stripped = "".join(_MARKER_COMMENT.sub("", (code_line or "")[:500]).split())
        key = (execution_id, path, rule_id, stripped)
        digest = hashlib.sha256(
            "\0".join((rule_id, stripped, str(seen[key]))).encode("utf-8", "surrogateescape")
        ).hexdigest()
        seen[key] += 1
        values.append({"defect_id": defect_id, "path": path, "line_key": digest})
    statement = sa.text(
        "UPDATE task_defects SET path = :path, line_key = :line_key WHERE id = :defect_id"
    )
    for start in range(0, len(values), BATCH):
        op.get_bind().execute(statement, values[start : start + BATCH])


def downgrade() -> None:
    with op.batch_alter_table("tasks") as batch:
        for column in ("new_code_since", "gate_scope", "merge_id", "inc_target_branch",
                       "inc_source_branch", "parent_task_id", "task_type"):  # fmt: skip
            batch.drop_column(column)
    with op.batch_alter_table("executions") as batch:
        batch.drop_column("base_sha")
    with op.batch_alter_table("defect_occurrences") as batch:
        batch.drop_column("detection")
    with op.batch_alter_table("task_defects") as batch:
        for column in ("delayed_until", "status_until", "line_key", "path"):
            batch.drop_column(column)
