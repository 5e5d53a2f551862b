"""Backoff after failed logins, per user name and per client address.

After a few failures in a row a key is locked for a delay that doubles with every further
failure (up to a cap); while locked, even the right password gets 429 with Retry-After. Failures
are recorded in their own transaction, because the failed login itself is rolled back.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from opencheck.errors import TooManyAttempts
from opencheck.store.db import unit_of_work
from opencheck.store.models import LoginFailure, utcnow

FIRST_DELAY = timedelta(seconds=1)
MAX_DELAY = timedelta(minutes=15)
FORGET_AFTER = timedelta(minutes=15)  # a key whose last failure is older starts afresh


@dataclass(frozen=True)
class Limits:
    """Failures allowed in a row before the backoff starts."""

    per_user: int = 5
    per_client: int = 20


def keys(user_name: str, client: str | None) -> dict[str, int]:
    """The guarded keys of one login attempt, each with its allowance."""
    limits = Limits()
    found = {f"user:{user_name[:200]}": limits.per_user}
    if client:
        found[f"client:{client[:64]}"] = limits.per_client
    return found


def check(sessions: sessionmaker[Session], guarded: dict[str, int]) -> None:
    """Raise TooManyAttempts while any of the keys is locked."""
    now = utcnow()
    with unit_of_work(sessions) as session:
        rows = session.scalars(select(LoginFailure).where(LoginFailure.key.in_(guarded))).all()
        waits = [
            row.locked_until - now for row in rows if row.locked_until and row.locked_until > now
        ]
    if waits:
        seconds = math.ceil(max(waits).total_seconds())
        raise TooManyAttempts(
            f"Too many failed logins; retry after {seconds} seconds.", retry_after=seconds
        )


def failed(sessions: sessionmaker[Session], guarded: dict[str, int]) -> None:
    """Count one failure against every key, locking those over their allowance."""
    now = utcnow()
    for key, allowance in guarded.items():
        for _ in range(2):  # a concurrent first failure may insert the row meanwhile
            try:
                _count(sessions, key, allowance, now)
                break
            except IntegrityError:
                continue


def _count(sessions: sessionmaker[Session], key: str, allowance: int, now: datetime) -> None:
    with unit_of_work(sessions) as session:
        row = session.get(LoginFailure, key)
        if row is None:
            row = LoginFailure(key=key, failures=0, last_failure_at=now)
            session.add(row)
        elif now - row.last_failure_at > FORGET_AFTER:
            row.failures = 0
        row.failures += 1
        row.last_failure_at = now
        if row.failures >= allowance:
            delay = FIRST_DELAY * 2 ** min(row.failures - allowance, 20)
            row.locked_until = now + min(delay, MAX_DELAY)
        session.flush()


def succeeded(sessions: sessionmaker[Session], user_key: str) -> None:
    """A right password clears the user's count (the client's decays on its own)."""
    with unit_of_work(sessions) as session:
        session.execute(delete(LoginFailure).where(LoginFailure.key == user_key))
