"""A small HTTP/1.1 load generator: keep-alive connections on loopback, bounded in requests
and time, timing each request from its first byte sent to its last byte read.

It speaks just enough HTTP (Content-Length bodies) for OpenCheck's JSON answers, so that on a
2-core machine the client costs far less CPU than the server it measures.
"""

from __future__ import annotations

import asyncio
import itertools
import math
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass
class Request:
    method: str
    target: str  # path and query, already encoded
    body: bytes = b""


@dataclass
class LoadResult:
    """What one load run saw: each latency in seconds, the status codes, and the wall time."""

    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    seconds: float = 0.0
    errors: int = 0  # connections that broke before an answer

    @property
    def requests(self) -> int:
        return len(self.latencies)

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        """The p-th percentile latency in seconds (nearest rank)."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        rank = max(0, min(len(ordered) - 1, math.ceil(p / 100 * len(ordered)) - 1))
        return ordered[rank]

    def summary(self) -> dict[str, object]:
        return {
            "requests": self.requests,
            "seconds": round(self.seconds, 3),
            "requests_per_second": round(self.per_second, 1),
            "p50_ms": round(self.percentile(50) * 1000, 2),
            "p95_ms": round(self.percentile(95) * 1000, 2),
            "p99_ms": round(self.percentile(99) * 1000, 2),
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "errors": self.errors,
        }


def _encode(request: Request, host: str, headers: dict[str, str]) -> bytes:
    lines = [f"{request.method} {request.target} HTTP/1.1", f"Host: {host}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    if request.body or request.method in ("POST", "PUT"):
        lines += ["Content-Type: application/json", f"Content-Length: {len(request.body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + request.body


async def _read_answer(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    """Status, body and whether the server keeps the connection open."""
    head = await reader.readuntil(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    status = int(status_line.split(" ", 2)[1])
    length, keep = 0, True
    for line in header_lines:
        name, _, value = line.partition(":")
        name = name.strip().lower()
        if name == "content-length":
            length = int(value)
        elif name == "connection" and value.strip().lower() == "close":
            keep = False
    body = await reader.readexactly(length) if length else b""
    return status, body, keep


async def _connection(
    host: str,
    port: int,
    headers: dict[str, str],
    todo: itertools.count[int],
    requests: Sequence[Request],
    limit: int,
    deadline: float,
    result: LoadResult,
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    connected = True
    try:
        while (n := next(todo)) < limit and time.perf_counter() < deadline:
            request = requests[n % len(requests)]
            start = time.perf_counter()
            if not connected:  # as a client's pool does: the new connection is the request's
                reader, writer = await asyncio.open_connection(host, port)
                connected = True
            writer.write(_encode(request, f"{host}:{port}", headers))
            try:
                status, _, keep = await _read_answer(reader)
            except (asyncio.IncompleteReadError, ConnectionError):
                result.errors += 1
                writer.close()
                connected = False
                continue
            result.latencies.append(time.perf_counter() - start)
            result.statuses[status] += 1
            if not keep:  # the server closes it after this answer
                writer.close()
                connected = False
    finally:
        writer.close()


async def _run(
    host: str,
    port: int,
    requests: Sequence[Request],
    *,
    headers: dict[str, str],
    connections: int,
    limit: int,
    seconds: float,
) -> LoadResult:
    result = LoadResult()
    todo = itertools.count()
    start = time.perf_counter()
    await asyncio.gather(
        *(
            _connection(host, port, headers, todo, requests, limit, start + seconds, result)
            for _ in range(connections)
        )
    )
    result.seconds = time.perf_counter() - start
    return result


def load(
    port: int,
    requests: Sequence[Request],
    *,
    headers: dict[str, str],
    connections: int,
    limit: int,
    seconds: float,
    host: str = "127.0.0.1",
) -> LoadResult:
    """Send `requests` round-robin over `connections` keep-alive connections until `limit`
    requests are answered or `seconds` have passed, whichever comes first."""
    if host not in ("127.0.0.1", "::1", "localhost"):
        raise ValueError("the load benchmark only targets loopback")
    return asyncio.run(
        _run(
            host,
            port,
            requests,
            headers=headers,
            connections=connections,
            limit=limit,
            seconds=seconds,
        )
    )
