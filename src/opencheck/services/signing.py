"""Verification of SDK-HMAC-SHA256 request signatures (huaweicloudsdkcore's signer)."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, quote, unquote, urlsplit

ALGORITHM = "SDK-HMAC-SHA256"
MAX_CLOCK_SKEW = timedelta(minutes=15)
# A client clock may run a little fast; a date far ahead would stretch the signature's life.
MAX_FUTURE_SKEW = timedelta(minutes=5)
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_AUTH_RE = re.compile(
    r"^SDK-HMAC-SHA256\s+Access=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$"
)


class SignatureError(Exception):
    """The Authorization header is malformed, stale or does not match."""


def parse_authorization(value: str) -> tuple[str, list[str], str]:
    """Split the header into access key, signed header names and signature."""
    match = _AUTH_RE.match(value.strip())
    if match is None:
        raise SignatureError("unsupported or malformed Authorization header")
    return match.group(1), match.group(2).split(";"), match.group(3)


def canonical_request(
    method: str, raw_target: str, headers: Mapping[str, str], signed: list[str], body: bytes
) -> str:
    """The canonical request exactly as the SDK builds it before hashing."""
    split = urlsplit(raw_target)
    path = "/".join(quote(seg, safe="~") for seg in unquote(split.path).split("/"))
    if not path.endswith("/"):
        path += "/"
    query = "&".join(
        f"{quote(k, safe='~')}={quote(v, safe='~')}"
        for k, v in sorted(parse_qsl(split.query, keep_blank_values=True))
    )
    low = {k.lower(): v.strip() for k, v in headers.items()}
    canon_headers = "".join(f"{h}:{low.get(h, '')}\n" for h in signed)
    # Always the bytes received: a content hash taken on trust would let one captured signature
    # carry any other body.
    payload = hashlib.sha256(body).hexdigest()
    return "\n".join([method.upper(), path, query, canon_headers, ";".join(signed), payload])


def sign(secret: str, sdk_date: str, canonical: str) -> str:
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    string_to_sign = f"{ALGORITHM}\n{sdk_date}\n{digest}"
    return hmac.new(secret.encode(), string_to_sign.encode(), hashlib.sha256).hexdigest()


def verify(
    *,
    method: str,
    raw_target: str,
    headers: Mapping[str, str],
    body: bytes,
    secret: str,
    signed: list[str],
    signature: str,
    now: datetime | None = None,
) -> None:
    """Raise SignatureError unless the request, body included, was signed with `secret`.

    The date must lie within 15 minutes before and 5 minutes after the server's clock.
    """
    low = {k.lower(): v for k, v in headers.items()}
    if "x-sdk-date" not in signed or "host" not in signed:
        raise SignatureError("x-sdk-date and host must be signed")
    try:
        stamp = datetime.strptime(low.get("x-sdk-date", ""), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError as exc:
        raise SignatureError("X-Sdk-Date is missing or malformed") from exc
    now = now or datetime.now(UTC)
    if now - stamp > MAX_CLOCK_SKEW:
        raise SignatureError("X-Sdk-Date is more than 15 minutes off the server time")
    if stamp - now > MAX_FUTURE_SKEW:
        raise SignatureError("X-Sdk-Date is more than 5 minutes ahead of the server time")
    claimed = low.get("x-sdk-content-sha256")
    if claimed is not None and claimed.strip() != hashlib.sha256(body).hexdigest():
        raise SignatureError("body does not match the signed content hash")
    canonical = canonical_request(method, raw_target, headers, signed, body)
    expected = sign(secret, low["x-sdk-date"].strip(), canonical)
    if not hmac.compare_digest(expected, signature):
        raise SignatureError("verify aksk signature fail")
