"""A thread beside the workers that sends due webhook deliveries, so no check waits for one."""

from __future__ import annotations

import logging
import threading

from opencheck.services import webhook_delivery
from opencheck.services.checks import CheckContext
from opencheck.store.db import UNREACHABLE

log = logging.getLogger("opencheck.webhooks")


class WebhookDispatcher:
    """Polls the outbox every `interval` seconds until stopped."""

    def __init__(self, ctx: CheckContext, interval: float = 0.5) -> None:
        self._ctx = ctx
        self._interval = max(0.05, interval)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="opencheck-webhooks", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=webhook_delivery.TIMEOUT * 2)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                sent = webhook_delivery.deliver_due(
                    self._ctx.sessions, self._ctx.cipher, self._ctx.webhook_hosts
                )
            except UNREACHABLE as exc:  # an outage: one line a round, not a traceback
                log.warning("database unreachable (%s); webhooks wait", type(exc).__name__)
                sent = 0
            except Exception:
                log.exception("cannot deliver webhooks")
                sent = 0
            if not sent:
                self._stop.wait(self._interval)
