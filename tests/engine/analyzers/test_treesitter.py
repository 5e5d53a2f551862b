"""The tree-sitter adapter and its scanner: pack rules against their examples, parsing, metadata."""

from __future__ import annotations

import json
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest

from opencheck.domain.severity import Severity
from opencheck.engine import treesitter_scan
from opencheck.engine.analyzers.base import Limits, RuleSelection, default_selection, run_batch
from opencheck.engine.analyzers.registry import ANALYZERS, analyzers_for
from opencheck.engine.analyzers.treesitter import (
    SYNTAX_RULE_ID,
    TREESITTER,
    TreeSitter,
    load_packs,
)
from opencheck.engine.errors import AnalyzerError

PACK = load_packs()
EXTENSIONS = {"Cangjie": ".cj", "SQL": ".sql"}
PREFIXES = {"Cangjie": "oc-cj:", "SQL": "oc-sql:"}

needs_grammars = pytest.mark.skipif(
    TREESITTER.available() is not None, reason=str(TREESITTER.available())
)

# Recorded from `python -m opencheck.engine.treesitter_scan` (one finding per line).
RECORDED = b"""{"rule": "oc-cj:self-comparison", "path": "src/a.cj", "line": 3, "column": 9, "message": "comparison-with-itself"}

{"rule": "tree-sitter:syntax-error", "path": "/work/repo/b.cj", "line": 1, "column": 12, "message": "syntax error near '\xc3\xa9'"}
{"done": 2}
"""

FIXTURE = """package demo

import std.process.*

// TODO: split this function
public func handle(cmd: String, items: ?Int64): Int64 {
    let password = "hunter2"
    try {
        execute(cmd, [])
    } catch (e: Exception) {
    }
    if (items == items) {
        return items.getOrThrow() / 0
    }
    return 0
}
"""
FIXTURE_FINDINGS = {
    ("oc-cj:todo-comment", 5),
    ("oc-cj:hardcoded-credential", 7),
    ("oc-cj:process-command-injection", 9),
    ("oc-cj:catch-generic-exception", 10),
    ("oc-cj:empty-catch", 10),
    ("oc-cj:self-comparison", 12),
    ("oc-cj:get-or-throw", 13),
    ("oc-cj:division-by-zero", 13),
}


def test_parse_recorded_output() -> None:
    findings = TREESITTER.parse(RECORDED, Path("/work/repo"))
    assert [tuple(f) for f in findings] == [
        ("oc-cj:self-comparison", "src/a.cj", 3, 9, "comparison-with-itself"),
        ("tree-sitter:syntax-error", "b.cj", 1, 12, "syntax error near 'é'"),
    ]


def test_parse_rejects_garbage_and_cut_output() -> None:
    with pytest.raises(AnalyzerError):
        TREESITTER.parse(b'not json\n{"done": 1}\n', Path("."))
    with pytest.raises(AnalyzerError):
        TREESITTER.parse(b'{"rule": "x"}\n{"done": 1}\n', Path("."))
    with pytest.raises(AnalyzerError, match="stopped"):
        TREESITTER.parse(RECORDED.rsplit(b"{", 1)[0], Path("."))
    with pytest.raises(AnalyzerError, match="stopped"):
        TREESITTER.parse(b"", Path("."))
    assert TREESITTER.parse(b'{"done": 0}\n', Path(".")) == []


def test_pack_metadata_is_complete_and_ids_unique() -> None:
    ids = [qr.rule.id for qr in PACK]
    assert len(ids) == len(set(ids))
    for qr in PACK:
        rule = qr.rule
        assert rule.id.startswith(PREFIXES[rule.language]), rule.id
        assert rule.name and len(rule.description) >= 40, rule.id
        assert isinstance(rule.severity, Severity)
        assert qr.bad and qr.good, rule.id
        if rule.security:
            assert any(tag.startswith("CWE-") for tag in rule.tags), rule.id
    assert sum(qr.rule.language == "Cangjie" for qr in PACK) >= 20
    assert sum(qr.rule.language == "SQL" for qr in PACK) >= 5
    assert TREESITTER.languages == {"Cangjie", "SQL"}
    # The SQL grammar covers part of the dialects: its parse errors are no findings.
    syntax = [r for r in TREESITTER.rules if r.id == SYNTAX_RULE_ID]
    assert [(r.language, r.severity) for r in syntax] == [("Cangjie", Severity.INFO)]


