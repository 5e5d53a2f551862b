"""A check's own stopwatch: wall and CPU seconds per step, its child processes' CPU included.

The log has one-second timestamps and cannot tell a step's CPU from its waiting; these figures
come from `time.perf_counter`, the running thread's CPU clock (`time.thread_time`: the process
clock would count the other threads' work too, and several steps overlap) and the rusage of
each child process the runner reaps (git, the analysers, the metrics child).

A step runs in one thread; the runner charges a child's CPU to the step running in the thread
that started it, found through a context variable. A thread pool's threads do not inherit it:
code that submits work belonging to a step submits it with `contextvars.copy_context().run`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

__all__ = ["StepTime", "StepTimes", "charge_children"]


@dataclass
class StepTime:
    """One step's seconds: summed over every time it ran (an analyser runs in many batches)."""

    step: str
    wall: float = 0.0
    cpu: float = 0.0  # this process, in the threads that ran the step
    child_cpu: float = 0.0  # user and system time of the step's child processes

    @property
    def total_cpu(self) -> float:
        return self.cpu + self.child_cpu


_CURRENT: ContextVar[tuple[StepTimes, str] | None] = ContextVar("opencheck_step", default=None)


class StepTimes:
    """The steps of one check in the order they first ran; safe to use from several threads."""

    def __init__(self) -> None:
        self._steps: dict[str, StepTime] = {}
        self._lock = threading.Lock()

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        """Time the block as `name`; child processes started in it (in this thread) count too."""
        token = _CURRENT.set((self, name))
        self.add(name)  # listed in the order steps start, not end (analysis before an analyser)
        wall, cpu = time.perf_counter(), time.thread_time()
        try:
            yield
        finally:
            _CURRENT.reset(token)
            self.add(name, wall=time.perf_counter() - wall, cpu=time.thread_time() - cpu)

    def add(
        self, name: str, *, wall: float = 0.0, cpu: float = 0.0, child_cpu: float = 0.0
    ) -> None:
        """Add seconds to `name` (created on first use), e.g. a wait measured elsewhere."""
        with self._lock:
            found = self._steps.setdefault(name, StepTime(name))
            found.wall += max(0.0, wall)
            found.cpu += max(0.0, cpu)
            found.child_cpu += max(0.0, child_cpu)

    def items(self) -> list[StepTime]:
        """Copies of the steps, in the order they first ran."""
        with self._lock:
            return [StepTime(s.step, s.wall, s.cpu, s.child_cpu) for s in self._steps.values()]


def charge_children(cpu: float) -> None:
    """Add a reaped child's CPU seconds to the step running in this context, if any."""
    current = _CURRENT.get()
    if current is not None:
        times, name = current
        times.add(name, child_cpu=cpu)
