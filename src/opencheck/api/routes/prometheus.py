"""GET /metrics in the Prometheus text format; a token is needed from unlisted addresses."""

from __future__ import annotations

from collections.abc import Sequence
from ipaddress import IPv4Network, IPv6Network, ip_address
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from prometheus_client import CONTENT_TYPE_PLAIN_0_0_4

from opencheck.api import exposition
from opencheck.api.deps import RuntimeDep, current_principal, raw_body
from opencheck.services import observability
from opencheck.store.db import unit_of_work

router = APIRouter()


def allowed(host: str | None, networks: Sequence[IPv4Network | IPv6Network]) -> bool:
    """Whether the client address is in one of `networks` (an IPv4-mapped IPv6 as its IPv4)."""
    try:
        address = ip_address(host or "")
    except ValueError:  # a Unix socket or a test transport: no address to trust
        return False
    if address.version == 6 and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return any(address in network for network in networks)


def metrics_reader(
    request: Request, runtime: RuntimeDep, body: Annotated[bytes, Depends(raw_body)]
) -> None:
    """Listed addresses (OPENCHECK_METRICS_ALLOWED_ADDRESSES) read freely; others authenticate."""
    host = request.client.host if request.client else None
    if not allowed(host, runtime.settings.metrics_allowed_addresses):
        current_principal(request, runtime, body)


@router.get("/metrics", include_in_schema=False, dependencies=[Depends(metrics_reader)])
def metrics(runtime: RuntimeDep) -> Response:
    """Cluster-wide figures from the database, then this API process's HTTP figures."""
    with unit_of_work(runtime.sessions) as session:
        figures = observability.cluster_figures(session)
    # The classic text format, which every Prometheus version reads (our names need no escaping).
    return Response(exposition.render(figures), media_type=CONTENT_TYPE_PLAIN_0_0_4)