def test_registered_for_cangjie_and_sql() -> None:
    assert ANALYZERS["tree-sitter"] is TREESITTER
    assert analyzers_for("Cangjie") == [TREESITTER]
    assert TREESITTER in analyzers_for("SQL")


@needs_grammars
def test_every_pattern_reports_a_match_capture() -> None:
    """A pattern without `@match` (say, a predicate outside its parentheses) would never report."""
    from tree_sitter import Query

    for qr in PACK:
        language = treesitter_scan.load_language(qr.rule.language)
        query = Query(language, qr.query)
        text = qr.query.encode()
        for index in range(query.pattern_count):
            pattern = text[query.start_byte_for_pattern(index) : query.end_byte_for_pattern(index)]
            assert b"@match" in pattern, f"{qr.rule.id} pattern {index}"


def test_command_runs_the_scanner_isolated_with_one_json_config() -> None:
    argv = TREESITTER.command(["a.cj"], RuleSelection.of(TREESITTER.rules))
    assert argv[1:4] == ["-I", "-m", "opencheck.engine.treesitter_scan"]
    assert argv[-2:] == ["--", "a.cj"]
    config = json.loads(argv[4].removeprefix("--rules="))
    assert config["syntax_error"] == SYNTAX_RULE_ID
    assert len(config["rules"]) == len(PACK)
    with_unless = {rule["id"] for rule in config["rules"] if "unless" in rule}
    assert with_unless == {qr.rule.id for qr in PACK if qr.unless} != set()


def _example_files(tmp: Path) -> dict[str, tuple[str, str]]:
    """Every example of the pack in its own file: name -> (rule id, "bad" or "good")."""
    files = {}
    for index, qr in enumerate(PACK):
        for kind, examples in (("bad", qr.bad), ("good", qr.good)):
            for number, source in enumerate(examples):
                name = f"r{index}_{kind}{number}{EXTENSIONS[qr.rule.language]}"
                (tmp / name).write_text(source + "\n", encoding="utf-8")
                files[name] = (qr.rule.id, kind)
    return files


@pytest.fixture(scope="module")
def example_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, set[str]]:
    """All examples scanned in one process: the rule ids found per file name."""
    tmp = tmp_path_factory.mktemp("treesitter-examples")
    files = _example_files(tmp)
    argv = TREESITTER.command(sorted(files), RuleSelection.of(TREESITTER.rules))
    result = subprocess.run(argv, cwd=tmp, capture_output=True, check=False)
    assert result.returncode == 0, result.stderr.decode()
    found: dict[str, set[str]] = defaultdict(set)
    for finding in TREESITTER.parse(result.stdout, tmp):
        found[finding.path].add(finding.rule_id)
    return found


@needs_grammars
@pytest.mark.parametrize("index", range(len(PACK)), ids=[qr.rule.id for qr in PACK])
def test_rule_examples(index: int, example_run: dict[str, set[str]]) -> None:
    qr = PACK[index]
    ext = EXTENSIONS[qr.rule.language]
    for number in range(len(qr.bad)):
        found = example_run[f"r{index}_bad{number}{ext}"]
        assert qr.rule.id in found, f"bad[{number}] not found"
        assert SYNTAX_RULE_ID not in found, f"bad[{number}] does not parse"
    for number in range(len(qr.good)):
        found = example_run[f"r{index}_good{number}{ext}"]
        assert qr.rule.id not in found, f"good[{number}] found"
        assert SYNTAX_RULE_ID not in found, f"good[{number}] does not parse"


