"""Choose the job queue from settings."""

from __future__ import annotations

from opencheck.config import Settings
from opencheck.errors import InvalidParameter
from opencheck.queue.base import JobQueue
from opencheck.queue.celery_app import CeleryQueue
from opencheck.queue.embedded import EmbeddedQueue
from opencheck.services.checks import CheckContext


def make_queue(settings: Settings, ctx: CheckContext) -> JobQueue:
    if settings.queue_backend == "embedded":
        return EmbeddedQueue(ctx, settings.workers)
    if settings.queue_backend == "celery":
        return CeleryQueue(settings)
    raise InvalidParameter(f"unknown queue backend {settings.queue_backend!r} (embedded, celery)")
