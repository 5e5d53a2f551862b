"""Confined analysers (Landlock): the worktree and the tools are readable, nothing else is; the
private temp folder is the only writable place. Skipped where the kernel has no Landlock."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from opencheck.engine import landlock, runner
from opencheck.engine.analyzers.base import private_temp_folder, worktree_only
from opencheck.engine.pipeline import EngineSettings, LogCollector, ScanSpec, scan_tree

pytestmark = pytest.mark.skipif(not landlock.abi(), reason="no Landlock in this kernel")


def _tree(tmp_path: Path) -> tuple[Path, Path]:
    worktree, secrets = tmp_path / "work" / "exec1", tmp_path / "cache" / "other-tenant"
    worktree.mkdir(parents=True)
    secrets.mkdir(parents=True)
    (worktree / "main.py").write_text("print('mine')\n")
    (secrets / "token.txt").write_text("s3cr3t\n")
    return worktree, secrets


def _confined(argv: list[str], worktree: Path) -> runner.RunResult:
    return runner.run(argv, cwd=worktree, timeout=30, memory_mb=None, cancelled=lambda: False,
                      confine=worktree_only(worktree))  # fmt: skip


def test_a_confined_child_reads_the_worktree_and_nothing_else(tmp_path: Path) -> None:
    worktree, secrets = _tree(tmp_path)
    assert _confined(["cat", "main.py"], worktree).stdout == b"print('mine')\n"
    escaped = _confined(["cat", str(secrets / "token.txt")], worktree)
    assert escaped.returncode != 0 and b"s3cr3t" not in escaped.stdout
    assert b"Permission denied" in escaped.stderr
    # Through a symlink in the tree, and through another process's /proc entries.
    (worktree / "link").symlink_to(secrets / "token.txt")
    assert b"s3cr3t" not in _confined(["cat", "link"], worktree).stdout
    proc = _confined(["cat", f"/proc/{os.getpid()}/environ"], worktree)
    assert proc.returncode != 0 and proc.stdout == b""
    unconfined = runner.run(["cat", str(secrets / "token.txt")], cwd=worktree, timeout=30,
                            memory_mb=None, cancelled=lambda: False)  # fmt: skip
    assert unconfined.stdout == b"s3cr3t\n"


def test_a_confined_child_writes_only_its_temp_folder(tmp_path: Path) -> None:
    worktree, _ = _tree(tmp_path)
    script = 'echo x > "$TMPDIR/ok" && echo done; echo x > main.py || echo refused'
    result = _confined(["sh", "-c", script], worktree)
    assert result.stdout.split() == [b"done", b"refused"], result.stderr
    assert (private_temp_folder() / "ok").is_file()
    assert (worktree / "main.py").read_text() == "print('mine')\n"


def test_a_scan_says_its_analysers_are_confined(tmp_path: Path) -> None:
    worktree, _ = _tree(tmp_path)
    (worktree / "bad.py").write_text("def f():\n    return undefined_name\n")
    settings = EngineSettings(cache_dir=tmp_path / "cache", work_dir=tmp_path / "work")
    spec = ScanSpec("", "", None, (), (), rule_languages=("Python",))
    observer = LogCollector()
    result = scan_tree(worktree, spec, settings, observer)
    assert any("may read only the worktree (Landlock ABI" in line for line in observer.lines)
    assert [(f.rule_id, f.path) for f in result.findings] == [("ruff:F821", "bad.py")]
    assert result.metrics.errors == [] and not result.partial


def test_threads_starting_at_once_share_one_private_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    """A second folder would hold copies and configs a child confined to the first cannot read
    (the ArkTS copies were lost that way, one run in two)."""
    import threading

    from opencheck.engine.analyzers import base

    monkeypatch.setattr(base, "_TEMP", [])
    start = threading.Barrier(8)
    found: list[Path] = []

    def first_use() -> None:
        start.wait()
        found.append(private_temp_folder())

    threads = [threading.Thread(target=first_use) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(found)) == 1 and found[0].is_dir()
