"""Choose the job queue (the producer side of `serve`) and the consumer of `opencheck worker`."""

from __future__ import annotations

from opencheck.config import Settings
from opencheck.errors import InvalidParameter
from opencheck.queue.agent import WorkerAgent
from opencheck.queue.base import JobQueue
from opencheck.queue.celery_app import CeleryQueue, CeleryWorker
from opencheck.queue.embedded import EmbeddedQueue
from opencheck.services.checks import CheckContext
from opencheck.services.leases import WorkerId

BACKENDS = ("embedded", "celery")


def make_queue(settings: Settings, ctx: CheckContext) -> JobQueue:
    """The API's queue: embedded (with worker threads unless `run_workers` is off) or Celery."""
    if settings.queue_backend == "embedded":
        workers = settings.workers if settings.run_workers else 0
        return EmbeddedQueue(ctx, workers, settings.pool, settings.worker_name)
    if settings.queue_backend == "celery":
        return CeleryQueue(settings, ctx)
    raise InvalidParameter(f"unknown queue backend {settings.queue_backend!r} (embedded, celery)")


def make_worker(settings: Settings, ctx: CheckContext) -> EmbeddedQueue | CeleryWorker:
    """A scan worker process's consumer of `settings.pool`."""
    if settings.queue_backend == "embedded":
        return EmbeddedQueue(ctx, max(1, settings.workers), settings.pool, settings.worker_name)
    if settings.queue_backend == "celery":
        agent = WorkerAgent(ctx, WorkerId.of(settings.pool, settings.worker_name), settings.workers)
        return CeleryWorker(settings, agent)
    raise InvalidParameter(f"unknown queue backend {settings.queue_backend!r} (embedded, celery)")
