"""Statements sent straight to the driver (psycopg, sqlite3), past SQLAlchemy's execution.

For a small, hot read SQLAlchemy's per-execution work (an execution context, parameter
processing, a result that reads the cursor's description: 73 column objects for the task
list's page) costs the API more CPU than the read costs the database. What that work does that
matters is kept here: a driver error is raised as SQLAlchemy's own, so `db.UNREACHABLE` knows an
outage, and a dropped connection is invalidated rather than returned to the pool.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Select
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Dialect

PLANS_KEPT = 2048  # statements × dialects × lengths of their lists; cleared when full


@contextmanager
def driver_errors(conn: Connection, statement: str) -> Iterator[None]:
    """Raise the driver's errors inside the block as SQLAlchemy raises them for `conn`."""
    dbapi_error = conn.dialect.loaded_dbapi.Error
    try:
        yield
    except dbapi_error as error:
        was_invalid = conn.invalidated
        invalidated = was_invalid or conn.dialect.is_disconnect(
            error, conn.connection.dbapi_connection, None
        )
        if invalidated and not was_invalid:
            conn.invalidate(error)
        raise sa_exc.DBAPIError.instance(
            statement,
            None,
            error,
            dbapi_error,
            hide_parameters=True,
            connection_invalidated=invalidated,
            dialect=conn.dialect,
        ) from error


@contextmanager
def cursor(conn: Connection, statement: str) -> Iterator[Any]:
    """A driver cursor on `conn`'s connection, closed after the block; its errors are raised
    as SQLAlchemy's (`driver_errors`)."""
    with driver_errors(conn, statement):
        raw = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            yield raw
        finally:
            raw.close()


@dataclass(frozen=True)
class _Plan:
    """A statement compiled for one dialect and one length of each list parameter."""

    sql: str
    own_values: Mapping[str, Any]  # values the statement binds itself (literals)
    expansion: Mapping[str, Sequence[str]]  # a list parameter's name → its items' names
    order: tuple[str, ...] | None  # positional drivers (sqlite3): names in placeholder order


_plans: dict[tuple[Any, ...], _Plan | None] = {}
_UNPLANNED = object()


def rows(conn: Connection, statement: Select[Any], values: Mapping[str, Any]) -> Sequence[Any]:
    """The rows of `statement` with `values`, as `conn.execute(...).all()` gives them (tuples
    here). Statements whose values or columns the dialect converts go through SQLAlchemy."""
    # The names given, and each list's length: a plan holds the SQL text for those.
    given = tuple((k, len(v) if isinstance(v, list | tuple) else -1) for k, v in values.items())
    key = (statement, conn.dialect.name, given)
    plan = _plans.get(key, _UNPLANNED)
    if plan is _UNPLANNED:
        if len(_plans) >= PLANS_KEPT:
            _plans.clear()
        plan = _plans[key] = _plan(statement, conn.dialect, values)
    if not isinstance(plan, _Plan):
        return conn.execute(statement, values).all()
    parameters = dict(plan.own_values)
    for name, value in values.items():
        names = plan.expansion.get(name)
        if names is None:
            parameters[name] = value
        else:
            parameters.update(zip(names, value, strict=True))
    sent: Any = parameters if plan.order is None else [parameters[n] for n in plan.order]
    with cursor(conn, plan.sql) as driven:
        driven.execute(plan.sql, sent)
        return driven.fetchall()


def _plan(statement: Select[Any], dialect: Dialect, values: Mapping[str, Any]) -> _Plan | None:
    """How to send `statement` to the driver, or None when SQLAlchemy must: a value or a column
    its type converts on this dialect, or a value rendered into the SQL text."""
    compiled = statement.compile(dialect=dialect)
    binds = compiled.binds.values()
    if any(b.literal_execute or _converts_bind(b.type, dialect) for b in binds):
        return None
    if any(_converts_result(c.type, dialect) for c in statement.selected_columns):
        return None
    state = compiled.construct_expanded_state(dict(values))
    # The caller's lists are expanded per call; lists the statement holds itself (`in_` of
    # literal values) are part of its own values, like any literal.
    expansion = {n: names for n, names in state.parameter_expansion.items() if n in values}
    callers = set(values).union(*expansion.values())
    own = {name: value for name, value in state.parameters.items() if name not in callers}
    order = tuple(state.positiontup) if compiled.positional and state.positiontup else None
    return _Plan(state.statement, own, expansion, order)


def _converts_bind(type_: Any, dialect: Dialect) -> bool:
    return type_.dialect_impl(dialect).bind_processor(dialect) is not None


def _converts_result(type_: Any, dialect: Dialect) -> bool:
    return type_.dialect_impl(dialect).result_processor(dialect, None) is not None
