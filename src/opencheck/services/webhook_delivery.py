"""Sending the outbox's webhook events: signed as GitHub signs, retried with exponential
backoff, never delaying a check (a thread of the queue runs `deliver_due`)."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import logging
from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from opencheck.errors import InvalidParameter
from opencheck.services.secrets import Cipher
from opencheck.services.webhook_targets import check_target
from opencheck.services.webhooks import DELIVERED, FAILED, PENDING
from opencheck.store.db import unit_of_work
from opencheck.store.models import Webhook, WebhookDelivery, utcnow

log = logging.getLogger("opencheck.webhooks")
MAX_ATTEMPTS = 6
FIRST_RETRY = 2.0  # seconds; doubled after each failure (2, 4, 8, 16, 32)
TIMEOUT = 5.0
BATCH = 20


def signature(secret: str, body: bytes) -> str:
    """`sha256=<hex HMAC-SHA256 of the raw body>`, the X-OpenCheck-Signature-256 header."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def deliver_due(
    sessions: sessionmaker[Session], cipher: Cipher, allowed_hosts: tuple[str, ...]
) -> int:
    """Send the deliveries whose time has come; returns how many were attempted."""
    with unit_of_work(sessions) as s:
        due = s.execute(
            select(WebhookDelivery.id, Webhook.url, Webhook.secret_enc, WebhookDelivery.event,
                   WebhookDelivery.payload, WebhookDelivery.attempts)
            .join(Webhook, Webhook.id == WebhookDelivery.webhook_id)
            .where(WebhookDelivery.state == PENDING, WebhookDelivery.next_attempt_at <= utcnow())
            .order_by(WebhookDelivery.next_attempt_at)
            .limit(BATCH)
        ).all()  # fmt: skip
    for delivery_id, url, secret_enc, event, payload, attempts in due:
        status, error = _send(url, cipher.decrypt(secret_enc), event, delivery_id, payload,
                              allowed_hosts)  # fmt: skip
        _record(sessions, delivery_id, attempts + 1, status, error)
    return len(due)


def _send(
    url: str, secret: str, event: str, delivery_id: str, payload: str, allowed: tuple[str, ...]
) -> tuple[int | None, str]:
    body = payload.encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "OpenCheck-Hookshot",
        "X-OpenCheck-Event": event,
        "X-OpenCheck-Delivery": delivery_id,
        "X-OpenCheck-Signature-256": signature(secret, body),
    }
    try:
        check_target(url, allowed)  # again: the name may resolve elsewhere by now
        status = _post(url, body, headers)
    except InvalidParameter as exc:
        return None, str(exc)
    except (OSError, ValueError, http.client.HTTPException) as exc:
        return None, f"{type(exc).__name__}: {exc}"[:500]
    return status, "" if 200 <= status < 300 else f"HTTP {status}"


def _post(url: str, body: bytes, headers: dict[str, str]) -> int:
    """One POST, straight to the host: no proxy from the environment (it would connect for
    us) and no redirect followed (it could point anywhere); headers spelled as given."""
    parts = urlsplit(url)
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = kind(parts.hostname or "", parts.port, timeout=TIMEOUT)
    try:
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(64 * 1024)
        return int(response.status)
    finally:
        connection.close()


def _record(
    sessions: sessionmaker[Session], delivery_id: str, attempts: int, status: int | None, error: str
) -> None:
    now = utcnow()
    if not error:
        values = {"state": DELIVERED, "delivered_at": now}
    elif attempts >= MAX_ATTEMPTS:
        values = {"state": FAILED}
    else:
        wait = FIRST_RETRY * 2 ** (attempts - 1)
        values = {"next_attempt_at": now + timedelta(seconds=wait)}
    if error:
        log.warning("webhook delivery %s attempt %d: %s", delivery_id, attempts, error)
    with unit_of_work(sessions) as s:
        s.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.id == delivery_id)
            .values(attempts=attempts, status_code=status, error=error, **values)
        )
