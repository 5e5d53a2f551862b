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
        raw = conn.connection.dbapi_connection
        invalidated = conn.dialect.is_disconnect(error, raw, None)
        if invalidated and not conn.invalidated:
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


@dataclass(frozen=True)
class _Plan:
    """A statement compiled for one dialect and one length of each list parameter."""

    sql: str
    own_values: Mapping[str, Any]  # values the statement binds itself (literals)
    expansion: Mapping[str, Sequence[str]]  # a list parameter's name → its items' names
    order: tuple[str, ...] | None  # positional drivers (sqlite3): names in placeholder order


_plans: dict[tuple[Any, ...], _Plan | None] = {}


def rows(conn: Connection, statement: Select[Any], values: Mapping[str, Any]) -> Sequence[Any]:
    """The rows of `statement` with `values`, as `conn.execute(...).all()` gives them (tuples
    here). Statements whose values or columns the dialect converts go through SQLAlchemy."""
    lengths = tuple(len(v) for v in values.values() if isinstance(v, list | tuple))
    key = (statement, conn.dialect.name, lengths)
    plan = _plans.get(key, _plans)
    if plan is _plans:
        if len(_plans) >= PLANS_KEPT:
            _plans.clear()
        plan = _plans[key] = _plan(statement, conn.dialect, values)
    if plan is None:
        return conn.execute(statement, values).all()
    assert isinstance(plan, _Plan)
    parameters = dict(plan.own_values)
    for name, value in values.items():
        names = plan.expansion.get(name)
        if names is None:
            parameters[name] = value
        else:
            parameters.update(zip(names, value, strict=True))
    sent: Any = parameters if plan.order is None else [parameters[n] for n in plan.order]
    with driver_errors(conn, plan.sql):
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(plan.sql, sent)
            return cursor.fetchall()
        finally:
            cursor.close()


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
