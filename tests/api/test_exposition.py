"""The pure parts of GET /metrics: histogram buckets, the address rule, its setting."""

from __future__ import annotations

from ipaddress import ip_network

import pytest

from opencheck.api.exposition import buckets
from opencheck.api.routes.prometheus import allowed
from opencheck.config import from_env, parse_networks

LOOPBACK = from_env({}).metrics_allowed_addresses


@pytest.mark.parametrize(
    ("values", "bounds", "expected"),
    [
        ([], (1.0, 5.0), [("1.0", 0.0), ("5.0", 0.0), ("+Inf", 0.0)]),
        ([0.5, 1.0, 3.0, 9.0], (1.0, 5.0), [("1.0", 2.0), ("5.0", 3.0), ("+Inf", 4.0)]),
        ([7.0, 2.0], (0.25,), [("0.25", 0.0), ("+Inf", 2.0)]),
    ],
)
def test_buckets_are_cumulative_with_le_inclusive(
    values: list[float], bounds: tuple[float, ...], expected: list[tuple[str, float]]
) -> None:
    assert buckets(values, bounds) == expected


@pytest.mark.parametrize(
    ("host", "networks", "ok"),
    [
        ("127.0.0.1", LOOPBACK, True),
        ("127.8.9.10", LOOPBACK, True),
        ("::1", LOOPBACK, True),
        ("::ffff:127.0.0.1", LOOPBACK, True),  # an IPv4 client of a dual-stack listener
        ("10.1.2.3", LOOPBACK, False),
        ("10.1.2.3", parse_networks("10.0.0.0/8, 192.168.1.5"), True),
        ("192.168.1.5", parse_networks("10.0.0.0/8 192.168.1.5"), True),
        ("192.168.1.6", parse_networks("10.0.0.0/8,192.168.1.5"), False),
        ("127.0.0.1", parse_networks(""), False),  # empty: a token from everywhere
        ("testclient", LOOPBACK, False),
        (None, LOOPBACK, False),
    ],
)
def test_allowed_addresses(host: str | None, networks: tuple, ok: bool) -> None:  # type: ignore[type-arg]
    assert allowed(host, networks) is ok


def test_the_settings_parse_and_reject() -> None:
    env = {
        "OPENCHECK_METRICS_ALLOWED_ADDRESSES": "10.0.0.0/8,fd00::/8",
        "OPENCHECK_LOG_FORMAT": "JSON",
    }
    settings = from_env(env)
    assert settings.metrics_allowed_addresses == (ip_network("10.0.0.0/8"), ip_network("fd00::/8"))
    assert settings.log_format == "json"
    assert from_env({}).metrics_allowed_addresses == (ip_network("127.0.0.0/8"), ip_network("::1"))
    with pytest.raises(ValueError, match="OPENCHECK_METRICS_ALLOWED_ADDRESSES"):
        from_env({"OPENCHECK_METRICS_ALLOWED_ADDRESSES": "10.0.0.0/33"})
    with pytest.raises(ValueError, match="OPENCHECK_LOG_FORMAT"):
        from_env({"OPENCHECK_LOG_FORMAT": "xml"})
