"""IAM-style password authentication: POST /v3/auth/tokens (public)."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import Field

from opencheck.api.deps import RuntimeDep
from opencheck.api.schemas.common import Body, wire_time
from opencheck.errors import InvalidParameter
from opencheck.services import auth
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
def issue_token(body: TokenRequest, runtime: RuntimeDep) -> JSONResponse:
    """Exchange a user name and password for a token in the X-Subject-Token header."""
    identity = body.auth.identity
    if "password" not in identity.methods or identity.password is None:
        raise InvalidParameter("auth.identity.methods must include password")
    user_in = identity.password.user
    ttl = timedelta(seconds=runtime.settings.token_ttl_seconds)
    with unit_of_work(runtime.sessions) as session:
        user = auth.authenticate_password(session, name=user_in.name, password=user_in.password)
        token, expires = auth.issue_token(session, user=user, ttl=ttl)
        issued = expires - ttl
        content = {
            "token": {
                "methods": ["password"],
                "expires_at": wire_time(expires),
                "issued_at": wire_time(issued),
                "user": {"id": user.id, "name": user.name},
            }
        }
    return JSONResponse(status_code=201, content=content, headers={"X-Subject-Token": token})
