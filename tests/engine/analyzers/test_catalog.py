"""Catalog entries: default-set membership, scope and hotspot, and what the default set runs."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from opencheck.engine.analyzers.base import default_selection
from opencheck.engine.analyzers.catalog import load_catalog

ENTRIES = [
    {"code": "A1", "name": "plain", "severity": "major"},
    {"code": "A2", "name": "measured-low", "severity": "minor", "default": False},
    {"code": "A3", "name": "eval-use", "severity": "suggestion", "security": True,
     "hotspot": True},
    {"code": "A4", "name": "unwrap", "severity": "minor", "scope": "main"},
    {"code": "A5", "name": "checked-everywhere", "severity": "critical", "security": True,
     "scope": "all"},
    {"code": "A6", "name": "unused-local", "severity": "minor",
     "suppressed_by": ["UNUSED_VARIABLE", "unused"]},
]  # fmt: skip


class Tool:
    name = "tool"
    languages = frozenset({"Python"})

    def __init__(self, directory: Path) -> None:
        self.rules = tuple(er.rule for er in load_catalog("tool", directory))


@pytest.fixture
def tool(tmp_path: Path) -> Tool:
    document = {"language": "Python", "rules": ENTRIES}
    (tmp_path / "tool.yml").write_text(yaml.safe_dump(document), encoding="utf-8")
    return Tool(tmp_path)


def test_entries_carry_default_scope_and_hotspot(tool: Tool):
    rules = {rule.code: rule for rule in tool.rules}
    assert [rules[c].default for c in ("A1", "A2", "A3")] == [True, False, True]
    assert [rules[c].scope for c in ("A1", "A3", "A4", "A5")] == ["all", "main", "main", "all"]
    assert [rules[c].hotspot for c in ("A1", "A3")] == [False, True]


def test_entries_carry_the_names_other_tools_suppress_them_by(tool: Tool):
    rules = {rule.code: rule for rule in tool.rules}
    assert rules["A6"].suppressed_by == ("UNUSED_VARIABLE", "unused")
    assert rules["A1"].suppressed_by == ()


def test_default_selection_leaves_out_rules_off_by_default(tool: Tool):
    assert set(default_selection(tool, "basic").severities) == {
        "tool:A1",
        "tool:A3",
        "tool:A4",
        "tool:A5",
        "tool:A6",
    }
    assert set(default_selection(tool, "security").severities) == {"tool:A3", "tool:A5"}


def test_an_unknown_scope_names_the_rule(tmp_path: Path):
    bad = {"language": "Python", "rules": [{**ENTRIES[0], "scope": "tests"}]}
    (tmp_path / "tool.yml").write_text(yaml.safe_dump(bad), encoding="utf-8")
    with pytest.raises(ValueError, match="tool:A1"):
        load_catalog("tool", tmp_path)
