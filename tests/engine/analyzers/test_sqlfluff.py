"""The sqlfluff adapter: parsing recorded output and findings on fixture SQL files."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from opencheck.domain.severity import Severity
from opencheck.engine.analyzers.base import Limits, RuleSelection, default_selection, run_batch
from opencheck.engine.analyzers.sqlfluff import MAX_FILE_BYTES, RULES, SQLFLUFF, sqlfluff_binary
from opencheck.engine.errors import AnalyzerError

# Recorded from `sqlfluff lint --format json --dialect ansi` 4.5.0 (timings and statistics
# trimmed; a second PRS violation added for bad.sql, and the path of sub.sql made absolute).
RECORDED = b"""[{"filepath": "bad.sql", "violations": [
{"start_line_no": 1, "start_line_pos": 1, "code": "PRS", "description": "Line 1, Position 1:
 Found unparsable section: 'selec from where ;'", "name": "", "warning": false,
 "start_file_pos": 0, "end_line_no": 2, "end_line_pos": 16, "end_file_pos": 34},
{"start_line_no": 3, "start_line_pos": 1, "code": "PRS", "description": "echo", "name": "",
 "warning": false, "start_file_pos": 40, "end_line_no": 3, "end_line_pos": 5, "end_file_pos": 44}
]}, {"filepath": "/work/repo/db/sub.sql", "violations": [
{"start_line_no": 1, "start_line_pos": 8, "code": "AM04", "description":
 "Query produces an unknown number of result columns.", "name": "ambiguous.column_count",
 "warning": false, "fixes": [], "start_file_pos": 7, "end_line_no": 1, "end_line_pos": 9,
 "end_file_pos": 8},
{"start_line_no": 2, "start_line_pos": 25, "code": "CV05", "description":
 "Comparisons with NULL should use \\"IS\\" or \\"IS NOT\\".", "name": "convention.is_null",
 "warning": false, "fixes": [], "start_file_pos": 41, "end_line_no": 2, "end_line_pos": 26,
 "end_file_pos": 42}]}]""".replace(b"\n ", b" ")

DEFECTS = """SELECT * FROM a;
SELECT DISTINCT x, count(*) FROM t GROUP BY x;
SELECT 1 AS one UNION SELECT 2 AS one;
SELECT a.x, b.y FROM a JOIN b ON a.id = b.id;
SELECT x FROM t WHERE y = NULL;
SELECT x, y, FROM t;
SELECT a.x, y FROM a INNER JOIN b ON a.id = b.id;
SELECT CASE WHEN x > 1 THEN 'a' ELSE NULL END AS c FROM t;
WITH unused AS (SELECT 1 AS one) SELECT 2 AS two;
SELECT  x FROM t;
select x FROM t;
SELECT count(*) FROM t;
SELECT t1.x FROM t AS t1 INNER JOIN u AS t1 ON t1.id = t1.id;
SELECT x FROM t LIMIT 5;
SELECT a.x FROM a LEFT JOIN b ON a.id = b.id;
SELECT x AS x FROM t;
SELECT x AS c, y AS c FROM t;
SELECT x FROM t ORDER BY x, y DESC;
SELECT CASE WHEN x > 1 THEN TRUE ELSE FALSE END AS c FROM t;
"""

C, MJ, MN, SG, INFO = (
    Severity.CRITICAL,
    Severity.MAJOR,
    Severity.MINOR,
    Severity.SUGGESTION,
    Severity.INFO,
)
EXPECTED = {
    ("syntax-error", "bad.sql", 1, Severity.INFO),
    ("AM01", "db/defects.sql", 2, MN),
    ("CV05", "db/defects.sql", 5, MJ),
    ("ST03", "db/defects.sql", 9, MN),
    ("AL04", "db/defects.sql", 13, MJ),
    ("ST10", "db/defects.sql", 13, MN),
    ("ST11", "db/defects.sql", 15, MN),
    ("AL08", "db/defects.sql", 17, MJ),
}


def test_parse_recorded_output() -> None:
    findings = SQLFLUFF.parse(RECORDED, Path("/work/repo"))
    assert [(f.rule_id, f.path, f.line, f.column) for f in findings] == [
        ("sqlfluff:syntax-error", "bad.sql", 1, 1),  # its echo is dropped
        ("sqlfluff:AM04", "db/sub.sql", 1, 8),
        ("sqlfluff:CV05", "db/sub.sql", 2, 25),
    ]
    assert findings[2].message == 'Comparisons with NULL should use "IS" or "IS NOT".'


@pytest.mark.parametrize("raw", [b"", b"not json", b"{}", b"[1]", b'[{"violations": 1}]'])
def test_parse_rejects_unreadable_output(raw: bytes) -> None:
    with pytest.raises(AnalyzerError):
        SQLFLUFF.parse(raw, Path("/work/repo"))


def test_default_rules_are_real_sqlfluff_rules() -> None:
    assert SQLFLUFF.available() is None
    listing = subprocess.run(
        [sqlfluff_binary() or "sqlfluff", "rules"],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parent,
    ).stdout
    known = set(re.findall(r"^([A-Z]{2}\d{2}): ", listing, re.MULTILINE))
    codes = [rule.code for rule in RULES]
    assert len(codes) == len(set(codes)) >= 21
    assert set(codes) - {"syntax-error"} <= known
    assert all(rule.language == "SQL" and rule.tags and rule.description for rule in RULES)


def test_fixture_files_yield_exactly_the_expected_findings(tmp_path: Path) -> None:
    (tmp_path / "db").mkdir()
    (tmp_path / "db" / "defects.sql").write_text(DEFECTS)
    (tmp_path / "bad.sql").write_text("selec from where ;\nselect 1 from t\n")
    # Over the size cap: skipped by sqlfluff, so none of its many findings appear.
    (tmp_path / "big.sql").write_text("select  * from t\n" * (MAX_FILE_BYTES // 17 + 1))
    # Repository configuration, ignore files and noqa comments must not apply.
    (tmp_path / ".sqlfluff").write_text("[sqlfluff]\nrules = LT12\n")
    (tmp_path / ".sqlfluffignore").write_text("db/\n")
    selection = default_selection(SQLFLUFF, "basic")
    files = ["db/defects.sql", "bad.sql", "big.sql"]
    result = run_batch(SQLFLUFF, tmp_path, files, selection, Limits(120, 2048, lambda: False))
    assert result.error is None
    got = {
        (f.rule_id.removeprefix("sqlfluff:"), f.path, f.line, selection.severities[f.rule_id])
        for f in result.findings
    }
    assert got == EXPECTED


def test_command_selects_rules_ignores_local_config_and_keeps_batches_small() -> None:
    argv = SQLFLUFF.command(["-weird.sql"], RuleSelection.of(RULES[:3]))
    assert "--ignore-local-config" in argv and "--disregard-sqlfluffignores" in argv
    assert "--disable-noqa" in argv and "--templater=raw" in argv
    assert argv[argv.index("--rules") + 1] == "AM07,CV05"
    assert argv[-2:] == ["--", "-weird.sql"]
    config = next(a for a in argv if a.startswith("--config=")).removeprefix("--config=")
    assert f"large_file_skip_byte_limit = {MAX_FILE_BYTES}" in Path(config).read_text()
    assert SQLFLUFF.max_files == 10


MYSQL = "CREATE TABLE `items` (`id` INT UNSIGNED NOT NULL AUTO_INCREMENT) ENGINE=InnoDB;\n"
MYSQL_NULL = "SELECT `id` FROM `items` WHERE `id` = NULL;\n"


def test_scripts_are_checked_in_the_dialect_their_content_shows(tmp_path: Path) -> None:
    (tmp_path / "schema.sql").write_text(MYSQL + MYSQL_NULL)
    (tmp_path / "plain.sql").write_text("SELECT a FROM t WHERE b = NULL;\n")
    groups = SQLFLUFF.split(tmp_path, ["schema.sql", "plain.sql"])
    assert [(variant.dialect, files) for variant, files in groups] == [
        ("ansi", ["plain.sql"]),
        ("mysql", ["schema.sql"]),
    ]
    selection = default_selection(SQLFLUFF, "basic")
    found = set()
    for variant, files in groups:
        result = run_batch(variant, tmp_path, files, selection, Limits(120, 2048, lambda: False))
        assert result.error is None
        found |= {
            (f.rule_id, f.path, f.line)
            for f in result.findings
            if f.rule_id.endswith(("CV05", "syntax-error"))
        }
    # In ANSI the MySQL table definition would not parse, hiding the NULL comparison.
    assert found == {("sqlfluff:CV05", "schema.sql", 2), ("sqlfluff:CV05", "plain.sql", 1)}


DBT_MODEL = """{{ config(materialized='table') }}
select o.id from {{ ref('stg_orders') }} as o
where o.customer_id = null
"""
PSQL_SCRIPT = "\\set ON_ERROR_STOP 1\n\\echo loading\nSELECT a FROM t WHERE b = NULL;\n"


def test_templates_and_psql_scripts_are_parsed_not_reported_as_syntax(tmp_path: Path) -> None:
    (tmp_path / "model.sql").write_text(DBT_MODEL)
    (tmp_path / "install.sql").write_text(PSQL_SCRIPT)
    groups = SQLFLUFF.split(tmp_path, ["model.sql", "install.sql"])
    assert [(v.dialect, v.templater, files) for v, files in groups] == [
        ("ansi", "jinja", ["model.sql"]),
        ("postgres", "raw", ["install.sql"]),
    ]
    selection = default_selection(SQLFLUFF, "basic")
    found = set()
    for variant, files in groups:
        assert f"--templater={variant.templater}" in variant.command(files, selection)
        result = run_batch(variant, tmp_path, files, selection, Limits(120, 2048, lambda: False))
        assert result.error is None
        found |= {(f.rule_id, f.path, f.line) for f in result.findings}
    # dbt's ref/config and psql's meta-commands parse: the NULL comparisons are found.
    assert found == {("sqlfluff:CV05", "model.sql", 3), ("sqlfluff:CV05", "install.sql", 3)}


SQLC_QUERIES = """-- name: LockAndDelete :many
WITH locked AS (
    SELECT id FROM queue_item WHERE id = ANY(@ids::bigint[]) ORDER BY id FOR UPDATE
)
DELETE FROM queue_item WHERE id = ANY(@ids::bigint[]) RETURNING id;

