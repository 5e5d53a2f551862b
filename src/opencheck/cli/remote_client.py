"""A small HTTP client of an OpenCheck server for the CLI: a token, or the SDK's AK/SK signature."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode, urlsplit

TIMEOUT = 60.0


class RemoteError(Exception):
    """The server answered with an error body, or could not be reached."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Remote:
    """Where the server is and how to authenticate: OPENCHECK_URL, then OPENCHECK_TOKEN or
    OPENCHECK_AK and OPENCHECK_SK."""

    url: str
    token: str = ""
    ak: str = ""
    sk: str = ""

    @classmethod
    def from_env(cls) -> Remote:
        url = os.environ.get("OPENCHECK_URL", "").rstrip("/")
        if not url:
            raise RemoteError("set OPENCHECK_URL to the server's address")
        env = os.environ
        remote = cls(url, env.get("OPENCHECK_TOKEN", ""), env.get("OPENCHECK_AK", ""),
                     env.get("OPENCHECK_SK", ""))  # fmt: skip
        if not remote.token and not (remote.ak and remote.sk):
            raise RemoteError("set OPENCHECK_TOKEN, or OPENCHECK_AK and OPENCHECK_SK")
        return remote

    def call(
        self, method: str, path: str, params: dict[str, object] | None = None, body: Any = None
    ) -> Any:
        """One request; the JSON answer (None when empty). Raises RemoteError."""
        query = urlencode({k: v for k, v in (params or {}).items() if v is not None})
        target = path + (f"?{query}" if query else "")
        data = b"" if body is None else json.dumps(body).encode()
        headers = {"Content-Type": "application/json"} if body is not None else {}
        headers.update(self._auth(method, target, headers, data))
        request = urllib.request.Request(self.url + target, data=data or None, method=method,
                                         headers=headers)  # fmt: skip
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                text = response.read()
        except urllib.error.HTTPError as exc:
            raise RemoteError(_error_text(exc.read(), exc.code), exc.code) from None
        except OSError as exc:
            raise RemoteError(f"cannot reach {self.url}: {exc}") from None
        return json.loads(text) if text.strip() else None

    def _auth(
        self, method: str, target: str, headers: dict[str, str], body: bytes
    ) -> dict[str, str]:
        if self.token:
            return {"X-Auth-Token": self.token}
        from opencheck.services import signing  # only with AK/SK: `scan` loads no services

        host = urlsplit(self.url).netloc
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        signed_headers = {**headers, "Host": host, "X-Sdk-Date": stamp}
        names = sorted(name.lower() for name in signed_headers)
        prefix = urlsplit(self.url).path  # a server behind a path prefix signs the full path
        canonical = signing.canonical_request(method, prefix + target, signed_headers, names, body)
        signature = signing.sign(self.sk, stamp, canonical)
        authorization = (f"{signing.ALGORITHM} Access={self.ak}, SignedHeaders={';'.join(names)},"
                         f" Signature={signature}")  # fmt: skip
        return {"X-Sdk-Date": stamp, "Authorization": authorization}


def _error_text(raw: bytes, status: int) -> str:
    try:
        body = json.loads(raw)
        return f"{body['error_code']}: {body['error_msg']} (HTTP {status})"
    except (ValueError, KeyError, TypeError):
        return f"HTTP {status}"
