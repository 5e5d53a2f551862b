"""Analyser processes die with the service that started them.

A child with limits is told to die with its parent (PR_SET_PDEATHSIG, Linux); and every child
carries `OPENCHECK_OWNER=<pid>-<start time>` in its environment, inherited by its own children,
so that a service starting after a kill -9 finds and kills what its predecessor left running.
"""

from __future__ import annotations

import ctypes
import functools
import os
import signal

OWNER_VARIABLE = "OPENCHECK_OWNER"
_PR_SET_PDEATHSIG = 1


@functools.cache
def _libc() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


def die_with_parent() -> None:
    """In a freshly forked child: be killed when the thread that forked it goes away."""
    libc = _libc()
    if libc is not None and hasattr(libc, "prctl"):
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _start_ticks(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (field 22 of /proc/<pid>/stat)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            stat = handle.read()
    except OSError:
        return None
    # The command name may hold spaces and parentheses: the fields start after the last ')'.
    fields = stat[stat.rfind(b")") + 2 :].split()
    return fields[19].decode() if len(fields) > 19 else None


def owner_tag() -> str:
    """This process's tag: its pid and start time, which no later process can share."""
    return _tag_of(os.getpid())  # keyed by pid: a forked child gets its own


@functools.cache
def _tag_of(pid: int) -> str:
    return f"{pid}-{_start_ticks(pid) or 0}"


def _owner_of(pid: str) -> str | None:
    try:
        with open(f"/proc/{pid}/environ", "rb") as handle:
            environ = handle.read()
    except OSError:
        return None
    prefix = OWNER_VARIABLE.encode() + b"="
    for item in environ.split(b"\0"):
        if item.startswith(prefix):
            return item[len(prefix) :].decode(errors="replace")
    return None


def _alive(tag: str) -> bool:
    pid, _, ticks = tag.partition("-")
    return pid.isdigit() and _start_ticks(int(pid)) == ticks


def kill_orphans() -> int:
    """Kill every process whose owner (by tag) is gone; returns how many were found."""
    killed = 0
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else []:
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        tag = _owner_of(entry)
        if tag is None or _alive(tag):
            continue
        try:
            os.kill(int(entry), signal.SIGKILL)
            killed += 1
        except OSError:
            continue
    return killed