@needs_grammars
def test_fixture_findings(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "handler.cj").write_text(FIXTURE, encoding="utf-8")
    limits = Limits(timeout=60, memory_mb=None, cancelled=lambda: False)
    selection = RuleSelection.of(TREESITTER.rules)
    result = run_batch(TREESITTER, tmp_path, ["src/handler.cj"], selection, limits)
    assert result.error is None
    assert {(f.rule_id, f.line) for f in result.findings} == FIXTURE_FINDINGS
    assert all(f.path == "src/handler.cj" for f in result.findings)
    division = next(f for f in result.findings if f.rule_id == "oc-cj:division-by-zero")
    assert division.column == 16


@pytest.mark.parametrize(
    ("rule_id", "default"),
    [
        ("oc-sql:update-without-where", True),
        # Back on since it leaves out the files that empty tables on purpose (0 of 6 true before).
        ("oc-sql:delete-without-where", True),
        ("oc-sql:null-comparison", False),
    ],
)
def test_sql_rules_are_in_the_default_set_as_measured(rule_id: str, default: bool) -> None:
    assert (rule_id in default_selection(TREESITTER, "basic", ["SQL"]).ids) is default


@needs_grammars
def test_security_selection_keeps_security_rules_only(tmp_path: Path) -> None:
    (tmp_path / "a.cj").write_text(FIXTURE, encoding="utf-8")
    limits = Limits(timeout=60, memory_mb=None, cancelled=lambda: False)
    selection = default_selection(TREESITTER, "security", ["Cangjie"])
    result = run_batch(TREESITTER, tmp_path, ["a.cj"], selection, limits)
    assert result.error is None
    assert {(f.rule_id, f.line) for f in result.findings} == {
        ("oc-cj:hardcoded-credential", 7),
        ("oc-cj:process-command-injection", 9),
    }


@needs_grammars
def test_empty_selection_runs_and_finds_nothing(tmp_path: Path) -> None:
    (tmp_path / "a.cj").write_text(FIXTURE, encoding="utf-8")
    result = subprocess.run(
        TREESITTER.command(["a.cj"], RuleSelection()), cwd=tmp_path, capture_output=True, check=True
    )
    assert TREESITTER.parse(result.stdout, tmp_path) == []


@needs_grammars
def test_syntax_error_is_reported_once_per_file(tmp_path: Path) -> None:
    (tmp_path / "bad.cj").write_text(
        "func f() {\n    let x = (1 +\n}\nfunc g( {\n", encoding="utf-8"
    )
    (tmp_path / "good.cj").write_text("func f(): Int64 { return 1 }\n", encoding="utf-8")
    argv = TREESITTER.command(["bad.cj", "good.cj"], RuleSelection.of(TREESITTER.rules))
    result = subprocess.run(argv, cwd=tmp_path, capture_output=True, check=True)
    findings = TREESITTER.parse(result.stdout, tmp_path)
    assert [(f.rule_id, f.path) for f in findings] == [(SYNTAX_RULE_ID, "bad.cj")]
    assert findings[0].message.startswith("syntax error")


