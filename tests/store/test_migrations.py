"""Alembic migrations build exactly the ORM schema on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select

from opencheck.domain.languages import SYSTEM_LANGUAGES
from opencheck.store import migrate
from opencheck.store.db import make_engine
from opencheck.store.models import Base, RuleSet
from tests.support import postgres_database


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'm.db'}"
    else:
        with postgres_database() as url:
            yield url


def test_upgrade_matches_models_and_is_idempotent(db_url: str, tmp_path: Path) -> None:
    engine = make_engine(db_url)
    try:
        migrate.upgrade(engine, tmp_path)
        migrate.upgrade(engine, tmp_path)  # a second run changes nothing
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
            assert diff == []
            systems = conn.execute(
                select(func.count()).select_from(RuleSet).where(RuleSet.is_system.is_(True))
            ).scalar()
        assert systems == len(SYSTEM_LANGUAGES)
    finally:
        engine.dispose()


def test_credentials_in_stored_urls_move_into_the_encrypted_ones(
    db_url: str, tmp_path: Path
) -> None:
    from alembic import command
    from sqlalchemy.orm import Session

    from opencheck.services.secrets import load_cipher
    from opencheck.store.models import ConfigTemplate, Execution, Project, Task, User

    engine = make_engine(db_url)
    cipher = load_cipher("", tmp_path)
    leaky = "https://robot:s3cret-token@git.example.com/team/repo.git"
    clean = "https://git.example.com/team/repo.git"
    try:
        with engine.begin() as conn:
            cfg = migrate.alembic_config(db_url)
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0006")
        with Session(engine) as s, s.begin():
            project, user = Project(name="p"), User(name="u", password_hash="x")
            s.add_all([project, user])
            s.flush()
            template = ConfigTemplate(project_id=project.id, name="t", repo_url=leaky,
                                      repo_type="GitPub", branch="main", creator="x",
                                      last_reviser="x", review_data={})  # fmt: skip
            s.add(template)
            s.flush()
            task = Task(project_id=project.id, template_id=template.id, name="t", git_url=leaky,
                        git_url_key="git.example.com/team/repo", git_branch="main",
                        creator_id=user.id)  # fmt: skip
            s.add(task)
            s.flush()
            s.add(Execution(task_id=task.id, job_type="full", status="success", executor="x",
                            git_url=leaky, git_branch="main"))  # fmt: skip
        migrate.upgrade(engine, tmp_path, cipher.encrypt)
        with Session(engine) as s:
            stored = s.scalars(select(Task)).one()
            assert stored.git_url == clean
            assert stored.username_enc and cipher.decrypt(stored.username_enc) == "robot"
            assert stored.access_token_enc
            assert cipher.decrypt(stored.access_token_enc) == "s3cret-token"
            assert s.scalars(select(ConfigTemplate.repo_url)).one() == clean
            execution = s.scalars(select(Execution)).one()
            assert execution.git_url == clean and execution.credentials_enc
            assert "s3cret-token" in cipher.decrypt(execution.credentials_enc)
    finally:
        engine.dispose()
