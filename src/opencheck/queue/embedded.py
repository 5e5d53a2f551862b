"""Worker threads taking executions of their pool from the database, oldest first.

The executions table with status `quering` is the queue itself, so any number of processes on
any hosts that share the database (`opencheck worker --queue embedded`) take work from it; one
with no worker threads (`opencheck serve --no-workers`) only reaps and sends webhooks.
"""

from __future__ import annotations

import logging
import threading

from opencheck.domain.pools import DEFAULT_POOL
from opencheck.queue.agent import WorkerAgent
from opencheck.queue.upkeep import Upkeep
from opencheck.queue.webhook_dispatch import WebhookDispatcher
from opencheck.services import leases
from opencheck.services.checks import CheckContext
from opencheck.services.leases import Claim, WorkerId
from opencheck.store.db import UNREACHABLE, unit_of_work

log = logging.getLogger("opencheck.queue")


class EmbeddedQueue:
    """N worker threads of one pool (none: the API alone) polling the executions table."""

    name = "embedded"

    def __init__(
        self, ctx: CheckContext, workers: int, pool: str = DEFAULT_POOL, worker_name: str = ""
    ) -> None:
        self._ctx = ctx
        self._workers = max(0, workers)
        self._wake = threading.Condition()
        self._closing = threading.Event()
        self._threads: list[threading.Thread] = []
        self._agent = (
            WorkerAgent(ctx, WorkerId.of(pool, worker_name), self._workers) if workers else None
        )
        chores = (self._agent.heartbeat,) if self._agent else ()
        self._upkeep = Upkeep(ctx, lambda _id, _pool: self._notify(), chores)
        self._webhooks = WebhookDispatcher(ctx, ctx.poll_interval)

    @property
    def agent(self) -> WorkerAgent | None:
        return self._agent

    def start(self) -> None:
        if self._agent is not None:
            self._agent.clean_up()
            self._agent.register()
            self._upkeep.run_once()  # leases that ran out while nothing was running
        self._upkeep.start()
        self._webhooks.start()
        for n in range(self._workers):
            t = threading.Thread(target=self._loop, name=f"opencheck-worker-{n}", daemon=True)
            t.start()
            self._threads.append(t)

    def enqueue(self, execution_id: str, pool: str = DEFAULT_POOL) -> None:
        self._notify()

    def cancel(self, execution_id: str) -> None:
        if self._agent is not None:
            self._agent.cancel(execution_id)

    def shutdown(self) -> None:
        self._closing.set()
        if self._agent is not None:
            self._agent.cancel_all()
        self._notify(everyone=True)
        for t in self._threads:
            t.join(timeout=30)
        self._threads.clear()
        self._upkeep.stop()
        self._webhooks.stop()
        if self._agent is not None:
            try:
                self._agent.unregister()
            except Exception:
                log.exception("cannot unregister worker %s", self._agent.worker.name)

    def _notify(self, everyone: bool = False) -> None:
        with self._wake:
            if everyone:
                self._wake.notify_all()
            else:
                self._wake.notify()

    def _loop(self) -> None:
        assert self._agent is not None
        pool = self._agent.worker.pool
        while not self._closing.is_set():
            try:
                with unit_of_work(self._ctx.sessions) as s:
                    execution_id = leases.next_queued(s, pool)
                claimed = self._agent.run(execution_id) if execution_id else None
            except UNREACHABLE as exc:  # an outage: one line a poll, not a traceback
                log.warning("database unreachable (%s); the queue waits", type(exc).__name__)
                claimed = None
            except Exception:
                log.exception("cannot read the queue")
                claimed = None
            if claimed in (None, Claim.POOL_FULL):
                with self._wake:
                    self._wake.wait(timeout=self._ctx.poll_interval)
