"""Users, tokens and access keys: who the caller is."""

from __future__ import annotations

import functools
import secrets as pysecrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from opencheck.errors import (
    Conflict,
    InvalidParameter,
    NotFound,
    PermissionDenied,
    Unauthenticated,
)
from opencheck.services.secrets import (
    Cipher,
    hash_password,
    hash_token,
    new_token,
    verify_password,
)
from opencheck.store import driver
from opencheck.store.models import AccessKey, AuthToken, User, utcnow

EXPIRED_MESSAGE = "Authentication information expired."


@dataclass(frozen=True)
class Principal:
    """The authenticated caller."""

    user_id: str
    name: str
    is_admin: bool


def create_user(session: Session, *, name: str, password: str, is_admin: bool = False) -> User:
    """Create a user; names are unique."""
    name = name.strip()
    if not name or len(name) > 128:
        raise InvalidParameter("user name must be 1-128 characters")
    if session.scalar(select(User).where(User.name == name)) is not None:
        raise Conflict(f"user '{name}' already exists")
    user = User(name=name, password_hash=hash_password(password), is_admin=is_admin)
    session.add(user)
    session.flush()
    return user


def get_user_by_name_or_raise(session: Session, *, name: str) -> User:
    user = session.scalar(select(User).where(User.name == name))
    if user is None:
        raise NotFound(f"user '{name}' not found")
    return user


def get_user_by_name(session: Session, *, name: str) -> User | None:
    return session.scalar(select(User).where(User.name == name))


def authenticate_password(session: Session, *, name: str, password: str) -> User:
    """Check a name and password; raises Unauthenticated on any mismatch."""
    user = session.scalar(select(User).where(User.name == name))
    # An unknown name costs the same hash as a known one, so timing does not tell them apart.
    stored = user.password_hash if user is not None else _decoy_hash()
    if not verify_password(password, stored) or user is None:
        raise Unauthenticated("The username or password is incorrect.")
    return user


@functools.cache
def _decoy_hash() -> str:
    return hash_password(pysecrets.token_urlsafe(16))


def revoke_token(session: Session, *, principal: Principal, subject: str) -> None:
    """Revoke the token `subject`: the caller's own, or anyone's for an administrator."""
    row = session.scalar(select(AuthToken).where(AuthToken.token_hash == hash_token(subject)))
    if row is None or row.revoked_at is not None or row.expires_at <= utcnow():
        raise NotFound("the token in X-Subject-Token does not exist or is no longer valid")
    if row.user_id != principal.user_id and not principal.is_admin:
        raise PermissionDenied("only the token's owner or an administrator may revoke it")
    row.revoked_at = utcnow()


def issue_token(session: Session, *, user: User, ttl: timedelta) -> tuple[str, datetime]:
    """Create a bearer token; only its hash is stored. Returns the token and its expiry."""
    if ttl <= timedelta(0):
        raise InvalidParameter("token ttl must be positive")
    token = new_token()
    expires = utcnow() + ttl
    session.add(AuthToken(user_id=user.id, token_hash=hash_token(token), expires_at=expires))
    session.flush()
    return token, expires


# Every authenticated request asks this: built once, and read as a row, not as two entities.
_TOKEN_OWNER = (
    select(User.id, User.name, User.is_admin, AuthToken.revoked_at, AuthToken.expires_at)
    .join(User, User.id == AuthToken.user_id)
    .where(AuthToken.token_hash == bindparam("token_hash"))
)


def resolve_token(session: Session, *, token: str) -> Principal:
    """Find the user of a valid, unexpired, unrevoked token."""
    # On the session's connection, to the driver: the Session's own execute costs a third more
    # (tokens are written in transactions of their own, so there is nothing to flush first).
    found = driver.rows(session.connection(), _TOKEN_OWNER, {"token_hash": hash_token(token)})
    if not found:  # token_hash is unique
        raise Unauthenticated(EXPIRED_MESSAGE)
    user_id, name, is_admin, revoked_at, expires_at = found[0]
    if revoked_at is not None or expires_at <= utcnow():
        raise Unauthenticated(EXPIRED_MESSAGE)
    return Principal(user_id, name, is_admin)


def revoke_tokens(session: Session, *, user: User) -> int:
    """Revoke every live token of a user; returns how many."""
    tokens = session.scalars(
        select(AuthToken).where(AuthToken.user_id == user.id, AuthToken.revoked_at.is_(None))
    ).all()
    for tok in tokens:
        tok.revoked_at = utcnow()
    return len(tokens)


def create_access_key(session: Session, *, user: User, cipher: Cipher) -> tuple[str, str]:
    """Create an AK/SK pair for SDK signing; the SK is stored encrypted and shown once."""
    ak = "OC" + pysecrets.token_hex(9).upper()
    sk = pysecrets.token_urlsafe(30)
    session.add(AccessKey(user_id=user.id, access_key=ak, secret_enc=cipher.encrypt(sk)))
    session.flush()
    return ak, sk


def resolve_access_key(
    session: Session, *, access_key: str, cipher: Cipher
) -> tuple[Principal, str]:
    """The owner and secret of a live access key; Unauthenticated when unknown."""
    row = session.execute(
        select(AccessKey, User)
        .join(User, User.id == AccessKey.user_id)
        .where(AccessKey.access_key == access_key)
    ).first()
    if row is None or row[0].revoked_at is not None:
        raise Unauthenticated("Incorrect IAM authentication information: ak not exist")
    key, user = row
    return Principal(user.id, user.name, user.is_admin), cipher.decrypt(key.secret_enc)
