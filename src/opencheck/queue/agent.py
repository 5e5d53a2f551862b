"""One scan worker's part in the cluster: its identity, the checks it runs and their leases."""

from __future__ import annotations

import logging
import threading

from opencheck.services import checks, leases
from opencheck.services.checks import CheckContext
from opencheck.services.leases import Claim, WorkerId
from opencheck.store.db import unit_of_work

log = logging.getLogger("opencheck.queue")


class WorkerAgent:
    """Carries out executions for one worker process and renews their leases (`heartbeat`)."""

    def __init__(self, ctx: CheckContext, worker: WorkerId, concurrency: int) -> None:
        self.ctx = ctx
        self.worker = worker
        self.concurrency = max(1, concurrency)
        self._lock = threading.Lock()
        # By execution and attempt: after a missed heartbeat this worker may claim an execution
        # again while its earlier attempt is still winding down.
        self._stops: dict[tuple[str, int], threading.Event] = {}

    def clean_up(self) -> None:
        """Before taking work: kill and discard what an earlier process on this host and data
        directory left (its analysers, worktrees, and clones no task uses)."""
        killed = checks.kill_orphans()
        if killed:
            log.warning("killed %d analyser process(es) left by an earlier process", killed)
        # Nothing of this process runs yet, so every worktree in its data dir is a leftover.
        swept = checks.sweep_worktrees(self.ctx)
        if swept:
            log.warning("discarded %d worktree(s) left by an earlier process", swept)
        unused = checks.sweep_clones(self.ctx)
        if unused:
            log.info("discarded %d cached clone(s) no task uses", unused)

    def register(self) -> None:
        """Announce this worker as alive in its pool."""
        with unit_of_work(self.ctx.sessions) as s:
            leases.register(s, self.worker, self.concurrency)

    def unregister(self) -> None:
        with unit_of_work(self.ctx.sessions) as s:
            leases.unregister(s, self.worker)

    def run(self, execution_id: str) -> Claim:
        """Claim and carry out one execution; returns whether it was claimed."""
        claimed, attempt = checks.claim(self.ctx, execution_id, self.worker)
        if claimed is not Claim.CLAIMED:
            return claimed
        stop, key = threading.Event(), (execution_id, attempt)
        with self._lock:  # only now: the heartbeat takes what is listed here for held
            for (other, _), earlier in self._stops.items():
                if other == execution_id:  # an attempt this worker lost: its writes would fail
                    earlier.set()
            self._stops[key] = stop
        try:
            checks.carry_out(self.ctx, execution_id, self.worker, stop, attempt)
        finally:
            with self._lock:
                self._stops.pop(key, None)
        return claimed

    def running(self) -> set[str]:
        with self._lock:
            return {execution_id for execution_id, _ in self._stops}

    def cancel(self, execution_id: str) -> None:
        with self._lock:
            for (running, _), stop in self._stops.items():
                if running == execution_id:
                    stop.set()

    def cancel_all(self) -> None:
        with self._lock:
            for stop in self._stops.values():
                stop.set()

    def heartbeat(self) -> None:
        """Renew the leases of the running checks; stop those another worker took over."""
        with unit_of_work(self.ctx.sessions) as s:
            lost = leases.renew(
                s, self.worker, self.running(), self.ctx.lease_seconds, self.concurrency
            )
        for execution_id in lost:
            log.warning(
                "execution %s is no longer leased to this worker; stopping it", execution_id
            )
            self.cancel(execution_id)
