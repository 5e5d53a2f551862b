"""What a running check tells the database: its log, its progress, and whether to stop.

A scan must not die because the database is briefly unreachable (a restart, a failover, a
network blip): the scan itself needs no database. So the observer keeps log lines it could not
write and writes them with the next one, or with the result in the result's transaction; a
progress figure is skipped (the next one supersedes it); a stop request is read next time.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from opencheck.services import execution_states
from opencheck.store.db import UNREACHABLE, unit_of_work
from opencheck.store.models import Execution, utcnow

log = logging.getLogger("opencheck.checks")


class ExecutionObserver:
    """Writes the log and progress of one execution, and notices stop requests."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        execution_id: str,
        stop: threading.Event,
        poll_interval: float,
    ) -> None:
        self._sessions = sessions
        self._poll_interval = poll_interval
        self._id = execution_id
        self._stop = stop
        self._checked_at = 0.0
        self._last_progress = -1
        self._pending: list[tuple[datetime, str]] = []  # log lines not written yet

    def log(self, message: str) -> None:
        self._pending.append((utcnow(), message))
        try:
            with unit_of_work(self._sessions) as s:
                self.write_pending(s)
        except UNREACHABLE:
            log.warning("database unreachable; %d log line(s) kept for later", len(self._pending))
            return
        self.written()

    def write_pending(self, session: Session) -> None:
        """Add the log lines not written yet to `session`'s transaction (see `written`)."""
        for at, message in self._pending:
            execution_states.log(session, self._id, message, at=at)

    def written(self) -> None:
        """The transaction `write_pending` added to committed."""
        self._pending.clear()

    def progress(self, percent: int) -> None:
        percent = max(0, min(99, int(percent)))
        if percent > self._last_progress:
            self._last_progress = percent
            try:
                with unit_of_work(self._sessions) as s:
                    s.execute(
                        update(Execution).where(Execution.id == self._id).values(progress=percent)
                    )
            except UNREACHABLE:
                log.warning("database unreachable; progress %d%% not recorded", percent)

    def cancelled(self) -> bool:
        if self._stop.is_set():
            return True
        now = time.monotonic()
        if now - self._checked_at >= self._poll_interval:
            self._checked_at = now
            try:
                with unit_of_work(self._sessions) as s:
                    flag = s.scalar(
                        select(Execution.cancel_requested).where(Execution.id == self._id)
                    )
            except UNREACHABLE:
                flag = False  # asked again at the next poll
            if flag:
                self._stop.set()
        return self._stop.is_set()
