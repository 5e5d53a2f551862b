"""Keeps the API processes' shares of keep-alive connections even (`serve --processes N`).

Linux hashes each new connection to one of the group's sockets (api/process_group.py), so eight
connections over two processes split 4/4 only about a quarter of the time, and 7/1 or 6/2 in
about one run in four. The busier process then queues each request behind up to six others
while its sibling serves its one connection at once: the load benchmark's p95 was 18 ms with a
4/4 split and 28 ms with 7/1, at the same throughput. Each process publishes in shared memory
how many connections it holds; one holding more than its share answers a request with
`Connection: close` (HTTP/1.1 clients connect again, and the kernel hashes the new connection
anew), one connection at a time, as proxies close long-lived connections to rebalance them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

SETTLE_SECONDS = 0.5  # between two closings by one process: the new connection lands first
CLOSE = (b"connection", b"close")


class ConnectionShare:
    """This process's slot in the group's shared connection counts."""

    def __init__(self, counts: Any, slot: int, held: Callable[[], int]) -> None:
        self._counts = counts  # a shared array of ints, one per process of the group
        self._slot = slot
        self._held = held  # how many connections this process holds now
        self._last_close = 0.0

    def publish(self) -> int:
        """Write this process's count for the others to read; returns it."""
        held = self._held()
        self._counts[self._slot] = held
        return held

    def over_share(self) -> bool:
        """Whether to close the connection being answered: this process holds more than its
        share of the group's connections (rounded up) and has not closed one just before."""
        held = self.publish()
        total = sum(self._counts)
        share = -(-total // len(self._counts))
        now = time.monotonic()
        if held <= share or now - self._last_close < SETTLE_SECONDS:
            return False
        self._last_close = now
        self._counts[self._slot] = held - 1  # the others see it leave before it is gone
        return True


_installed: list[ConnectionShare] = []


def install(share: ConnectionShare) -> None:
    """Make `share` this process's (called before the app is built)."""
    _installed[:] = [share]


def installed() -> ConnectionShare | None:
    return _installed[0] if _installed else None


class ConnectionShareMiddleware:
    """Adds `Connection: close` to an answer when this process holds more than its share."""

    def __init__(self, app: ASGIApp, share: ConnectionShare) -> None:
        self.app = app
        self.share = share

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_closing(message: Message) -> None:
            if message["type"] == "http.response.start" and self.share.over_share():
                message = {**message, "headers": [*message.get("headers", []), CLOSE]}
            await send(message)

        await self.app(scope, receive, send_closing)
