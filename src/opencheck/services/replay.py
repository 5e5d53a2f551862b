"""Refuse a second use of a signed state-changing request within its validity window."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from opencheck.errors import Unauthenticated
from opencheck.services.signing import MAX_CLOCK_SKEW, MAX_FUTURE_SKEW
from opencheck.store.db import unit_of_work
from opencheck.store.models import UsedSignature, utcnow


def remember(sessions: sessionmaker[Session], signature: str, now: datetime | None = None) -> None:
    """Record `signature`; raise Unauthenticated if it was already used and is still valid.

    Its own transaction, so that two identical requests racing each other cannot both pass.
    """
    now = now or utcnow()
    try:
        with unit_of_work(sessions) as session:
            session.execute(delete(UsedSignature).where(UsedSignature.expires_at < now))
            expires = now + MAX_CLOCK_SKEW + MAX_FUTURE_SKEW
            session.add(UsedSignature(signature=signature, expires_at=expires))
            session.flush()
    except IntegrityError:
        raise Unauthenticated(
            "Incorrect IAM authentication information: this signed request was already used"
        ) from None
