"""Credentials out of repository URLs

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30

A user and password (or token) written inside an HTTP(S) repository URL was stored in plain
text and returned to every member of the project. They move into the task's encrypted
credentials (unless it has its own), and every stored URL keeps only its clean form.
"""

import json
from collections.abc import Callable

import sqlalchemy as sa
from alembic import context, op

from opencheck.engine.repo_urls import strip_userinfo

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_TASKS = sa.table(
    "tasks",
    sa.column("id", sa.String),
    sa.column("git_url", sa.String),
    sa.column("username_enc", sa.Text),
    sa.column("access_token_enc", sa.Text),
)
_TEMPLATES = sa.table(
    "config_templates", sa.column("id", sa.String), sa.column("repo_url", sa.String)
)
_EXECUTIONS = sa.table(
    "executions",
    sa.column("id", sa.String),
    sa.column("git_url", sa.String),
    sa.column("credentials_enc", sa.Text),
)


def _clean(url: str) -> tuple[str, str | None, str | None]:
    try:
        return strip_userinfo(url)
    except ValueError:
        return url, None, None


def _sealer() -> Callable[[str], str]:
    encrypt: Callable[[str], str] | None = context.config.attributes.get("encrypt")
    if encrypt is None:
        raise RuntimeError("run `opencheck db upgrade`: a repository URL holds credentials")
    return encrypt


def upgrade() -> None:
    bind = op.get_bind()
    for row in bind.execute(sa.select(_TASKS).where(_TASKS.c.git_url.like("%@%"))).all():
        clean, user, secret = _clean(row.git_url)
        if clean == row.git_url:
            continue
        values: dict[str, str] = {"git_url": clean}
        if (user or secret) and not row.access_token_enc:
            values["username_enc"] = _sealer()(user or "")
            values["access_token_enc"] = _sealer()(secret or "")
        bind.execute(sa.update(_TASKS).where(_TASKS.c.id == row.id).values(**values))
    query = sa.select(_EXECUTIONS).where(_EXECUTIONS.c.git_url.like("%@%"))
    for row in bind.execute(query).all():
        clean, user, secret = _clean(row.git_url)
        if clean == row.git_url:
            continue
        values = {"git_url": clean}
        if (user or secret) and not row.credentials_enc:
            pair = {"username": user or "", "secret": secret or ""}
            values["credentials_enc"] = _sealer()(json.dumps(pair))
        bind.execute(sa.update(_EXECUTIONS).where(_EXECUTIONS.c.id == row.id).values(**values))
    templates = sa.select(_TEMPLATES).where(_TEMPLATES.c.repo_url.like("%@%"))
    for row in bind.execute(templates).all():
        clean = _clean(row.repo_url)[0]
        if clean != row.repo_url:
            bind.execute(
                sa.update(_TEMPLATES).where(_TEMPLATES.c.id == row.id).values(repo_url=clean)
            )


def downgrade() -> None:
    """Nothing to undo: the secrets stay encrypted."""
