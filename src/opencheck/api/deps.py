"""Typed dependencies: the runtime, raw body, and the authenticated caller."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from opencheck.errors import PermissionDenied, Unauthenticated
from opencheck.runtime import Runtime
from opencheck.services import auth, replay, signing
from opencheck.services.auth import Principal
from opencheck.store.db import reading

MISSING_CREDENTIALS = (
    "Authentication information is missing: send X-Auth-Token or sign the request."
)


async def get_runtime(request: Request) -> Runtime:
    # Async only so that FastAPI calls it in place: a plain def is a hop to a worker thread.
    runtime: Runtime = request.app.state.runtime
    return runtime


async def raw_body(request: Request) -> bytes:
    """The body bytes exactly as received (signatures cover them)."""
    return await request.body()


def _raw_target(request: Request) -> str:
    raw_path = request.scope.get("raw_path") or request.url.path.encode()
    query = request.scope.get("query_string", b"")
    target = raw_path.decode("latin-1")
    return f"{target}?{query.decode('latin-1')}" if query else target


def current_principal(
    request: Request,
    runtime: Annotated[Runtime, Depends(get_runtime)],
    body: Annotated[bytes, Depends(raw_body)],
) -> Principal:
    """Authenticate with X-Auth-Token or an SDK-HMAC-SHA256 signature (decision 11)."""
    _require_credentials(request)
    with reading(runtime.db) as session:
        return authenticate(request, session, runtime, body)


def authenticate(request: Request, session: Session, runtime: Runtime, body: bytes) -> Principal:
    """`current_principal` on a session the caller goes on reading with (one connection)."""
    token, authorization = _require_credentials(request)
    if token:
        if len(token) > 100_000:
            raise Unauthenticated(auth.EXPIRED_MESSAGE)
        return auth.resolve_token(session, token=token)
    principal, signature = _verify_signature(request, session, runtime, str(authorization), body)
    _check_project_header(request)
    if request.method.upper() in signing.STATE_CHANGING:
        replay.remember(runtime.sessions, signature)
    return principal


def _require_credentials(request: Request) -> tuple[str | None, str | None]:
    token = request.headers.get("x-auth-token")
    authorization = request.headers.get("authorization")
    if not token and not authorization:
        raise Unauthenticated(MISSING_CREDENTIALS)
    return token, authorization


def _verify_signature(
    request: Request, session: Session, runtime: Runtime, authorization: str, body: bytes
) -> tuple[Principal, str]:
    try:
        access_key, signed, signature = signing.parse_authorization(authorization)
    except signing.SignatureError as exc:
        raise Unauthenticated(f"Incorrect IAM authentication information: {exc}") from exc
    principal, secret = auth.resolve_access_key(
        session, access_key=access_key, cipher=runtime.cipher
    )
    try:
        signing.verify(
            method=request.method,
            raw_target=_raw_target(request),
            headers=_utf8_headers(request),
            body=body,
            secret=secret,
            signed=signed,
            signature=signature,
        )
    except signing.SignatureError as exc:
        raise Unauthenticated(f"Incorrect IAM authentication information: {exc}") from exc
    return principal, signature


def _utf8_headers(request: Request) -> dict[str, str]:
    # The SDK sends UTF-8 header bytes; ASGI hands them over undecoded.
    return {k.decode("latin-1"): v.decode("utf-8", "replace") for k, v in request.headers.raw}


def _check_project_header(request: Request) -> None:
    header = request.headers.get("x-project-id")
    path_project = request.path_params.get("project_id")
    if header and path_project and header != path_project:
        raise PermissionDenied("X-Project-Id does not match the project in the path")


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
CurrentUser = Annotated[Principal, Depends(current_principal)]
