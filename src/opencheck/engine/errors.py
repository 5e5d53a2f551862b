"""Typed errors of the scan engine; the services layer maps them to execution states."""

from __future__ import annotations

import re
from collections.abc import Iterable

# `scheme://user:password@` (or `scheme://token@` for http) in any URL inside free text.
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/@\s:]*:[^/@\s]*@")
_HTTP_TOKEN = re.compile(r"(?i)\b(https?://)[^/@\s]+@")
REDACTED = "***"


def redact(text: str, secrets: Iterable[str]) -> str:
    """Remove the given secrets and any `user:password@` userinfo of URLs from `text`."""
    # Longest first, so a secret containing another one is removed whole.
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    text = _USERINFO.sub(rf"\1{REDACTED}@", text)
    return _HTTP_TOKEN.sub(rf"\1{REDACTED}@", text)


class EngineError(Exception):
    """Base of every error the engine raises on purpose."""


class FetchError(EngineError):
    """The repository or branch could not be fetched; the message is safe to show to users."""

    def __init__(self, message: str, secrets: Iterable[str] = ()) -> None:
        self.message = redact(message, secrets)
        super().__init__(self.message)


class ScanCancelled(EngineError):
    """The observer asked to stop; every process the scan started has been killed."""


class AnalyzerError(EngineError):
    """An analyser could not run or produced output that cannot be parsed."""
