"""Webhook targets: public http(s) addresses only, unless a host is allowed."""

from __future__ import annotations

import pytest

from opencheck.errors import InvalidParameter
from opencheck.services.webhook_delivery import signature
from opencheck.services.webhook_targets import check_target


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1/x", "http://localhost:8040/", "http://[::1]/", "http://10.0.0.7/",
     "http://192.168.1.1/", "http://169.254.169.254/latest/meta-data", "http://0.0.0.0/",
     "https://100.64.0.1/", "http://[fd00::1]/", "http://224.0.0.1/"],
)  # fmt: skip
def test_loopback_private_link_local_and_metadata_addresses_are_refused(url: str) -> None:
    with pytest.raises(InvalidParameter):
        check_target(url, ())


def test_allowed_hosts_and_addresses_pass() -> None:
    check_target("http://127.0.0.1:9/hook", ("127.0.0.1",))
    check_target("http://localhost:9/hook", ("127.0.0.1",))  # resolves to an allowed address
    check_target("http://localhost:9/hook", ("localhost",))
    check_target("https://1.1.1.1/hook", ())  # a public address


def test_signature_is_githubs() -> None:
    # As GitHub documents it: HMAC-SHA256 of the raw body, hex, prefixed.
    assert signature("It's a Secret to Everybody", b"Hello, World!") == (
        "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
    )
