"""Inserting many rows fast on both databases, with SQL both accept."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy.orm import Session

from opencheck.store.driver import cursor, driver_errors

# Rows per multi-row INSERT on PostgreSQL: 500 rows of a dozen columns stay far under its
# limit of 65,535 bound parameters.
ROWS_PER_STATEMENT = 500


def insert_rows(
    session: Session, model: Any, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """Insert `rows` (tuples of the `columns`' values) into `model`'s table, in the session's
    transaction.

    SQLAlchemy's per-row parameter handling cost more than the databases' work (300,000 rows:
    3 s of 4 on SQLite; on PostgreSQL psycopg's executemany sends a statement per row, 8 s),
    so values go through the columns' own bind processors once and then straight to the
    driver: SQLite's executemany (a loop in C), PostgreSQL's standard multi-row
    `INSERT ... VALUES (...), (...)` on a raw cursor, its text built once per shape.
    """
    if not rows:
        return
    table = model.__table__
    columns = tuple(columns)
    values = _converted(session, model, columns, rows)
    names = ", ".join(f'"{column}"' for column in columns)
    _send(session, f'INSERT INTO "{table.name}" ({names}) VALUES ', len(columns), values)


def update_rows(
    session: Session,
    model: Any,
    key: str,
    columns: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
) -> None:
    """Set `columns` of the rows of `model`'s table whose `key` column is each row's first value
    (rows: the key's value, then the `columns`' values), in the session's transaction.

    On PostgreSQL one standard `UPDATE ... FROM (VALUES ...)` per batch (SQLite accepts it as
    well, and names the VALUES columns column1, column2, ... alike) instead of a statement per
    row: 15,000 single-row UPDATEs cost it half a second. SQLite keeps its executemany, a loop
    in C that is faster than its planning a join with the VALUES list.
    """
    if not rows:
        return
    table = model.__table__
    values = _converted(session, model, (key, *columns), rows)
    name, where = f'"{table.name}"', f'"{table.c[key].name}"'
    if session.get_bind().dialect.name == "sqlite":
        sets = ", ".join(f'"{column}" = ?' for column in columns)
        moved = [(*row[1:], row[0]) for row in values]
        sql = f"UPDATE {name} SET {sets} WHERE {where} = ?"
        with cursor(session.connection(), sql) as driven:
            driven.executemany(sql, moved)
        return
    sets = ", ".join(f'"{column}" = v.column{i + 2}' for i, column in enumerate(columns))
    head = f"UPDATE {name} SET {sets} FROM (VALUES "
    _send(session, head, len(columns) + 1, values, f") AS v WHERE {name}.{where} = v.column1")


def _converted(
    session: Session, model: Any, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> list[tuple[Any, ...]]:
    """The rows with each value through its column type's bind processor, as the ORM would."""
    table = model.__table__
    dialect = session.get_bind().dialect
    values = list(rows)
    for index, name in enumerate(columns):
        if (convert := table.c[name].type.bind_processor(dialect)) is not None:
            values = [(*v[:index], convert(v[index]), *v[index + 1 :]) for v in values]
    return values


def _send(
    session: Session, head: str, width: int, values: list[tuple[Any, ...]], tail: str = ""
) -> None:
    """Run `head VALUES-list tail` for the rows: on SQLite with executemany, a row at a time;
    on PostgreSQL in batches of multi-row VALUES lists, pipelined: psycopg converts the next
    batch's values while the server stores the last one (a quarter less time for 300,000 rows
    than waiting for each)."""
    conn = session.connection()
    if session.get_bind().dialect.name == "sqlite":
        sql = head + _values(width, 1, "?") + tail
        with cursor(conn, sql) as driven:
            driven.executemany(sql, values)
        return
    import psycopg  # only with PostgreSQL, whose driver it is

    raw: Any = conn.connection.driver_connection
    with driver_errors(conn, head + "..." + tail), raw.pipeline(), psycopg.RawCursor(raw) as pg:
        for start in range(0, len(values), ROWS_PER_STATEMENT):
            batch = values[start : start + ROWS_PER_STATEMENT]
            flat = [value for row in batch for value in row]
            pg.execute(head + _values(width, len(batch), "$") + tail, flat)


def select_rows(
    session: Session, model: Any, columns: Sequence[str], where: str, value: object
) -> list[tuple[Any, ...]]:
    """`columns` of `model`'s rows whose `where` column equals `value`, as the driver returns
    them (strings and numbers as stored: no column type conversions): SQLAlchemy's result rows
    took a second more over 300,000 rows than the driver's tuples."""
    table = model.__table__
    names = ", ".join(f'"{table.c[column].name}"' for column in columns)
    dialect = session.get_bind().dialect
    mark = "?" if dialect.name == "sqlite" else "%s"
    sql = f'SELECT {names} FROM "{table.name}" WHERE "{table.c[where].name}" = {mark}'
    with cursor(session.connection(), sql) as driven:
        driven.execute(sql, (value,))
        return list(driven.fetchall())


@lru_cache(maxsize=64)
def _values(width: int, count: int, style: str) -> str:
    """`($1, $2), ($3, $4)` (or `(?, ?)`) for `count` rows of `width` values."""

    def mark(index: int) -> str:
        return "?" if style == "?" else f"${index + 1}"

    groups = (
        "(" + ", ".join(mark(row * width + i) for i in range(width)) + ")" for row in range(count)
    )
    return ", ".join(groups)