-- name: Matches :one
WITH inputs AS (
    SELECT UNNEST(@keys::text[]) AS key
)
SELECT m.id FROM match_condition AS m
WHERE m.tenant_id = @tenantId::uuid AND m.key IN (SELECT i.key FROM inputs AS i);
"""


def test_sqlc_parameters_are_read_as_names(tmp_path: Path) -> None:
    """Unparsed `@name` parameters would hide the second CTE's use: only the first is unused."""
    (tmp_path / "queries.sql").write_text(SQLC_QUERIES)
    groups = SQLFLUFF.split(tmp_path, ["queries.sql"])
    assert [(v.dialect, v.templater) for v, _ in groups] == [("postgres", "placeholder")]
    variant, files = groups[0]
    selection = default_selection(SQLFLUFF, "basic")
    result = run_batch(variant, tmp_path, files, selection, Limits(120, 2048, lambda: False))
    assert result.error is None
    assert [(f.rule_id, f.line) for f in result.findings] == [("sqlfluff:ST03", 2)]


def test_aliases_sqlfluff_misreads_are_not_reported(tmp_path: Path) -> None:
    """A repeated alias feeding INSERT ... SELECT by position, and a table or alias again in a
    select-list subquery (another scope), are no duplicates; the plain SELECT and the JOIN are."""
    (tmp_path / "load.sql").write_text(
        "INSERT INTO limits (a, b)\nSELECT v.x AS x, v.x AS x FROM v;\n"
        "SELECT v.x AS c, v.y AS c FROM v;\n"
        "SELECT EXISTS (SELECT 1 FROM a) AS e FROM a;\n"
        "SELECT u.id, (SELECT u.name FROM users AS u WHERE u.id = m.uid) AS n\n"
        "FROM users AS u INNER JOIN mentions AS m ON u.id = m.uid;\n"
        "SELECT t1.x FROM t AS t1\nINNER JOIN u AS t1 ON t1.id = t1.id;\n"
    )
    selection = default_selection(SQLFLUFF, "basic")
    limits = Limits(120, 2048, lambda: False)
    result = run_batch(SQLFLUFF, tmp_path, ["load.sql"], selection, limits)
    assert result.error is None
    found = {(f.rule_id, f.line) for f in result.findings if f.rule_id.endswith(("AL04", "AL08"))}
    assert found == {("sqlfluff:AL08", 3), ("sqlfluff:AL04", 8)}


