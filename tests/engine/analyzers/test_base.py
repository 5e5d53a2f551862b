"""The batch helper and rule selection, with analysers that crash, hang or babble."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from opencheck.engine.analyzers import base, registry
from opencheck.engine.analyzers.base import (
    Limits,
    RuleSelection,
    batches,
    content_file,
    default_selection,
    run_batch,
)
from opencheck.engine.analyzers.ruff import RUFF
from opencheck.engine.errors import ScanCancelled

from .fakes import ScriptAnalyzer

LIMITS = Limits(timeout=30, memory_mb=None, cancelled=lambda: False)
ALL = RuleSelection.of(ScriptAnalyzer("").rules)


def test_batches_bound_files_and_characters() -> None:
    files = [f"f{i:03}.py" for i in range(10)]  # 8 characters each, 9 with the separator
    assert batches(files, max_files=4) == [files[:4], files[4:8], files[8:]]
    assert batches(files, max_files=100, max_chars=27) == [files[i : i + 3] for i in (0, 3, 6, 9)]
    assert batches(["a" * 50], max_chars=10) == [["a" * 50]]  # never an empty batch
    assert batches([]) == []


def test_findings_are_kept_for_selected_rules_and_requested_files(tmp_path: Path) -> None:
    out = (
        '[["fake:one", "a.py", 1, 1, "m"], ["fake:sec", "a.py", 2, 1, "m"],'
        ' ["fake:other", "a.py", 3, 1, "m"], ["fake:one", "elsewhere.py", 1, 1, "m"]]'
    )
    analyzer = ScriptAnalyzer(f"echo '{out}'")
    result = run_batch(analyzer, tmp_path, ["a.py"], ALL, LIMITS)
    assert result.error is None
    assert [f.line for f in result.findings] == [1, 2]
    only_security = default_selection(analyzer, "security")
    assert [
        f.line for f in run_batch(analyzer, tmp_path, ["a.py"], only_security, LIMITS).findings
    ] == [2]


@pytest.mark.parametrize(
    ("script", "limits", "error"),
    [
        ("kill -9 $$", LIMITS, "killed by SIGKILL"),
        ("sleep 30", Limits(0.3, None, lambda: False), "timed out after 0.3s"),
        ("echo 'boom' >&2; exit 2", LIMITS, "exit code 2: boom"),
        ("echo '[1, 2'", LIMITS, "exit code 0: bad output"),
        (
            "exec python3 -c 'bytearray(1 << 30)'",
            Limits(30, 200, lambda: False),
            "MemoryError",
        ),
    ],
)
def test_failures_are_recorded_not_raised(
    tmp_path: Path, script: str, limits: Limits, error: str
) -> None:
    result = run_batch(ScriptAnalyzer(script), tmp_path, ["a.py", "b.py"], ALL, limits)
    assert result.findings == []
    assert result.error is not None and error in result.error
    assert list(result.files) == ["a.py", "b.py"]


def test_a_tool_that_writes_too_much_is_stopped_and_a_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(base, "MAX_OUTPUT_MB", 1)
    flood = ScriptAnalyzer("exec yes")  # endless output (confined tools may not read /dev/zero)
    result = run_batch(flood, tmp_path, ["a.py"], ALL, Limits(30, None, lambda: False))
    assert result.findings == []
    assert result.error == "killed by SIGXFSZ (more than 1 MB of output)"


def test_a_tool_that_cannot_start_is_a_failure(tmp_path: Path) -> None:
    class Missing(ScriptAnalyzer):
        def command(self, files: object, rules: object) -> list[str]:
            return ["/nonexistent/analyzer"]

    result = run_batch(Missing(""), tmp_path, ["a.py"], ALL, LIMITS)
    assert result.error is not None and "cannot run" in result.error


def test_cancellation_propagates(tmp_path: Path) -> None:
    with pytest.raises(ScanCancelled):
        run_batch(
            ScriptAnalyzer("sleep 30"), tmp_path, ["a.py"], ALL, Limits(30, None, lambda: True)
        )


def test_default_selection() -> None:
    analyzer = ScriptAnalyzer("")
    assert default_selection(analyzer, "basic").ids == {"fake:one", "fake:sec"}
    assert default_selection(analyzer, "security").ids == {"fake:sec"}
    assert default_selection(analyzer, "basic", ["Go"]).ids == frozenset()
    assert "ruff:syntax-error" in default_selection(RUFF, "security").ids
    with pytest.raises(ValueError, match="rule type"):
        default_selection(analyzer, "strict")


def test_registry() -> None:
    assert registry.ANALYZERS["ruff"] is RUFF
    assert registry.analyzers_for("Python") == [RUFF]
    assert registry.analyzers_for("Cobol") == []
    assert registry.is_security_rule("ruff:S608")
    assert not registry.is_security_rule("ruff:F401")
    assert not registry.is_security_rule("nope:S1")
    assert registry.rule("ruff:F821") is not None
    analysed = sum(len(a.rules) for a in registry.ANALYZERS.values())
    assert len(registry.all_rules()) == analysed + len(registry.ENGINE_RULES)
    assert registry.rule("opencheck:unused-suppression") is not None


def test_content_file_is_written_once_and_never_seen_half_written() -> None:
    text = "rule: x\n" * 5000
    paths = set()

    def write() -> None:
        path = content_file(text, prefix="test-rules", suffix=".yml")
        assert path.read_text(encoding="utf-8") == text  # complete from the first read
        paths.add(path)

    threads = [threading.Thread(target=write) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    [path] = paths
    assert path.name.startswith("test-rules-") and path.suffix == ".yml"
    assert content_file("other", prefix="test-rules", suffix=".yml") != path
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".")]  # no partial left
