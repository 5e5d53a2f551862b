"""Scale-out workers: the same checks, delivered through Celery (Redis or RabbitMQ).

A message only wakes a worker of the execution's pool (one Celery queue per pool); the claim
in the database decides who runs it, so redelivered and resent messages are harmless. Messages
a broker restart lost are resent by the pool's workers when they find the pool's broker queue
empty while the database still has executions waiting.
"""

from __future__ import annotations

import hashlib
import logging
import re
from typing import Any

from celery import Celery
from kombu.exceptions import ChannelError
from kombu.exceptions import OperationalError as KombuOperationalError

from opencheck.config import Settings
from opencheck.domain.pools import DEFAULT_POOL
from opencheck.queue.agent import WorkerAgent
from opencheck.queue.upkeep import Upkeep
from opencheck.services import leases
from opencheck.services.checks import CheckContext
from opencheck.services.leases import Claim
from opencheck.store.db import UNREACHABLE, unit_of_work

TASK_NAME = "opencheck.execute"
_SAFE = re.compile(r"[A-Za-z0-9_.-]{1,100}")
log = logging.getLogger("opencheck.queue")


def queue_name(prefix: str, pool: str) -> str:
    """The Celery queue of a pool; a name brokers may refuse is replaced by its hash."""
    if _SAFE.fullmatch(pool):
        return f"{prefix}.{pool}"
    return f"{prefix}.h" + hashlib.sha256(pool.encode()).hexdigest()[:32]


def make_celery(settings: Settings, agent: WorkerAgent | None = None) -> Celery:
    """A Celery app; with `agent` it also has the task that carries out an execution by id."""
    app = Celery("opencheck", broker=settings.broker_url)
    app.conf.update(
        task_acks_late=True,  # acknowledged once the result is stored (or the claim failed)
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_serializer="json",
        accept_content=["json"],
        broker_connection_retry_on_startup=True,
        broker_connection_max_retries=None,  # a restarted broker is waited for, not fatal
        task_default_queue=queue_name(settings.queue_prefix, DEFAULT_POOL),
        worker_hijack_root_logger=False,
        # Cancels go through the database. Celery's remote control would give each worker an
        # exclusive broker queue named after it, and a second worker of that name on the host
        # (another deployment sharing the broker) would die at start with RESOURCE_LOCKED.
        worker_enable_remote_control=False,
    )
    if agent is not None:
        retry_after = max(1.0, agent.ctx.poll_interval)

        @app.task(name=TASK_NAME, bind=True, shared=False)  # each worker app its own agent
        def execute(task: Any, execution_id: str) -> None:
            try:
                claimed = agent.run(execution_id)
            except UNREACHABLE:
                # Nothing was claimed (carry_out itself never raises): without the retry the
                # message would be acknowledged and the execution wait for a resend.
                log.warning("database unreachable; execution %s tried again later", execution_id)
                claimed = Claim.POOL_FULL
            if claimed is Claim.POOL_FULL:
                raise task.retry(countdown=retry_after, max_retries=None)

    return app


class CeleryQueue:
    """Publishes execution ids to their pool's broker queue; `opencheck worker` consumes them."""

    name = "celery"

    def __init__(self, settings: Settings, ctx: CheckContext) -> None:
        self._app = make_celery(settings)
        self._prefix = settings.queue_prefix
        self._upkeep = Upkeep(ctx, self.enqueue)

    @property
    def app(self) -> Celery:
        return self._app

    def start(self) -> None:
        self._upkeep.start()

    def enqueue(self, execution_id: str, pool: str = DEFAULT_POOL) -> None:
        try:
            self._app.send_task(
                TASK_NAME, args=[execution_id], queue=queue_name(self._prefix, pool)
            )
        except (KombuOperationalError, OSError) as exc:
            # The execution is committed, queued: refusing the request now would make the
            # client's retry a 409. The pool's workers resend what the broker does not have.
            log.warning("broker unreachable (%s); execution %s is resent later", exc, execution_id)

    def cancel(self, execution_id: str) -> None:
        return None  # workers poll the execution's cancel flag

    def shutdown(self) -> None:
        self._upkeep.stop()
        self._app.close()


class CeleryWorker:
    """A Celery worker of one pool: threads running checks, a heartbeat and resends."""

    def __init__(self, settings: Settings, agent: WorkerAgent) -> None:
        self.agent = agent
        self.app = make_celery(settings, agent)
        self._prefix = settings.queue_prefix
        self.queue = queue_name(self._prefix, agent.worker.pool)
        self.upkeep = Upkeep(agent.ctx, self._send, (agent.heartbeat,), name="opencheck-heartbeat")
        # Apart from the heartbeat, which a publish waiting for an absent broker must not delay.
        self.resender = Upkeep(
            agent.ctx, self._send, (self.resend_lost,), name="opencheck-resend", reaps=False
        )

    def start_upkeep(self) -> None:
        """Register the worker and start its heartbeat (before Celery consumes)."""
        self.agent.clean_up()
        self.agent.register()
        self.upkeep.run_once()
        self.upkeep.start()
        self.resender.start()

    def run(self) -> None:
        """Consume the pool's queue until the worker is stopped (blocks)."""
        argv = [
            "worker",
            "--loglevel=INFO",
            f"--concurrency={self.agent.concurrency}",
            "--pool=threads",
            f"--queues={self.queue}",
            f"--hostname={self.agent.worker.name}@%h",
            "--without-mingle",
            "--without-gossip",
        ]
        self.app.worker_main(argv)

    def stop(self) -> None:
        self.agent.cancel_all()
        self.upkeep.stop()
        self.resender.stop()
        try:
            self.agent.unregister()
        except Exception:
            log.exception("cannot unregister worker %s", self.agent.worker.name)
        self.app.close()

    def resend_lost(self) -> None:
        """Resend what waits in the database when the broker's queue of the pool is empty."""
        if self._broker_depth() > 0:
            return
        grace = self.agent.ctx.lease_seconds
        with unit_of_work(self.agent.ctx.sessions) as s:
            waiting = leases.queued_before(s, self.agent.worker.pool, grace)
        for execution_id in waiting:
            self._send(execution_id, self.agent.worker.pool)
        if waiting:
            log.warning("resent %d execution(s) the broker no longer had", len(waiting))

    def _send(self, execution_id: str, pool: str) -> None:
        self.app.send_task(TASK_NAME, args=[execution_id], queue=queue_name(self._prefix, pool))

    def _broker_depth(self) -> int:
        with self.app.connection_for_read() as conn:
            try:
                declared = conn.default_channel.queue_declare(queue=self.queue, passive=True)
            except ChannelError:  # Redis drops an empty list; a restarted broker lost the queue
                return 0
            return int(declared.message_count)
