"""The one subprocess runner: process groups, time and memory limits, cancellation."""

from __future__ import annotations

import contextlib
import os
import resource
import select
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from opencheck.engine import landlock, orphans, steps
from opencheck.engine.errors import EngineError, ScanCancelled
from opencheck.engine.orphans import OWNER_VARIABLE

POLL_INTERVAL = 0.1
TERM_GRACE = 1.0


@dataclass(frozen=True)
class Confinement:
    """What a confined child may touch besides the system set: `readable` folders (read and
    execute) and `writable` ones (the first is its TMPDIR)."""

    readable: tuple[Path, ...]
    writable: tuple[Path, ...]


@dataclass(frozen=True)
class RunResult:
    """What one finished (or timed-out) process left behind."""

    returncode: int
    stdout: bytes
    stderr: bytes
    duration: float
    timed_out: bool
    # User and system seconds of the child and of the children it waited for (its rusage).
    cpu: float = 0.0


def minimal_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """PATH, HOME and a UTF-8 locale plus `extra`: the service's own secrets never reach a child.

    Every child also carries its owner's tag, which its own children inherit, so that a later
    process can find and kill what a crashed one left running.
    """
    env = {
        "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/nonexistent"),
        "LANG": "C.UTF-8",
        OWNER_VARIABLE: orphans.owner_tag(),
    }
    env.update(extra or {})
    return env


def run(
    argv: Sequence[str],
    *,
    cwd: Path,
    timeout: float,
    memory_mb: int | None,
    cancelled: Callable[[], bool],
    env: Mapping[str, str] | None = None,
    stdin: bytes | None = None,
    max_output_mb: int | None = None,
    confine: Confinement | None = None,
) -> RunResult:
    """Run `argv` in its own session; kill the whole group on timeout or cancellation.

    With `confine`, the child is confined by Landlock where the kernel has it (see landlock.py).

    `max_output_mb` caps every file the child writes, its output included (RLIMIT_FSIZE): a
    child that writes more dies of SIGXFSZ instead of filling the disk and this process's memory.
    Raises `ScanCancelled` when `cancelled()` turns true, `EngineError` when it cannot start.
    """
    with contextlib.ExitStack() as files:
        # Files rather than pipes: a chatty child can never block on a full pipe. A confined
        # child's are in its writable folder, so that it may reopen them (/dev/stdout).
        home = str(confine.writable[0]) if confine and confine.writable else None
        out = files.enter_context(tempfile.TemporaryFile(dir=home))
        err = files.enter_context(tempfile.TemporaryFile(dir=home))
        inp = None
        if stdin is not None:
            inp = files.enter_context(tempfile.TemporaryFile())
            inp.write(stdin)
            inp.seek(0)
        start = time.monotonic()
        if confine is not None and confine.writable:
            env = {**(env or {}), "TMPDIR": str(confine.writable[0])}
        ruleset = landlock.build(confine.readable, confine.writable) if confine else None
        try:
            proc = _spawn(argv, cwd, (memory_mb, max_output_mb, ruleset), env, inp, out, err)
        finally:
            if ruleset is not None:
                os.close(ruleset)
        timed_out, cpu = _supervise(proc, start + timeout, cancelled)
        duration = time.monotonic() - start
        steps.charge_children(cpu)
        out.seek(0)
        err.seek(0)
        return RunResult(proc.returncode, out.read(), err.read(), duration, timed_out, cpu)


