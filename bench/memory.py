"""Peak resident memory of a process tree: the sum of VmRSS over a process and its descendants.

`ru_maxrss` only tells the largest single process; a scan runs several at once (the service
and its analysers, or pysemgrep and semgrep-core), so a thread samples /proc instead.
"""

from __future__ import annotations

import threading
from pathlib import Path
from types import TracebackType

PROC = Path("/proc")


def _rss_kib(pid: int) -> int:
    for line in (PROC / str(pid) / "status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0  # a zombie has no VmRSS


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in (PROC / str(pid) / "task").iterdir():
        found.extend(int(c) for c in (task / "children").read_text().split())
    return found


def tree_rss_kib(pid: int) -> int:
    """VmRSS of `pid` and every descendant alive now, in KiB (processes gone meanwhile skipped)."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            total += _rss_kib(current)
            stack.extend(_children(current))
        except (OSError, ValueError):
            continue
    return total


class PeakTreeRss:
    """`with PeakTreeRss(pid) as peak:` samples every `interval` s; `peak.mib` after the block."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        self.pid = pid
        self.interval = interval
        self.peak_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)

    def _run(self) -> None:
        while True:
            self.peak_kib = max(self.peak_kib, tree_rss_kib(self.pid))
            if self._stop.wait(self.interval):
                return

    def __enter__(self) -> PeakTreeRss:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def mib(self) -> float:
        return round(self.peak_kib / 1024, 1)
