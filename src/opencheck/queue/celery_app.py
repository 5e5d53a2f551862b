"""Scale-out workers: the same checks, delivered through Celery (Redis or RabbitMQ)."""

from __future__ import annotations

from typing import Any

from celery import Celery

from opencheck.config import Settings

TASK_NAME = "opencheck.execute"


def make_celery(settings: Settings) -> Celery:
    """A Celery app whose one task carries out an execution by id."""
    app = Celery("opencheck", broker=settings.broker_url)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_serializer="json",
        accept_content=["json"],
        broker_connection_retry_on_startup=True,
    )

    app.opencheck_settings = settings  # type: ignore[attr-defined]
    app.task(name=TASK_NAME, bind=True)(_execute)
    return app


def _execute(task: Any, execution_id: str) -> None:
    """Carry out one execution with the settings of the app that received it."""
    from opencheck.runtime import Runtime
    from opencheck.services import checks

    runtime = Runtime.for_worker(task.app.opencheck_settings)
    checks.process(runtime.check_context, execution_id)


class CeleryQueue:
    """Publishes execution ids to the broker; `opencheck worker` consumes them."""

    name = "celery"

    def __init__(self, settings: Settings) -> None:
        self._app = make_celery(settings)

    @property
    def app(self) -> Celery:
        return self._app

    def start(self) -> None:
        return None

    def enqueue(self, execution_id: str) -> None:
        self._app.send_task(TASK_NAME, args=[execution_id])

    def cancel(self, execution_id: str) -> None:
        return None  # workers poll the execution's cancel flag

    def shutdown(self) -> None:
        self._app.close()
