"""A thread every OpenCheck process runs beside its work: heartbeats, reaping, resends and
merging the task list's counts.

The reaper runs in every process (API and workers alike), so an execution whose worker died is
queued again or failed even when no other worker is left; the conditional updates in
services.leases make the processes' races harmless.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from opencheck.services import leases, task_counts
from opencheck.services.checks import CheckContext
from opencheck.store.db import UNREACHABLE, unit_of_work

log = logging.getLogger("opencheck.queue")

MERGES_A_ROUND = 20  # transactions of task_counts.merge in one round

Requeue = Callable[[str, str], None]  # (execution id, pool) → hand it to the queue again


class Upkeep:
    """Runs `chores` and (if `reaps`) the reaper every `ctx.lease_seconds / 3` seconds."""

    def __init__(
        self,
        ctx: CheckContext,
        requeue: Requeue,
        chores: tuple[Callable[[], None], ...] = (),
        name: str = "opencheck-upkeep",
        reaps: bool = True,
    ) -> None:
        self._ctx = ctx
        self._reaps = reaps
        self._requeue = requeue
        self._chores = chores
        self._interval = max(0.05, ctx.lease_seconds / 3)
        self._unreachable_at: float | None = None  # monotonic time of the last failed round
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=30)

    def run_once(self) -> None:
        """One round of chores and reaping; errors are logged, the next round tries again."""
        reachable = all([self._attempt(chore) for chore in self._chores])
        if self._reaps and reachable and self._leases_renewable():
            reachable = self._attempt(self.reap)
        if self._reaps and reachable:
            reachable = self._attempt(self.merge_counts)
        if not reachable:
            self._unreachable_at = time.monotonic()

    def _leases_renewable(self) -> bool:
        # A lease that ran out while the database was unreachable says nothing of its worker,
        # which could not renew it either: after an outage this process reaps again only once
        # workers have had a whole lease (three heartbeats) to renew theirs.
        since = self._unreachable_at
        return since is None or time.monotonic() - since >= self._ctx.lease_seconds

    def _attempt(self, chore: Callable[[], None]) -> bool:
        """Run `chore`; False when the database was unreachable."""
        try:
            chore()
        except UNREACHABLE as exc:  # an outage: one line a round, not a traceback
            log.warning(
                "database unreachable (%s); %s skipped", exc.__class__.__name__, _name(chore)
            )
            return False
        except Exception:
            log.exception("upkeep chore %s failed", _name(chore))
        return True

    def reap(self) -> None:
        with unit_of_work(self._ctx.sessions) as s:
            requeued = leases.reap(s, self._ctx.max_attempts)
            leases.forget_stale_workers(s, self._ctx.lease_seconds * 20)
        for execution_id, pool in requeued:
            log.warning("execution %s lost its worker; queued again", execution_id)
            try:
                self._requeue(execution_id, pool)
            except Exception:  # the broker is away: the resend chore picks it up later
                log.exception("cannot hand execution %s to the queue", execution_id)

    def merge_counts(self) -> None:
        """Keep the task list's counts one row per project and filter (services.task_counts):
        one bounded transaction after another, until nothing is left to merge or the round's
        share is done (a bulk import leaves the rest to the next rounds)."""
        for _ in range(MERGES_A_ROUND):
            with unit_of_work(self._ctx.sessions) as s:
                if not task_counts.merge(s):
                    return

    def _loop(self) -> None:
        while not self._stop.wait(self._interval):
            self.run_once()


def _name(chore: Callable[[], None]) -> str:
    return getattr(chore, "__name__", repr(chore))
