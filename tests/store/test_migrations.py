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