@needs_grammars
def test_unreadable_and_unknown_files_are_skipped(tmp_path: Path) -> None:
    (tmp_path / "a.cj").write_text("func f(a: Int64) { if (a == a) { g() } }\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("a == a\n", encoding="utf-8")
    argv = TREESITTER.command(["missing.cj", "b.txt", "a.cj"], RuleSelection.of(TREESITTER.rules))
    result = subprocess.run(argv, cwd=tmp_path, capture_output=True, check=True)
    assert [
        (f.rule_id, f.path, f.line, f.column) for f in TREESITTER.parse(result.stdout, tmp_path)
    ] == [("oc-cj:self-comparison", "a.cj", 1, 24)]
    stderr = result.stderr.decode()
    assert "missing.cj: skipped" in stderr and "b.txt: skipped" in stderr


@needs_grammars
def test_one_combined_query_maps_patterns_back_to_rules() -> None:
    rules = [
        treesitter_scan.ScanRule(
            "r:a", "Cangjie", "((lineComment) @match)\n((blockComment) @match)", "a"
        ),
        treesitter_scan.ScanRule("r:b", "Cangjie", "((integerLiteral) @match)", "b"),
    ]
    language = treesitter_scan.load_language("Cangjie")
    combined = treesitter_scan.combine(language, rules)
    assert combined.query.pattern_count == 3
    assert [rule.id for rule in combined.rule_of_pattern] == ["r:a", "r:a", "r:b"]
    source = "// x\n/* é */ let v = 1\n".encode()  # columns count characters, not bytes
    assert treesitter_scan.scan_source(source, language, combined, None) == [
        ("r:a", 1, 1, "a"),
        ("r:a", 2, 1, "a"),
        ("r:b", 2, 17, "b"),
    ]


@needs_grammars
def test_a_broken_query_names_its_rule() -> None:
    rules = [
        treesitter_scan.ScanRule("r:ok", "Cangjie", "((integerLiteral) @match)", ""),
        treesitter_scan.ScanRule("r:bad", "Cangjie", "((noSuchNode) @match)", ""),
    ]
    language = treesitter_scan.load_language("Cangjie")
    with pytest.raises(treesitter_scan.ScanError, match="r:bad"):
        treesitter_scan.combine(language, rules)


def test_scanner_rejects_a_language_without_grammar(capsys: pytest.CaptureFixture[str]) -> None:
    config = {"rules": [{"id": "x:y", "language": "COBOL", "query": "(a) @match"}]}
    assert treesitter_scan.main(["--rules", json.dumps(config), "--", "a.cbl"]) == 2
    out, err = capsys.readouterr()
    assert "no tree-sitter grammar for COBOL" in err
    with pytest.raises(AnalyzerError):  # no last line: run_batch reports the exit code and stderr
        TREESITTER.parse(out.encode(), Path("."))


def _pack_dir(tmp_path: Path, language: str, query: str) -> Path:
    folder = tmp_path / "rules" / language.lower()
    folder.mkdir(parents=True)
    entry = {
        "id": "oc-cj:broken",
        "name": "broken",
        "severity": "major",
        "description": "A rule whose query names a node type the grammar does not have.",
        "query": query,
        "examples": {"bad": ["func f() {}"]},
    }
    pack = {"language": language, "rules": [entry]}
    (folder / "treesitter.yml").write_text(json.dumps(pack), encoding="utf-8")
    return tmp_path / "rules"


def test_a_pack_for_a_language_without_grammar_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no engine here can check 'COBOL'"):
        load_packs(_pack_dir(tmp_path, "COBOL", "((a) @match)"))


@needs_grammars
def test_run_batch_reports_a_broken_query_as_an_error(tmp_path: Path) -> None:
    analyzer = TreeSitter(_pack_dir(tmp_path, "Cangjie", "((noSuchNode) @match)"))
    (tmp_path / "a.cj").write_text("func f() {}\n", encoding="utf-8")
    limits = Limits(timeout=60, memory_mb=None, cancelled=lambda: False)
    result = run_batch(analyzer, tmp_path, ["a.cj"], RuleSelection.of(analyzer.rules), limits)
    assert result.findings == []
    assert result.error is not None and result.error.startswith("exit code 2:")
    assert "oc-cj:broken" in result.error


@needs_grammars
def test_sql_statements_that_do_not_parse_are_not_matched() -> None:
    """PL/pgSQL's `:=` recovers as a comparison with NULL; the broken statement is skipped."""
    rules = [treesitter_scan.ScanRule("r:null", "SQL", "(literal (keyword_null)) @match", "n")]
    language = treesitter_scan.load_language("SQL")
    combined = treesitter_scan.combine(language, rules)
    source = (
        b"SELECT NULL;\nSELECT 1 FROM t WHERE a := NULL;\nSELECT 1 FROM t WHERE NULL IS NULL;\n"
    )
    found = treesitter_scan.scan_source(source, language, combined, None, skip_broken=True)
    assert sorted({line for _, line, _, _ in found}) == [1, 3]
    everything = treesitter_scan.scan_source(source, language, combined, None)
    assert 2 in {line for _, line, _, _ in everything}


@needs_grammars
def test_an_unless_query_keeps_its_rule_out_of_the_file() -> None:
    rules = [
        treesitter_scan.ScanRule("r:lit", "SQL", "(literal) @match", "l", unless="(drop_table) @d"),
        treesitter_scan.ScanRule("r:null", "SQL", "(keyword_null) @match", "n"),
    ]
    language = treesitter_scan.load_language("SQL")
    combined = treesitter_scan.combine(language, rules)
    plain = treesitter_scan.scan_source(b"SELECT NULL;\n", language, combined, None)
    assert [rule for rule, *_ in plain] == ["r:lit", "r:null"]
    dropping = treesitter_scan.scan_source(
        b"DROP TABLE t;\nSELECT NULL;\n", language, combined, None
    )
    assert [rule for rule, *_ in dropping] == ["r:null"]


@needs_grammars
def test_a_broken_unless_query_is_a_scan_error() -> None:
    rules = [treesitter_scan.ScanRule("r:x", "SQL", "(literal) @match", "", unless="(nope) @n")]
    with pytest.raises(treesitter_scan.ScanError, match="unless"):
        treesitter_scan.combine(treesitter_scan.load_language("SQL"), rules)


@needs_grammars
def test_a_match_within_a_not_inside_node_is_dropped() -> None:
    rules = [treesitter_scan.ScanRule("r:lit", "SQL", "(literal) @match", "l", not_inside=("cte",))]
    language = treesitter_scan.load_language("SQL")
    combined = treesitter_scan.combine(language, rules)
    source = b"WITH a AS (SELECT 1 AS x) SELECT 22;\n"
    found = treesitter_scan.scan_source(source, language, combined, None)
    assert found == [("r:lit", 1, 34, "l")]


@needs_grammars
def test_a_match_whose_values_hold_a_listed_node_is_dropped() -> None:
    """An UPDATE that sets constants is kept; one computing a value from a column is dropped."""
    rules = [
        treesitter_scan.ScanRule(
            "r:upd",
            "SQL",
            "(update (keyword_set) (assignment) .) @match",
            "u",
            values_not_containing=("field", "subquery"),
        )
    ]
    language = treesitter_scan.load_language("SQL")
    combined = treesitter_scan.combine(language, rules)
    source = (
        b"UPDATE t SET a = 1, b = 'x';\n"
        b"UPDATE t SET a = 1, b = lower(b);\n"
        b"UPDATE t SET a = (SELECT max(id) FROM u);\n"
    )
    found = treesitter_scan.scan_source(source, language, combined, None)
    assert [line for _, line, *_ in found] == [1]


@pytest.mark.parametrize(
    ("path", "kept"),
    [
        ("queries/report.sql", True),
        ("sql/setup.sql", True),
        ("db/migrations/0003_backfill.sql", False),
        ("migrations/2025-08-01-000068_trigger/up.sql", False),
        ("20210618103120000001_logout_token.postgres.up.sql", False),
        ("db/zm_update-1.31.22.sql", False),
        ("SQL/sqlite/2013061000.sql", False),
    ],
)
def test_a_rule_ignores_the_paths_its_pack_names(path: str, kept: bool) -> None:
    """UPDATE without WHERE is a migration's data move, not a lost condition."""
    assert _kept("oc-sql:update-without-where", path) is kept


@pytest.mark.parametrize(
    ("path", "kept"),
    [
        ("queries/report.sql", True),
        ("www/orders/delete.sql", True),
        ("db/migrations/0003_backfill.sql", False),
        ("db/seeds/demo.sql", False),
        ("sql/reset_database.sql", False),
        ("scripts/cleanup.sql", False),
        ("fixtures/users.sql", False),
    ],
)
def test_delete_without_where_leaves_out_scripts_that_empty_tables(path: str, kept: bool) -> None:
    """Seeds, resets and clean-ups empty tables on purpose, as migrations do."""
    assert _kept("oc-sql:delete-without-where", path) is kept


def _kept(rule_id: str, path: str) -> bool:
    line = json.dumps({"rule": rule_id, "path": path, "line": 1, "column": 1, "message": "m"})
    return bool(TREESITTER.parse(f'{line}\n{{"done": 1}}\n'.encode(), Path(".")))
