"""Guessing a script's SQL dialect from constructs only that dialect has."""

from __future__ import annotations

import pytest

from opencheck.engine.sql_dialects import guess_dialect


@pytest.mark.parametrize(
    ("text", "dialect"),
    [
        (b"SELECT id FROM users WHERE name = 'a';\n", "ansi"),
        (b"CREATE TABLE t (id SERIAL PRIMARY KEY, doc JSONB);\n", "postgres"),
        (b"SELECT x::int FROM t WHERE name ILIKE 'a%';\n", "postgres"),
        (b"CREATE FUNCTION f() RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql;\n", "postgres"),
        (b"CREATE TABLE `t` (`id` INT AUTO_INCREMENT) ENGINE=InnoDB;\n", "mysql"),
        (b"SELECT TOP 10 * FROM [dbo].[users];\nGO\n", "tsql"),
        (b"DECLARE @n NVARCHAR(10);\n", "tsql"),
        (b"CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT) WITHOUT ROWID;\n", "sqlite"),
        (b"-- mentions go and serial in a comment only: serialise\nSELECT 1;\n", "ansi"),
        (b"\\set ON_ERROR_STOP 1\n\\echo loading\nSELECT 1;\n", "postgres"),
        (b"SELECT 'a\\set' AS s;\n", "ansi"),
        # pg-utils' reports: casts after a literal or a parenthesis, PostgreSQL's own functions
        (b"SELECT (t / 1000) * '1 second'::interval FROM s;\n", "postgres"),
        (b"SELECT (x * 100)::numeric(20, 2) FROM s;\n", "postgres"),
        (b"SELECT pg_size_pretty(pg_relation_size(relid)) FROM pg_stat_user_tables;\n", "postgres"),
    ],
)
def test_guess(text: bytes, dialect: str) -> None:
    assert guess_dialect(text) == dialect