def test_a_bind_parameter_compared_with_a_literal_is_no_constant(tmp_path: Path) -> None:
    (tmp_path / "filters.sql").write_text(
        "SELECT t.a FROM t WHERE ($1 = 0 OR t.a = $1::int);\n"
        "SELECT t.a FROM t WHERE 'x' = 'x' AND t.a > 0::int;\n"
    )
    groups = SQLFLUFF.split(tmp_path, ["filters.sql"])
    variant, files = groups[0]
    assert variant.dialect == "postgres"
    selection = default_selection(SQLFLUFF, "basic")
    result = run_batch(variant, tmp_path, files, selection, Limits(120, 2048, lambda: False))
    assert result.error is None
    assert [(f.rule_id, f.line) for f in result.findings] == [("sqlfluff:ST10", 2)]


def test_a_cte_read_by_the_from_of_an_update_is_used(tmp_path: Path) -> None:
    """sqlfluff misses a CTE read by `WITH ... UPDATE ... FROM` when the SET list does not parse
    (Lemmy's `subquery.case`); a CTE that no clause reads is still reported."""
    (tmp_path / "backfill.sql").write_text(
        "WITH unused AS (SELECT a.id FROM a), used AS (SELECT b.id FROM b)\n"
        "SELECT used.id FROM used;\n"
        "WITH subquery AS (SELECT s.mode, CASE WHEN s.mode = 'open' THEN 1 END FROM s)\n"
        "UPDATE local_site SET open = subquery.case\nFROM subquery;\n"
    )
    groups = SQLFLUFF.split(tmp_path, ["backfill.sql"])
    variant, files = groups[0]
    selection = default_selection(SQLFLUFF, "basic")
    result = run_batch(variant, tmp_path, files, selection, Limits(120, 2048, lambda: False))
    assert result.error is None
    assert [(f.rule_id, f.line) for f in result.findings if f.rule_id.endswith("ST03")] == [
        ("sqlfluff:ST03", 1)
    ]


