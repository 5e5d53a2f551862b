"""Outermost ASGI layer: a request id on every response, one log line and one latency figure
per request, and a CodeArts 500 body (never a traceback) for anything unexpected."""

from __future__ import annotations

import json
import logging
import time
import uuid
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from opencheck.api import context, http_metrics

log = logging.getLogger("opencheck.access")
errlog = logging.getLogger("opencheck.api")

INTERNAL_ERROR = {"error_code": "CC.00050006", "error_msg": "service inner error"}


class RequestIdMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = uuid.uuid4().hex
        token = context.request_id.set(rid)
        started = time.perf_counter()
        state: dict[str, Any] = {"status": 500, "sent": False}

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                state["status"] = message["status"]
                state["sent"] = True
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", rid.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            errlog.exception("request %s failed", rid)
            if not state["sent"]:
                await _send_internal_error(send_with_id)
        finally:
            seconds = time.perf_counter() - started
            http_metrics.observe(scope, state["status"], seconds)
            elapsed = seconds * 1000
            # The request id is not in the message: every record carries it (opencheck.logs).
            log.info(
                "%s %s %s %.1fms",
                scope.get("method"),
                scope.get("path"),
                state["status"],
                elapsed,
            )
            context.request_id.reset(token)


async def _send_internal_error(send: Send) -> None:
    body = json.dumps(INTERNAL_ERROR).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 500,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
