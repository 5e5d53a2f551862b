"""Every failure becomes the CodeArts body `{"error_code", "error_msg"}` with its status."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from opencheck.errors import InvalidParameter, NotFound, OpenCheckError, TooManyAttempts
from opencheck.store.db import UNREACHABLE

log = logging.getLogger("opencheck.api")
UNAVAILABLE_CODE = "CC.00050012"  # "retry later", HTTP 503 in CodeArts's error table
_HTTP_CODES = {
    401: "CC.00000003",
    403: "CC.00050010",
    404: NotFound.error_code,
    405: "CC.00050405",
    413: "CC.00050413",
    415: "CC.00050415",
}


def error_response(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse(status_code=status, content={"error_code": code, "error_msg": message})


def _describe(error: dict[str, Any]) -> str:
    loc = [str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path", "header")]
    where = ".".join(loc) or "request body"
    if error.get("type") == "json_invalid":
        return "request body is not valid JSON"
    if error.get("type") == "missing":
        return f"{where} is required"
    return f"{where}: {error.get('msg', 'invalid value')}"


async def _opencheck_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, OpenCheckError)
    response = error_response(exc.status, exc.error_code, exc.message)
    if isinstance(exc, TooManyAttempts):
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    messages = [_describe(e) for e in exc.errors()[:3]]
    return error_response(
        400, InvalidParameter.error_code, "Invalid parameter: " + "; ".join(messages)
    )


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _HTTP_CODES.get(exc.status_code, InvalidParameter.error_code)
    detail = exc.detail if isinstance(exc.detail, str) else "request failed"
    if exc.status_code == 404 and detail == "Not Found":
        detail = "The requested resource does not exist"
    response = error_response(exc.status_code, code, detail)
    response.headers.update(exc.headers or {})
    if exc.status_code == 405:
        response.headers["Allow"] = ", ".join(_allowed_methods(request))
    return response


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def _allowed_methods(request: Request) -> list[str]:
    """Every method some route accepts on this path (a path may have one route per method)."""
    return [
        method
        for method in _METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] is Match.FULL
            for route in request.app.routes
        )
    ]


async def _database_unavailable(_: Request, exc: Exception) -> JSONResponse:
    # The database is down, restarting or out of connections: nothing was written (the unit of
    # work rolled back), so the client may simply send the request again.
    log.warning("database unavailable: %s", type(exc).__name__)
    response = error_response(503, UNAVAILABLE_CODE, "The service is busy; retry later")
    response.headers["Retry-After"] = "5"
    return response


def install(app: FastAPI) -> None:
    for unavailable in UNREACHABLE:
        app.add_exception_handler(unavailable, _database_unavailable)
    app.add_exception_handler(OpenCheckError, _opencheck_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
