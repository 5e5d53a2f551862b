"""IAM-style password authentication: POST /v3/auth/tokens (public)."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from pydantic import Field

from opencheck.api.deps import CurrentUser, RuntimeDep
from opencheck.api.params import str_param
from opencheck.api.schemas.common import Body, wire_time
from opencheck.errors import InvalidParameter, Unauthenticated
from opencheck.services import auth, login_guard, projects
from opencheck.store.db import unit_of_work

router = APIRouter()


class _Domain(Body):
    name: str | None = None


class _User(Body):
    name: str = Field(min_length=1, max_length=128)
    password: str = Field(min_length=1, max_length=1024)
    domain: _Domain | None = None


class _Password(Body):
    user: _User


class _Identity(Body):
    methods: list[str]
    password: _Password | None = None


class _Auth(Body):
    identity: _Identity


class TokenRequest(Body):
    auth: _Auth


@router.post("/v3/auth/tokens", status_code=201)
def issue_token(body: TokenRequest, request: Request, runtime: RuntimeDep) -> JSONResponse:
    """Exchange a user name and password for a token in the X-Subject-Token header.

    Failed logins back off per user name and per client address (429 with Retry-After).
    """
    identity = body.auth.identity
    if "password" not in identity.methods or identity.password is None:
        raise InvalidParameter("auth.identity.methods must include password")
    user_in = identity.password.user
    ttl = timedelta(seconds=runtime.settings.token_lifetime_seconds)
    guarded = login_guard.keys(user_in.name, request.client.host if request.client else None)
    login_guard.check(runtime.sessions, guarded)
    try:
        with unit_of_work(runtime.sessions) as session:
            user = auth.authenticate_password(session, name=user_in.name, password=user_in.password)
            token, expires = auth.issue_token(session, user=user, ttl=ttl)
            content = {
                "token": {
                    "methods": ["password"],
                    "expires_at": wire_time(expires),
                    "issued_at": wire_time(expires - ttl),
                    "user": {"id": user.id, "name": user.name},
                }
            }
    except Unauthenticated:
        login_guard.failed(runtime.sessions, guarded)
        raise
    login_guard.succeeded(runtime.sessions, next(iter(guarded)))
    return JSONResponse(status_code=201, content=content, headers={"X-Subject-Token": token})


@router.delete("/v3/auth/tokens", status_code=204)
def revoke_token(request: Request, user: CurrentUser, runtime: RuntimeDep) -> Response:
    """IAM's revoke: the token in X-Subject-Token stops working at once."""
    subject = request.headers.get("x-subject-token", "")
    if not subject or len(subject) > 1024:
        raise InvalidParameter("X-Subject-Token is required")
    with unit_of_work(runtime.sessions) as session:
        auth.revoke_token(session, principal=user, subject=subject)
    return Response(status_code=204)


@router.get("/v3/projects")
def list_projects(
    user: CurrentUser, runtime: RuntimeDep, name: str | None = None
) -> dict[str, object]:
    """IAM's project list by name, as region-configured SDK clients call it (sdk-auth.md 5)."""
    wanted = str_param(name, "name", max_len=256) or runtime.settings.region
    with unit_of_work(runtime.sessions) as session:
        found = projects.projects_named(
            session, principal=user, name=wanted, region=runtime.settings.region
        )
        listed = [
            {"id": p.id, "name": p.name, "enabled": True, "domain_id": "", "is_domain": False}
            for p in found
        ]
    return {"projects": listed, "links": {"self": "/v3/projects"}}
