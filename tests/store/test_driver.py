"""Reads sent straight to the driver: the rows SQLAlchemy gives, and its errors, on both
databases."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import psycopg
import pytest
from sqlalchemy import Column, Engine, Integer, MetaData, String, Table, bindparam, select
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session

from opencheck.store import driver
from opencheck.store.bulk import insert_rows
from opencheck.store.db import UNREACHABLE, make_engine, reading
from opencheck.store.models import Project
from opencheck.store.models.base import UTCDateTime
from tests.store.test_migrations import db_url  # noqa: F401  (the fixture)
from tests.support import postgres_database

METADATA = MetaData()
ITEMS = Table(
    "items",
    METADATA,
    Column("id", String(8), primary_key=True),
    Column("kind", String(8)),
    Column("size", Integer),
    Column("seen_at", UTCDateTime()),
)
SEEN = datetime(2026, 12, 1, 20, 5, 3, 123456, tzinfo=UTC)
BY_IDS = (
    select(ITEMS.c.id, ITEMS.c.size)
    .where(ITEMS.c.id.in_(bindparam("ids", expanding=True)))
    .where(ITEMS.c.kind.in_(("a", "b")))  # a list the statement holds itself
    .where(ITEMS.c.size >= bindparam("least"))
    .order_by(ITEMS.c.id)
)
WITH_TIMES = select(ITEMS.c.id, ITEMS.c.seen_at).where(ITEMS.c.kind == bindparam("kind"))


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:  # noqa: F811
    engine = make_engine(db_url)
    METADATA.create_all(engine)
    with engine.begin() as conn:
        conn.execute(
            ITEMS.insert(),
            [{"id": f"i{n}", "kind": "abc"[n % 3], "size": n, "seen_at": SEEN} for n in range(30)],
        )
    yield engine
    engine.dispose()


def test_rows_are_what_sqlalchemy_reads(engine: Engine) -> None:
    with reading(engine) as session:
        conn = session.connection()
        for ids, least in ((["i1", "i2", "i4"], 0), (["i3"], 2), ([f"i{n}" for n in range(30)], 5),
                           (["i4", "i1", "i2"], 2), ([], 0)):  # fmt: skip
            values = {"ids": ids, "least": least}
            expected = [tuple(row) for row in conn.execute(BY_IDS, values).all()]
            assert [tuple(row) for row in driver.rows(conn, BY_IDS, values)] == expected
        # Datetimes: as the column type reads them (psycopg's own on PostgreSQL; SQLite's text
        # needs the type's conversion, so SQLAlchemy reads it there).
        found = driver.rows(conn, WITH_TIMES, {"kind": "c"})
        assert sorted(found) == sorted(tuple(r) for r in conn.execute(WITH_TIMES, {"kind": "c"}))
        assert {row[1] for row in found} == {SEEN}


def test_statements_the_dialect_converts_go_through_sqlalchemy(engine: Engine) -> None:
    with reading(engine) as session:
        conn = session.connection()
        driver.rows(conn, BY_IDS, {"ids": ["i1"], "least": 0})
        driver.rows(conn, WITH_TIMES, {"kind": "a"})
    plans = {k[0]: v for k, v in driver._plans.items() if k[1] == engine.dialect.name}
    assert plans[BY_IDS] is not None
    # SQLite keeps datetimes as text; PostgreSQL's driver reads them as the type does.
    assert (plans[WITH_TIMES] is None) == (engine.dialect.name == "sqlite")


def test_an_error_is_sqlalchemys(engine: Engine) -> None:
    with reading(engine) as session:
        conn = session.connection()
        sql = "SELECT nothing FROM nowhere"
        with pytest.raises(sa_exc.DBAPIError) as raised, driver.cursor(conn, sql) as driven:
            driven.execute(sql)
        assert isinstance(raised.value.orig, engine.dialect.loaded_dbapi.Error)


@pytest.fixture
def pg_engine() -> Iterator[Engine]:
    """PostgreSQL, whose server can end a connection under the client."""
    with postgres_database() as url:
        engine = make_engine(url)
        METADATA.create_all(engine)
        Project.__table__.create(engine)
        yield engine
        engine.dispose()


def _end_backend(engine: Engine, session: Session) -> None:
    pid = session.connection().connection.driver_connection.info.backend_pid  # type: ignore[union-attr]
    dsn = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))


def test_a_dropped_connection_is_an_outage_and_leaves_the_pool(pg_engine: Engine) -> None:
    with reading(pg_engine) as session:
        conn = session.connection()
        driver.rows(conn, BY_IDS, {"ids": ["i1"], "least": 0})
        _end_backend(pg_engine, session)
        with pytest.raises(UNREACHABLE):
            driver.rows(conn, BY_IDS, {"ids": ["i1"], "least": 0})
        assert conn.invalidated
    with reading(pg_engine) as session:  # the next checkout gets a live connection
        assert driver.rows(session.connection(), BY_IDS, {"ids": [], "least": 0}) == []


def test_a_bulk_insert_cut_off_is_an_outage(pg_engine: Engine) -> None:
    with Session(pg_engine) as session:
        session.connection()
        _end_backend(pg_engine, session)
        with pytest.raises(UNREACHABLE):  # psycopg's own error escaped every retry before
            insert_rows(session, Project, ("id", "name", "created_at"), [("p" * 32, "x", SEEN)])
