"""SDK-HMAC-SHA256 verification against the SDK's own test vectors (shared/reference/sdk-auth.md)."""

from datetime import UTC, datetime

import pytest

from opencheck.services import signing

HEADERS = {
    "Content-Type": "application/json",
    "Host": "127.0.0.1:8000",
    "User-Agent": "huaweicloud-usdk-python/3.0",
    "X-Project-Id": "0123456789abcdef0123456789abcdef",
    "X-Sdk-Date": "20250101T000000Z",
}
SIGNED = ["content-type", "host", "user-agent", "x-project-id", "x-sdk-date"]
NOW = datetime(2025, 1, 1, 0, 5, tzinfo=UTC)
SK = "TEST_SK_0123456789"


@pytest.mark.parametrize(
    ("method", "target", "body", "signature"),
    [
        (
            "POST",
            "/v2/tasks/task-abc/run",
            b'{"git_branch": "dev"}',
            "e3d3092541711b774f1933fd63020b43b5c9a187d22d28235373bb865643fa86",
        ),
        (
            "GET",
            "/v2/0123456789abcdef0123456789abcdef/ruleset/a%2Fb%20c/rules"
            "?languages=C%2B%2B&limit=10&offset=0&tags=x%20y%2Cz&types=1",
            b"",
            "c92974125bc7a468a6c87c9c72a417a2a63f141462e645c55b2da00204b95d84",
        ),
    ],
)
def test_sdk_vectors_verify(method: str, target: str, body: bytes, signature: str) -> None:
    signing.verify(
        method=method, raw_target=target, headers=HEADERS, body=body, secret=SK,
        signed=SIGNED, signature=signature, now=NOW,
    )  # fmt: skip


def test_tampered_body_and_stale_date_are_rejected() -> None:
    good = "e3d3092541711b774f1933fd63020b43b5c9a187d22d28235373bb865643fa86"
    kwargs = dict(method="POST", raw_target="/v2/tasks/task-abc/run", headers=HEADERS,
                  secret=SK, signed=SIGNED, signature=good)  # fmt: skip
    with pytest.raises(signing.SignatureError, match="signature"):
        signing.verify(body=b'{"git_branch": "main"}', now=NOW, **kwargs)  # type: ignore[arg-type]
    with pytest.raises(signing.SignatureError, match="15 minutes"):
        signing.verify(
            body=b'{"git_branch": "dev"}', now=datetime(2025, 1, 2, tzinfo=UTC), **kwargs
        )  # type: ignore[arg-type]


def test_parse_authorization() -> None:
    ak, signed, sig = signing.parse_authorization(
        "SDK-HMAC-SHA256 Access=TEST_AK, SignedHeaders=host;x-sdk-date, Signature=" + "a" * 64
    )
    assert (ak, signed, sig) == ("TEST_AK", ["host", "x-sdk-date"], "a" * 64)
    with pytest.raises(signing.SignatureError):
        signing.parse_authorization("Bearer x")