def test_an_alias_repeated_where_its_name_is_ignored_or_never_sent_is_not_reported(
    tmp_path: Path,
) -> None:
    """The recursive branch of a UNION takes the first branch's names, psql sends only one of
    `\\if`/`\\else` (postgres_dba, pg-utils) and a report's two plain `typname` columns are read by
    position; an alias written twice in the first branch is still reported."""
    (tmp_path / "report.sql").write_text(
        "WITH RECURSIVE tree AS (\n"
        "  SELECT l.locker AS pid, l.locker AS dad FROM leads AS l\n"
        "  UNION ALL\n"
        "  SELECT w.waiter AS pid, tree.pid FROM tree INNER JOIN pairs AS w ON tree.pid = w.locker\n"
        ")\n"
        "SELECT tree.pid, tree.dad FROM tree;\n"
        "SELECT\n"
        "  s.userid,\n"
        "\\if :pg17\n"
        "  sum(s.shared_blk_read_time) AS blk_read_time\n"
        "\\else\n"
        "  sum(s.blk_read_time) AS blk_read_time\n"
        "\\endif\n"
        "FROM pg_stat_statements AS s GROUP BY s.userid;\n"
        "SELECT a.x AS c, a.y AS c FROM a UNION ALL SELECT b.x, b.y FROM b;\n"
        "SELECT p1.typname, p2.typname FROM p AS p1 INNER JOIN p AS p2 ON p1.oid = p2.oid;\n"
    )
    groups = SQLFLUFF.split(tmp_path, ["report.sql"])
    variant, files = groups[0]
    assert variant.dialect == "postgres"
    selection = default_selection(SQLFLUFF, "basic")
    result = run_batch(variant, tmp_path, files, selection, Limits(120, 2048, lambda: False))
    assert result.error is None
    assert [(f.rule_id, f.line) for f in result.findings if f.rule_id.endswith("AL08")] == [
        ("sqlfluff:AL08", 15)
    ]


