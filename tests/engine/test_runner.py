"""The subprocess runner: group kills, limits, cancellation, environment."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import pytest

from opencheck.engine import runner
from opencheck.engine.errors import EngineError, ScanCancelled

from .conftest import alive


def never() -> bool:
    return False


def run(argv: list[str], tmp_path: Path, **kwargs: object) -> runner.RunResult:
    options: dict = {"timeout": 30.0, "memory_mb": None, "cancelled": never, **kwargs}
    return runner.run(argv, cwd=tmp_path, **options)


def wait_for_pids(pidfile: Path, count: int) -> list[int]:
    for _ in range(100):
        if pidfile.exists() and len(pidfile.read_text().split()) >= count:
            break
        time.sleep(0.05)
    return [int(p) for p in pidfile.read_text().split()]


def test_output_exit_code_and_stdin(tmp_path: Path) -> None:
    result = run(["sh", "-c", "cat; echo oops >&2; exit 3"], tmp_path, stdin=b"hello")
    assert (result.returncode, result.stdout, result.stderr) == (3, b"hello", b"oops\n")
    assert not result.timed_out
    assert result.duration >= 0


def test_large_output_does_not_deadlock(tmp_path: Path) -> None:
    result = run([sys.executable, "-c", "print('x' * 5_000_000)"], tmp_path)
    assert len(result.stdout) == 5_000_001


def test_output_cap_stops_a_child_that_writes_too_much(tmp_path: Path) -> None:
    native = ["head", "-c", "4000000", "/dev/zero"]
    capped = run(native, tmp_path, max_output_mb=1)
    assert capped.returncode == -signal.SIGXFSZ
    assert len(capped.stdout) == 1024 * 1024
    assert run(native, tmp_path, max_output_mb=8).returncode == 0
    # Python ignores SIGXFSZ: its write fails instead, and so does the child.
    code = "import sys\nfor _ in range(64): sys.stdout.write('x' * 65536)"
    assert run([sys.executable, "-c", code], tmp_path, max_output_mb=1).returncode == 1


def test_timeout_kills_the_whole_group(tmp_path: Path) -> None:
    script = "sleep 30 & echo $! > pids; echo $$ >> pids; sleep 30"
    start = time.monotonic()
    result = run(["sh", "-c", script], tmp_path, timeout=0.5)
    assert result.timed_out
    assert time.monotonic() - start < 10
    pids = wait_for_pids(tmp_path / "pids", 2)
    assert not any(alive(pid) for pid in pids)


def test_background_children_do_not_outlive_a_normal_exit(tmp_path: Path) -> None:
    result = run(["sh", "-c", "sleep 30 & echo $!"], tmp_path)
    assert result.returncode == 0 and not result.timed_out
    assert not alive(int(result.stdout))


def test_memory_limit_makes_a_big_allocation_fail(tmp_path: Path) -> None:
    code = "b = bytearray(1024 * 1024 * 1024)"
    limited = run([sys.executable, "-c", code], tmp_path, memory_mb=256)
    assert limited.returncode != 0
    assert b"MemoryError" in limited.stderr
    assert run([sys.executable, "-c", "print(1)"], tmp_path, memory_mb=256).returncode == 0


def test_cancel_raises_and_kills_the_group(tmp_path: Path) -> None:
    pidfile = tmp_path / "pids"

    def cancelled() -> bool:
        return pidfile.exists() and len(pidfile.read_text().split()) >= 2

    script = "sleep 30 & echo $! > pids; echo $$ >> pids; sleep 30"
    start = time.monotonic()
    with pytest.raises(ScanCancelled):
        run(["sh", "-c", script], tmp_path, cancelled=cancelled)
    assert time.monotonic() - start < 10
    assert not any(alive(pid) for pid in wait_for_pids(pidfile, 2))


def test_environment_is_minimal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENCHECK_SECRET_KEY", "s3cret")
    result = run(["env"], tmp_path, env={"EXTRA": "yes"})
    lines = set(result.stdout.decode().splitlines())
    assert {"LANG=C.UTF-8", "EXTRA=yes"} <= lines
    assert b"s3cret" not in result.stdout
    allowed = {"PATH", "HOME", "LANG", "EXTRA", "PWD", "OPENCHECK_OWNER"}
    assert {line.split("=", 1)[0] for line in lines} <= allowed


def test_missing_program_is_an_engine_error(tmp_path: Path) -> None:
    with pytest.raises(EngineError, match="cannot run"):
        run(["/nonexistent/tool"], tmp_path)


def test_a_child_s_exit_is_an_event_not_a_poll() -> None:
    """The runner waits on a pidfd: readable once the child exits, not before."""
    import select
    import subprocess

    from opencheck.engine.runner import _exit_event

    child = subprocess.Popen(["sleep", "30"])
    event = _exit_event(child.pid)
    assert event is not None
    try:
        assert select.select([event], [], [], 0)[0] == []  # still running
        child.kill()
        assert select.select([event], [], [], 30)[0] == [event]
    finally:
        os.close(event)
        child.wait()
