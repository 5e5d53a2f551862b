"""The ASGI application: routers, error handlers, request ids."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from opencheck import __version__
from opencheck.api import errors, openapi
from opencheck.api.body_limit import BodyLimitMiddleware
from opencheck.api.middleware import RequestIdMiddleware
from opencheck.api.nul_guard import NulGuardMiddleware
from opencheck.api.routes import (
    check_parameters,
    defects,
    executions,
    health,
    history,
    iam,
    metrics,
    prometheus,
    rulesets,
    task_settings,
    tasks_v1,
    tasks_v2,
    webhooks,
)
from opencheck.runtime import Runtime

log = logging.getLogger("opencheck")

# Starlette tries the routers in this order, each in a few microseconds: the dashboard's and
# pipelines' most frequent request, the task list, comes right after the liveness probe.
ROUTERS = (
    health.router,
    tasks_v1.router,
    prometheus.router,
    iam.router,
    tasks_v2.router,
    executions.router,
    history.router,
    defects.router,
    metrics.router,
    rulesets.router,
    task_settings.router,
    check_parameters.router,
    webhooks.router,
)


def create_app(runtime: Runtime, *, start_queue: bool = True) -> FastAPI:
    """Build the app around an existing runtime; the queue starts with the app."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if start_queue and runtime.queue is None:
            runtime.start_queue()
        try:
            yield
        finally:
            if runtime.queue is not None:
                runtime.queue.shutdown()
                runtime.queue = None

    app = FastAPI(
        title="OpenCheck",
        version=__version__,
        description="Self-hosted code check service, wire-compatible with CodeArts Check.",
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    for router in ROUTERS:
        app.include_router(router)
    errors.install(app)
    openapi.install(app)
    app.add_middleware(NulGuardMiddleware)
    app.add_middleware(BodyLimitMiddleware, limit=runtime.settings.max_body_bytes)
    app.add_middleware(RequestIdMiddleware)  # outermost: it also sees the 413 answers
    return app
