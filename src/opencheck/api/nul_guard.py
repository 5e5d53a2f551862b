"""Text with a NUL character is refused before it reaches a route: PostgreSQL cannot store
it (SQLite can), and no CodeArts field has a use for it. Bodies are checked by `schemas.common`."""

from __future__ import annotations

import json
from urllib.parse import unquote_to_bytes

from starlette.types import ASGIApp, Receive, Scope, Send

from opencheck.errors import InvalidParameter

MESSAGE = "Invalid parameter: text must not contain a NUL character"


def refuse_nul(value: object) -> None:
    """Raise ValueError if a string anywhere in a decoded JSON value holds a NUL."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("text must not contain a NUL character")
    elif isinstance(value, dict):
        for key, item in value.items():
            refuse_nul(key)
            refuse_nul(item)
    elif isinstance(value, list):
        for item in value:
            refuse_nul(item)


class NulGuardMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and _has_nul(scope):
            await _refuse(send)
            return
        await self.app(scope, receive, send)


def _has_nul(scope: Scope) -> bool:
    raw_path = scope.get("raw_path") or scope.get("path", "").encode()
    query = scope.get("query_string", b"")
    return b"\x00" in unquote_to_bytes(raw_path) or b"\x00" in unquote_to_bytes(query)


async def _refuse(send: Send) -> None:
    body = json.dumps({"error_code": InvalidParameter.error_code, "error_msg": MESSAGE}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 400, "headers": headers})
    await send({"type": "http.response.body", "body": body})
