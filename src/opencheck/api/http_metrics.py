"""HTTP request latency and counts by route template, kept by the process that serves them.

With PROMETHEUS_MULTIPROC_DIR set before the API processes start (several uvicorn workers on
one port), prometheus_client keeps them in files there and GET /metrics adds up every process's.
"""

from __future__ import annotations

import os

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.multiprocess import MultiProcessCollector
from starlette.types import Scope

UNMATCHED = "unmatched"  # no route: a 404 or an answer given before routing (413)
# Any other method string is one label value, so a client cannot grow the series without bound.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

REGISTRY = CollectorRegistry()
LATENCY = Histogram(
    "opencheck_http_request_duration_seconds",
    "Time from a request's arrival to its last byte, by method and route template.",
    ["method", "route"],
    registry=REGISTRY,
)
REQUESTS = Counter(
    "opencheck_http_requests",
    "Requests answered, by method, route template and status code.",
    ["method", "route", "status"],
    registry=REGISTRY,
)


def route_of(scope: Scope) -> str:
    """The path template of the route that served the request (never the raw path)."""
    path = getattr(scope.get("route"), "path", None)
    return path if isinstance(path, str) else UNMATCHED


def observe(scope: Scope, status: int, seconds: float) -> None:
    """Count one answered request."""
    method = str(scope.get("method", "")).upper()
    method = method if method in METHODS else "other"
    route = route_of(scope)
    LATENCY.labels(method, route).observe(seconds)
    REQUESTS.labels(method, route, str(status)).inc()


def registry() -> CollectorRegistry:
    """This process's figures, or every API process's in multiprocess mode."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    combined = CollectorRegistry()
    MultiProcessCollector(combined)
    return combined