def test_repeated_properties_of_a_sqlpage_component_are_no_reused_alias(tmp_path: Path) -> None:
    """SQLPage reads a repeated column of a component row as a list (its shell's menu items)."""
    (tmp_path / "index.sql").write_text(
        "SELECT 'shell' AS component, 'Home' AS title,\n"
        "    'blog' AS menu_item,\n"
        "    'about' AS menu_item;\n"
        "SELECT o.id AS ref, o.code AS ref FROM orders AS o;\n"
    )
    variant, files = SQLFLUFF.split(tmp_path, ["index.sql"])[0]
    selection = default_selection(SQLFLUFF, "basic")
    result = run_batch(variant, tmp_path, files, selection, Limits(120, 2048, lambda: False))
    assert result.error is None
    assert [(f.rule_id, f.line) for f in result.findings if f.rule_id.endswith("AL08")] == [
        ("sqlfluff:AL08", 4)
    ]


def test_psql_alternatives_are_no_union_branches(tmp_path: Path) -> None:
    """sqlfluff reads psql `\\if`/`\\else` inside a union as more branches (postgres_dba)."""
    (tmp_path / "node.sql").write_text(
        "SELECT 'a' AS metric, version() AS value\n"
        "UNION ALL\n"
        "SELECT 'r', 'replica; paused: ' || pg_is_in_recovery()::text\n"
        "UNION ALL\n"
        "\\if :pg17\n"
        "SELECT 'b', (SELECT c.num_timed::text FROM pg_stat_checkpointer AS c)\n"
        "\\else\n"
        "SELECT 'b', (SELECT c.checkpoints_timed::text FROM pg_stat_bgwriter AS c)\n"
        "\\endif\n"
        "UNION ALL\n"
        "SELECT 'c', current_database();\n"
        "SELECT 'a' AS m, 1 AS v UNION ALL SELECT 'b';\n"
    )
    groups = SQLFLUFF.split(tmp_path, ["node.sql"])
    variant, files = groups[0]
    selection = default_selection(SQLFLUFF, "basic")
    result = run_batch(variant, tmp_path, files, selection, Limits(120, 2048, lambda: False))
    assert result.error is None
    assert [(f.rule_id, f.line) for f in result.findings if f.rule_id.endswith("AM07")] == [
        ("sqlfluff:AM07", 12)
    ]


def test_a_semicolon_inside_a_string_ends_no_statement(tmp_path: Path) -> None:
    """postgres_dba's node report prints '; paused: ' in the middle of its one long union."""
    from opencheck.engine.analyzers.sqlfluff import _SqlText

    (tmp_path / "node.sql").write_text(
        "SELECT 'a', 'x; y'\nUNION ALL\n\\if :v\nSELECT 'b', 1\n\\endif\n;\nSELECT 2;\n"
    )
    text = _SqlText.read(tmp_path / "node.sql")
    assert text is not None
    _, statement = text.statement_around(0)
    assert b"\\endif" in statement
    assert b"SELECT 2" not in statement