def _spawn(
    argv: Sequence[str],
    cwd: Path,
    limits: tuple[int | None, int | None, int | None],
    env: Mapping[str, str] | None,
    stdin: IO[bytes] | None,
    stdout: IO[bytes],
    stderr: IO[bytes],
) -> subprocess.Popen[bytes]:
    memory_mb, output_mb, ruleset = limits
    rlimits = [
        (which, _within_own(which, mb * 1024 * 1024))
        for which, mb in ((resource.RLIMIT_AS, memory_mb), (resource.RLIMIT_FSIZE, output_mb))
        if mb is not None
    ]

    def set_limits() -> None:
        for which, limit in rlimits:
            resource.setrlimit(which, (limit, limit))
        orphans.die_with_parent()
        if ruleset is not None:
            landlock.restrict_self(ruleset)
            os.close(ruleset)

    try:
        return subprocess.Popen(
            list(argv),
            cwd=cwd,
            env=minimal_env(env),
            stdin=subprocess.DEVNULL if stdin is None else stdin,
            stdout=stdout,
            stderr=stderr,
            start_new_session=True,
            preexec_fn=set_limits if rlimits or ruleset is not None else None,
            close_fds=True,
            pass_fds=() if ruleset is None else (ruleset,),
        )
    except subprocess.SubprocessError as exc:  # preexec_fn failed: never run unconfined
        raise EngineError(f"cannot confine {argv[0]}: {exc}") from exc
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename else ""
        raise EngineError(f"cannot run {argv[0]}: {exc.strerror or exc}{where}") from exc


def _within_own(which: int, limit: int) -> int:
    """`limit`, lowered to this process's own hard limit (a capped worker's): a child may not
    raise it, and asking would make it fail before it starts."""
    own = resource.getrlimit(which)[1]
    return limit if own == resource.RLIM_INFINITY else min(limit, own)


def _supervise(
    proc: subprocess.Popen[bytes], deadline: float, cancelled: Callable[[], bool]
) -> tuple[bool, float]:
    """Wait for `proc`; return whether it had to be killed for running past `deadline`, and
    its CPU seconds."""
    exit_event = _exit_event(proc.pid)
    try:
        if _wait_exit(proc, exit_event, deadline, cancelled):
            return True, _kill_group(proc)
    except BaseException:  # cancelled, or the callback itself failed: nothing may outlive us
        _kill_group(proc)
        raise
    finally:
        if exit_event is not None:
            os.close(exit_event)
    # The leader is a zombie until reaped, so its id cannot be reused yet: background
    # children it left in the group can be killed without hitting a stranger.
    _signal_group(proc.pid, signal.SIGKILL)
    return False, _reap(proc)


def _wait_exit(
    proc: subprocess.Popen[bytes],
    exit_event: int | None,
    deadline: float,
    cancelled: Callable[[], bool],
) -> bool:
    """Until `proc` exits (False) or `deadline` passes (True); raises ScanCancelled."""
    delay = 0.002  # short commands (most git calls) finish in milliseconds: back off from there
    while not _exited(proc.pid):
        if cancelled():
            raise ScanCancelled("the scan was cancelled")
        left = deadline - time.monotonic()
        if left <= 0:
            return True
        if exit_event is None:
            time.sleep(min(delay, left))
            delay = min(delay * 2, POLL_INTERVAL)
        else:  # wakes the moment it exits; the interval only bounds noticing a cancel
            select.select([exit_event], [], [], min(POLL_INTERVAL, left))
    return False


def _exit_event(pid: int) -> int | None:
    """A descriptor readable once `pid` exits (Linux pidfd), else None: polling then notices an
    exit up to POLL_INTERVAL late, which over a check's many short batches adds up to seconds."""
    try:
        return os.pidfd_open(pid)
    except (AttributeError, OSError):
        return None


def _reap(proc: subprocess.Popen[bytes]) -> float:
    """Reap the leader with `wait4`, for its own rusage: RUSAGE_CHILDREN deltas would mix in
    the children that other threads (other analysers, the metrics child) reap meanwhile."""
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    except ChildProcessError:  # already reaped
        proc.wait()
        return 0.0
    proc.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_utime + usage.ru_stime


def _exited(pid: int) -> bool:
    """Has `pid` exited? Leaves it unreaped (WNOWAIT) so its process group id stays ours."""
    try:
        info = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
    except ChildProcessError:
        return True
    return info is not None and info.si_pid == pid


def _kill_group(proc: subprocess.Popen[bytes]) -> float:
    """SIGTERM the group, give it a second, then SIGKILL whatever is left and reap the leader;
    returns the leader's CPU seconds."""
    _signal_group(proc.pid, signal.SIGTERM)
    grace_end = time.monotonic() + TERM_GRACE
    while not _exited(proc.pid) and time.monotonic() < grace_end:
        time.sleep(0.05)
    _signal_group(proc.pid, signal.SIGKILL)
    return _reap(proc)


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)
