"""What a running check tells the database: its log, its progress, and whether to stop.

A scan must not die because the database is briefly unreachable (a restart, a failover, a
network blip): the scan itself needs no database. So the observer keeps log lines it could not
write and writes them with the next one, or with the result in the result's transaction; a
progress figure is skipped (the next one supersedes it); a stop request is read next time.
A write that failed may still have committed (the connection dropped before the answer), so
the lines it held are written again only where they are not stored.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
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
        self._unsure = False  # whether a failed commit may have stored some of them

    def log(self, message: str) -> None:
        self._pending.append((utcnow(), message))
        try:
            with self.writing():
                pass
        except UNREACHABLE:
            log.warning("database unreachable; %d log line(s) kept for later", len(self._pending))

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """One transaction that also writes the log lines not written yet."""
        try:
            with unit_of_work(self._sessions) as session:
                if self._unsure:
                    execution_states.log_unless_stored(session, self._id, self._pending)
                else:
                    for at, message in self._pending:
                        execution_states.log(session, self._id, message, at=at)
                yield session
        except UNREACHABLE:
            self._unsure = True  # its commit may have landed all the same
            raise
        self._pending.clear()
        self._unsure = False

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
