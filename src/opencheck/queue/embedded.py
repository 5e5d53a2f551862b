"""In-process worker pool taking executions from the database, oldest first."""

from __future__ import annotations

import logging
import threading

from opencheck.queue.webhook_dispatch import WebhookDispatcher
from opencheck.services import checks
from opencheck.services.checks import CheckContext

log = logging.getLogger("opencheck.queue")


class EmbeddedQueue:
    """N worker threads; the executions table with status `quering` is the queue itself."""

    name = "embedded"

    def __init__(self, ctx: CheckContext, workers: int) -> None:
        self._ctx = ctx
        self._workers = max(1, workers)
        self._wake = threading.Condition()
        self._closing = threading.Event()
        self._threads: list[threading.Thread] = []
        self._stops: dict[str, threading.Event] = {}
        self._lock = threading.Lock()
        self._webhooks = WebhookDispatcher(ctx, ctx.poll_interval)

    def start(self) -> None:
        recovered = checks.recover_interrupted(self._ctx.sessions)
        if recovered:
            log.warning("marked %d interrupted execution(s) failed", recovered)
        killed = checks.kill_orphans()
        if killed:
            log.warning("killed %d analyser process(es) left by an earlier process", killed)
        # Nothing of this process runs yet, so every worktree on disk is a leftover.
        swept = checks.sweep_worktrees(self._ctx)
        if swept:
            log.warning("discarded %d worktree(s) left by an earlier process", swept)
        unused = checks.sweep_clones(self._ctx)
        if unused:
            log.info("discarded %d cached clone(s) no task uses", unused)
        self._webhooks.start()
        for n in range(self._workers):
            t = threading.Thread(target=self._loop, name=f"opencheck-worker-{n}", daemon=True)
            t.start()
            self._threads.append(t)

    def enqueue(self, execution_id: str) -> None:
        with self._wake:
            self._wake.notify()

    def cancel(self, execution_id: str) -> None:
        with self._lock:
            stop = self._stops.get(execution_id)
        if stop is not None:
            stop.set()

    def shutdown(self) -> None:
        self._closing.set()
        with self._lock:
            for stop in self._stops.values():
                stop.set()
        with self._wake:
            self._wake.notify_all()
        for t in self._threads:
            t.join(timeout=30)
        self._threads.clear()
        self._webhooks.stop()

    def _loop(self) -> None:
        while not self._closing.is_set():
            try:
                execution_id = checks.next_queued(self._ctx.sessions)
            except Exception:
                log.exception("cannot read the queue")
                execution_id = None
            if execution_id is None:
                with self._wake:
                    self._wake.wait(timeout=self._ctx.poll_interval)
                continue
            self._run(execution_id)

    def _run(self, execution_id: str) -> None:
        stop = threading.Event()
        with self._lock:
            self._stops[execution_id] = stop
        try:
            checks.process(self._ctx, execution_id, stop)
        finally:
            with self._lock:
                self._stops.pop(execution_id, None)