def test_names_a_cte_column_list_gives_and_joins_read_inside_brackets_are_used(
    tmp_path: Path,
) -> None:
    """A CTE declared with its column list names its columns itself (pgwatch2's `q_parts (relid,
    relkind, level, root)`), and a bracketed join group whose alias the select list reads is used
    (sqlfluff does not look into the brackets); without the list, or with the alias read only in
    its own ON clause, both are still reported."""
    (tmp_path / "metric.sql").write_text(
        "WITH RECURSIVE parts (relid, relkind, root) AS (\n"
        "  SELECT c.oid, c.relkind, c.oid FROM pg_class AS c\n"
        "  UNION ALL\n"
        "  SELECT i.inhrelid, c.relkind, p.root FROM pg_inherits AS i"
        " INNER JOIN parts AS p ON i.inhparent = p.relid"
        " INNER JOIN pg_class AS c ON c.oid = i.inhrelid\n"
        ")\n"
        "SELECT parts.relid, parts.root FROM parts;\n"
        "WITH pairs AS (SELECT c.oid, c.relkind, c.oid FROM pg_class AS c)\n"
        "SELECT pairs.relkind FROM pairs;\n"
        "SELECT a.attname, bt.typname\n"
        "FROM pg_attribute AS a\n"
        "INNER JOIN pg_type AS t ON a.atttypid = t.oid\n"
        "LEFT JOIN (pg_type AS bt\n"
        "  INNER JOIN pg_namespace AS nbt ON bt.typnamespace = nbt.oid) ON t.typbasetype = bt.oid;\n"
        "SELECT a.attname\n"
        "FROM pg_attribute AS a\n"
        "INNER JOIN pg_type AS t ON a.atttypid = t.oid\n"
        "LEFT JOIN (pg_type AS bt\n"
        "  INNER JOIN pg_namespace AS nbt ON bt.typnamespace = nbt.oid) ON t.typbasetype = bt.oid;\n"
    )
    groups = SQLFLUFF.split(tmp_path, ["metric.sql"])
    variant, files = groups[0]
    selection = default_selection(SQLFLUFF, "basic")
    result = run_batch(variant, tmp_path, files, selection, Limits(120, 2048, lambda: False))
    assert result.error is None
    found = [(f.rule_id, f.line) for f in result.findings if f.rule_id.endswith(("AL08", "ST11"))]
    assert found == [("sqlfluff:AL08", 7), ("sqlfluff:ST11", 17)]


def test_a_needed_distinct_and_the_preserved_side_of_a_right_join_are_not_reported(
    tmp_path: Path,
) -> None:
    """DISTINCT over groups finer than the selected columns removes repeats (LeetCode's views
    grouped by viewer and date), and the preserved side of a RIGHT JOIN decides the rows; a
    DISTINCT over complete groups and an unread LEFT JOIN are still reported."""
    (tmp_path / "report.sql").write_text(
        "SELECT DISTINCT v.viewer_id AS id FROM views AS v GROUP BY v.viewer_id, v.view_date;\n"
        "SELECT DISTINCT v.customer_id, count(v.customer_id) AS n FROM visits AS v"
        " GROUP BY v.customer_id;\n"
        "WITH pairs AS (SELECT DISTINCT a.user_id AS user_id, b.user_id AS other"
        " FROM listens AS a INNER JOIN listens AS b ON a.day = b.day"
        " GROUP BY a.user_id, b.user_id, a.day)\n"
        "SELECT pairs.user_id FROM pairs;\n"
        "SELECT count(*) AS n FROM activity AS a\n"
        "RIGHT JOIN (SELECT x.player_id FROM activity AS x GROUP BY x.player_id) AS b"
        " ON a.player_id = b.player_id;\n"
        "SELECT a.id FROM activity AS a\n"
        "LEFT JOIN (SELECT x.player_id FROM activity AS x GROUP BY x.player_id) AS b"
        " ON a.player_id = b.player_id;\n"
    )
    groups = SQLFLUFF.split(tmp_path, ["report.sql"])
    variant, files = groups[0]
    selection = default_selection(SQLFLUFF, "basic")
    result = run_batch(variant, tmp_path, files, selection, Limits(120, 2048, lambda: False))
    assert result.error is None
    found = [(f.rule_id, f.line) for f in result.findings if f.rule_id.endswith(("AM01", "ST11"))]
    assert found == [("sqlfluff:AM01", 2), ("sqlfluff:ST11", 8)]
