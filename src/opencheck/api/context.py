"""The request id of the request being served, for logs and error bodies (see opencheck.logs)."""

from __future__ import annotations

from opencheck.logs import request_id

__all__ = ["request_id"]
