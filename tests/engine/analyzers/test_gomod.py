"""Rules that need a newer Go than the module declares (`min_go`) report nothing there."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from opencheck.domain.severity import Severity
from opencheck.engine.analyzers.astgrep import ASTGREP, astgrep_binary
from opencheck.engine.analyzers.base import RuleSelection
from opencheck.engine.analyzers.gomod import ModuleVersions, declared_go, parse_go_version

WRAP = 'package a\n\nfunc f(err error) error { return fmt.Errorf("load: %v", err) }\n'


def test_declared_go_reads_the_directive_or_assumes_go_1_16() -> None:
    assert declared_go(b"module x\n\ngo 1.11\n\nrequire y v1\n") == (1, 11)
    assert declared_go(b"module x\ngo 1.21.3\ntoolchain go1.22\n") == (1, 21)
    assert declared_go(b"module x\n") == (1, 16)
    assert parse_go_version("1.13") == (1, 13)


def test_the_nearest_go_mod_above_a_file_decides(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_text("module x\n\ngo 1.11\n")
    (tmp_path / "sub" / "deep").mkdir(parents=True)
    (tmp_path / "sub" / "go.mod").write_text("module x/sub\n\ngo 1.20\n")
    versions = ModuleVersions(tmp_path)
    assert versions.of("a.go") == (1, 11)
    assert versions.of("sub/deep/b.go") == (1, 20)
    assert ModuleVersions(tmp_path / "sub" / "deep").of("c.go") is None


def _found(tmp_path: Path, go_mod: str | None) -> list[str]:
    (tmp_path / "a.go").write_text(WRAP)
    if go_mod is not None:
        (tmp_path / "go.mod").write_text(go_mod)
    selection = RuleSelection({"oc-go:errorf-without-wrap": Severity.MINOR})
    argv = ASTGREP.command(["a.go"], selection)
    result = subprocess.run(argv, cwd=tmp_path, capture_output=True, check=True)
    return [finding.rule_id for finding in ASTGREP.parse(result.stdout, tmp_path)]


@pytest.mark.skipif(astgrep_binary() is None, reason="ast-grep is not installed")
@pytest.mark.parametrize(
    ("go_mod", "expected"),
    [
        ("module x\n\ngo 1.11\n", []),
        ("module x\n\ngo 1.13\n", ["oc-go:errorf-without-wrap"]),
        (None, ["oc-go:errorf-without-wrap"]),
    ],
)
def test_errorf_without_wrap_needs_go_1_13(
    tmp_path: Path, go_mod: str | None, expected: list[str]
) -> None:
    assert _found(tmp_path, go_mod) == expected
