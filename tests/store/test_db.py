"""PostgreSQL sessions: the pool replaces connections the server closed without a query per
checkout, and reading sessions send no transaction of their own."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa
from sqlalchemy import Engine, text

from opencheck.store.db import make_engine, make_session_factory, reading, unit_of_work
from opencheck.store.models import UTCDateTime
from tests.support import postgres_database


@pytest.fixture
def pg_url() -> Iterator[str]:
    with postgres_database() as url:
        yield url


def _backend_pid(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())


def _terminate(url: str, pid: int) -> None:
    """End backend `pid` and wait until it is gone (its socket then reads as closed)."""
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        for _ in range(1000):
            gone = admin.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", (pid,))
            if gone.fetchone() == (0,):
                return
            time.sleep(0.01)
    pytest.fail(f"backend {pid} did not end")


def test_a_healthy_idle_connection_is_reused(pg_url: str) -> None:
    engine = make_engine(pg_url)
    try:
        assert _backend_pid(engine) == _backend_pid(engine)
    finally:
        engine.dispose()


def test_a_connection_the_server_ended_is_replaced_before_use(pg_url: str) -> None:
    engine = make_engine(pg_url)
    plain = sa.create_engine(pg_url, pool_size=1)  # no check on checkout, no pre-ping
    try:
        ended = _backend_pid(engine)
        _terminate(pg_url, ended)
        _terminate(pg_url, _backend_pid(plain))
        # What the check spares the first caller:
        with pytest.raises(sa.exc.OperationalError), plain.connect() as conn:
            conn.execute(text("SELECT 1"))
        assert _backend_pid(engine) != ended  # the first checkout after the end already works
    finally:
        engine.dispose()
        plain.dispose()


def test_a_reading_session_sends_no_transaction_of_its_own(pg_url: str) -> None:
    engine = make_engine(pg_url)
    try:
        with reading(engine) as session:
            first, second = (session.scalar(text("SELECT txid_current()")) for _ in range(2))
        assert first != second  # each statement is its own transaction: no BEGIN, no COMMIT
        with unit_of_work(make_session_factory(engine)) as session:
            first, second = (session.scalar(text("SELECT txid_current()")) for _ in range(2))
        assert first == second
    finally:
        engine.dispose()


@pytest.mark.parametrize("zone", ["UTC", "Asia/Shanghai"])
def test_utc_datetimes_read_back_aware_and_equal(pg_url: str, zone: str, tmp_path: Path) -> None:
    # On PostgreSQL the type leaves the values to psycopg (timestamptz reads aware in the
    # session's zone); SQLite drops tzinfo and the type puts UTC back.
    table = sa.Table("stamps", sa.MetaData(), sa.Column("at", UTCDateTime))
    at = datetime(2026, 12, 1, 13, 5, 7, 250, tzinfo=UTC)
    for url in (pg_url, f"sqlite:///{tmp_path / 'stamps.db'}"):
        engine = make_engine(url)
        try:
            table.create(engine)
            with engine.begin() as conn:
                conn.execute(table.insert(), {"at": at})
            with engine.connect() as conn:
                if engine.dialect.name == "postgresql":
                    conn.exec_driver_sql(f"SET TIME ZONE '{zone}'")
                read = conn.execute(sa.select(table.c.at)).scalar_one()
            assert read.tzinfo is not None and read == at, url
            assert read.astimezone(UTC).isoformat() == at.isoformat(), url
        finally:
            engine.dispose()
