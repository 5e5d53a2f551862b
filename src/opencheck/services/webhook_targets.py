"""Where a webhook may post: never, unless allowed, to this host, a private network or a cloud
metadata address (no server-side request forgery)."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Collection
from urllib.parse import urlsplit

from opencheck.errors import InvalidParameter


def check_target(url: str, allowed: Collection[str]) -> None:
    """Raise InvalidParameter unless `url` is http(s) to a public address, or its host (or one
    of its addresses) is in `allowed` (OPENCHECK_WEBHOOK_ALLOWED_HOSTS)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidParameter("url must be an http or https URL with a host")
    if parts.username or parts.password:
        raise InvalidParameter("url must not hold credentials: use the secret")
    host = parts.hostname.lower()
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise InvalidParameter("url has an invalid port") from None
    if host in allowed:
        return
    try:
        found = {info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)}
    except (OSError, UnicodeError):
        raise InvalidParameter(f"url: the host {host} does not resolve") from None
    for address in found:
        if address in allowed:
            continue
        ip = ipaddress.ip_address(address.split("%")[0])
        if not ip.is_global or ip.is_multicast:
            raise InvalidParameter(
                f"url: {host} resolves to {address}, a loopback, private, link-local or reserved"
                " address (OPENCHECK_WEBHOOK_ALLOWED_HOSTS allows one)"
            )
