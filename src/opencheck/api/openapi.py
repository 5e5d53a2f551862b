"""The OpenAPI document tells the truth: error bodies, id patterns and parameter ranges.

Routes parse their query integers themselves (so that an out-of-range value is a CodeArts 400,
not a framework 422), which hides the ranges from FastAPI; they are declared here instead, and
the schema fuzz test checks the document against the live server.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

HEX_ID = {"type": "string", "pattern": "^[0-9a-f]{32}$"}
ID_PARAMETERS = ("project_id", "task_id", "ruleset_id")
_PAGE = {"offset": (0, 999_999), "limit": (1, 100)}
_CATALOG = {"offset": (0, 999_999), "limit": (1, 1000)}
# (low, high) of each integer query parameter, per path; None means no upper bound.
QUERY_RANGES: dict[str, dict[str, tuple[int, int | None]]] = {
    "/v1/tasks": {"page": (1, None), "page_size": (1, 200)},
    "/v2/{project_id}/tasks": _PAGE,
    "/v2/tasks/{task_id}/defects-detail": {"offset": (0, 999_999), "limit": (1, 200)},
    "/v2/{project_id}/tasks/{task_id}/listpathtree": {"offset": (0, 999_999), "limit": (1, 1000)},
    "/v2/{project_id}/tasks/{task_id}/checkrecord": {"offset": (0, 999_999), "limit": (1, 1000)},
    "/v2/rules": _CATALOG,
    "/v2/{project_id}/rulesets": _CATALOG,
    "/v2/{project_id}/ruleset/{ruleset_id}/rules": _CATALOG,
    "/v3/{project_id}/tasks/{task_id}/rulesets": _CATALOG,
    "/v2/{project_id}/tasks/{task_id}/settings": {"offset": (0, 999_999), "limit": (1, 1000)},
    "/v3/{project_id}/tasks/{task_id}/ruleset/{ruleset_id}/check-parameters": {
        "offset": (0, 999_999),
        "limit": (1, 1000),
    },
}
ERROR_BODY = {
    "type": "object",
    "required": ["error_code", "error_msg"],
    "properties": {"error_code": {"type": "string"}, "error_msg": {"type": "string"}},
}
_ERRORS = {
    "400": "Invalid parameter, body, id or header",
    "401": "Missing, invalid, expired or revoked credentials",
    "403": "The caller lacks the permission",
    "404": "Unknown project, task, rule set or route",
    "405": "Method not allowed on this path (see Allow)",
    "409": "A check of the task is queued or running, or another conflict",
    "413": "Request body too large",
    "429": "Too many failed logins (see Retry-After)",
    "500": "Internal error (no traceback)",
}
PUBLIC = {("/v3/auth/tokens", "post"), ("/health", "get")}


def install(app: FastAPI) -> None:
    """Serve the completed document at /openapi.json."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title, version=app.version, description=app.description,
                routes=app.routes,
            )  # fmt: skip
            complete(document)
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def complete(document: dict[str, Any]) -> None:
    """Declare every operation's error responses, id patterns and integer ranges."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas["ErrorBody"] = ERROR_BODY
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            _parameters(path, operation)
            _responses(path, method, operation)


def _parameters(path: str, operation: dict[str, Any]) -> None:
    ranges = QUERY_RANGES.get(path, {})
    for parameter in operation.get("parameters", []):
        name = parameter.get("name")
        if parameter.get("in") == "path" and name in ID_PARAMETERS:
            parameter["schema"] = {**HEX_ID, "title": parameter["schema"].get("title", name)}
        elif parameter.get("in") == "query" and name in ranges:
            low, high = ranges[name]
            schema: dict[str, Any] = {"type": "integer", "minimum": low}
            if high is not None:
                schema["maximum"] = high
            parameter["schema"] = schema


def _responses(path: str, method: str, operation: dict[str, Any]) -> None:
    responses = operation.setdefault("responses", {})
    responses.pop("422", None)  # validation errors are CodeArts 400s
    wanted = set(_ERRORS)
    if (path, method) in PUBLIC:
        wanted -= {"401", "403", "409"}
    if path != "/v3/auth/tokens":
        wanted.discard("429")
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
    for status in sorted(wanted):
        responses.setdefault(status, {"description": _ERRORS[status], "content": error})
