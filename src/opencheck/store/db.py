"""Database engine and sessions for SQLite (embedded) and PostgreSQL (production)."""

from __future__ import annotations

import select
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session, sessionmaker

# The database is down, restarting, unreachable or out of connections (or, rarely, a deadlock
# or a serialization failure): the same work may be tried again. Nothing was written, except
# when the connection dropped during COMMIT: then the commit may have landed, and a retry must
# find out (services.check_observer, checks._stored_by).
UNREACHABLE: tuple[type[Exception], ...] = (
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
    sa_exc.TimeoutError,
)


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets WAL, a busy timeout and enforced foreign keys."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # A database that is away answers quickly with an error (a 503, a retry), never a hang.
    engine = create_engine(
        url,
        pool_size=10,
        max_overflow=10,
        pool_timeout=10,
        connect_args={"connect_timeout": 5},
    )
    event.listen(engine, "checkout", _discard_if_closed_by_server)
    return engine


def _discard_if_closed_by_server(dbapi_conn: Any, _record: Any, _proxy: Any) -> None:
    """Replace a pooled connection the server has closed, without a round trip.

    An idle PostgreSQL connection has nothing to read unless the server ended it (restart,
    terminated backend, a cut network path): then its socket reads as ready (the goodbye and
    EOF). Checking that costs a poll where `pool_pre_ping` costs a query per checkout; the pool
    retries the checkout with a fresh connection. A path that died without a word is found by
    the first query instead, which fails as unreachable (a 503) and invalidates the pool.
    """
    if dbapi_conn.closed or dbapi_conn.broken:
        raise sa_exc.DisconnectionError("connection closed")
    poller = select.poll()  # not select(): descriptors above 1023 are legal here
    try:
        poller.register(dbapi_conn.fileno(), select.POLLIN)
        ready = poller.poll(0)
    except (OSError, ValueError) as exc:
        raise sa_exc.DisconnectionError("connection socket unusable") from exc
    if ready:
        raise sa_exc.DisconnectionError("the server closed the connection")


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def reading(engine: Engine) -> Iterator[Session]:
    """A session that only reads, in autocommit: no BEGIN and COMMIT round trips.

    Each statement sees what was committed when it started, which is all a READ COMMITTED
    transaction gives its statements too; a block that writes must use `unit_of_work`.
    """
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT")
        with Session(bind=conn, expire_on_commit=False) as session:
            yield session


@contextmanager
def unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One transaction: commit when the block succeeds, roll back when it raises."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
