"""Every rule of every tool catalog, run by the real tool on its own bad and good examples."""

from __future__ import annotations

from collections import defaultdict
from functools import cache
from pathlib import Path

import pytest

from opencheck.engine.analyzers.base import (
    MAX_BATCH_FILES,
    Analyzer,
    Limits,
    RuleSelection,
    batches,
    run_batch,
)
from opencheck.engine.analyzers.catalog import ExampleRule, load_catalog
from opencheck.engine.analyzers.registry import ANALYZERS

TOOLS = ("ruff", "oxlint", "shellcheck", "cppcheck", "flawfinder", "sqlfluff")
EXTENSIONS = {
    "Python": ".py",
    "JavaScript": ".js",
    "TypeScript": ".ts",
    "Shell": ".sh",
    "C++": ".cpp",
    "SQL": ".sql",
}
CASES = [(tool, er) for tool in TOOLS for er in load_catalog(tool)]
LIMITS = Limits(timeout=120.0, memory_mb=None, cancelled=lambda: False)


def _case_id(case: tuple[str, ExampleRule]) -> str:
    return f"{case[1].rule.language}/{case[1].rule.id}"


def _file_name(position: int, kind: str, number: int, language: str) -> str:
    return f"r{position}_{kind}{number}{EXTENSIONS[language]}"


@cache
def _language_run(tool: str, language: str, root: Path) -> dict[str, set[str]]:
    """Write every example of `tool` for `language` to its own file and run the tool on them all.

    Returns the rule ids found per file name.
    """
    analyzer: Analyzer = ANALYZERS[tool]
    examples = [er for er in load_catalog(tool) if er.rule.language == language]
    files = []
    for position, er in enumerate(examples):
        for kind, texts in (("bad", er.bad), ("good", er.good)):
            for number, text in enumerate(texts):
                name = _file_name(position, kind, number, language)
                (root / name).write_text(text.rstrip("\n") + "\n", encoding="utf-8")
                files.append(name)
    selection = RuleSelection.of(er.rule for er in examples)
    found: dict[str, set[str]] = defaultdict(set)
    for batch in batches(files, getattr(analyzer, "max_files", MAX_BATCH_FILES)):
        result = run_batch(analyzer, root, batch, selection, LIMITS)
        assert result.error is None, result.error
        for finding in result.findings:
            found[finding.path].add(finding.rule_id)
    return found


@pytest.fixture(scope="module")
def example_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("catalog-examples")


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_rule_has_complete_metadata(case: tuple[str, ExampleRule]) -> None:
    _, er = case
    assert er.rule.name and er.rule.tags, "name and tags are required"
    assert len(er.rule.description) >= 40, "the description must give the reason and the fix"
    assert er.bad and er.good, "at least one bad and one good example"
    if er.rule.security:
        assert any(tag.startswith("CWE-") for tag in er.rule.tags), "security rules name a CWE"


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_rule_examples(case: tuple[str, ExampleRule], example_root: Path) -> None:
    tool, er = case
    analyzer = ANALYZERS[tool]
    if reason := analyzer.available():
        pytest.skip(reason)
    language = er.rule.language
    root = example_root / f"{tool}-{EXTENSIONS[language][1:]}"
    root.mkdir(exist_ok=True)
    found = _language_run(tool, language, root)
    position = [e.rule.id for e in load_catalog(tool) if e.rule.language == language].index(
        er.rule.id
    )
    for number in range(len(er.bad)):
        name = _file_name(position, "bad", number, language)
        assert er.rule.id in found[name], f"bad[{number}] not found; found {sorted(found[name])}"
    for number in range(len(er.good)):
        name = _file_name(position, "good", number, language)
        assert er.rule.id not in found[name], f"good[{number}] triggers the rule"
