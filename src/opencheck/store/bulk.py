"""Inserting many rows fast on both databases, with SQL both accept."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy.orm import Session

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
    dialect = session.get_bind().dialect
    columns = tuple(columns)
    values = list(rows)
    for index, name in enumerate(columns):
        if (convert := table.c[name].type.bind_processor(dialect)) is not None:
            values = [(*v[:index], convert(v[index]), *v[index + 1 :]) for v in values]
    raw = session.connection().connection.driver_connection
    if dialect.name == "sqlite":
        cursor = raw.cursor()
        try:
            cursor.executemany(_statement(table.name, columns, 1, "?"), values)
        finally:
            cursor.close()
        return
    import psycopg  # only with PostgreSQL, whose driver it is

    with psycopg.RawCursor(raw) as pg:
        for start in range(0, len(values), ROWS_PER_STATEMENT):
            batch = values[start : start + ROWS_PER_STATEMENT]
            flat = [value for row in batch for value in row]
            pg.execute(_statement(table.name, columns, len(batch), "$"), flat)


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
    cursor = session.connection().connection.driver_connection.cursor()
    try:
        cursor.execute(sql, (value,))
        return list(cursor.fetchall())
    finally:
        cursor.close()


@lru_cache(maxsize=64)
def _statement(table: str, columns: tuple[str, ...], count: int, style: str) -> str:
    """`INSERT INTO "t" ("a", "b") VALUES ($1, $2), ($3, $4)` (or `(?, ?)`) for `count` rows."""
    width = len(columns)
    names = ", ".join(f'"{column}"' for column in columns)

    def mark(index: int) -> str:
        return "?" if style == "?" else f"${index + 1}"

    groups = (
        "(" + ", ".join(mark(row * width + i) for i in range(width)) + ")" for row in range(count)
    )
    return f'INSERT INTO "{table}" ({names}) VALUES {", ".join(groups)}'
