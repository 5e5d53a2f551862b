"""Typed errors of the core; the API maps them to CodeArts bodies, the CLI to exit codes."""

from __future__ import annotations


class OpenCheckError(Exception):
    """Base of every error a user can cause; carries the CodeArts code and HTTP status."""

    error_code = "CC.00050006"
    status = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidParameter(OpenCheckError):
    error_code = "CC.00050000"
    status = 400


class Unauthenticated(OpenCheckError):
    error_code = "CC.00000003"
    status = 401


class PermissionDenied(OpenCheckError):
    error_code = "CC.00050010"
    status = 403


class ProjectNotFound(OpenCheckError):
    error_code = "CC.00050013"
    status = 404


class NotFound(OpenCheckError):
    """An unknown task, execution, rule set, user or defect."""

    error_code = "CC.00050404"
    status = 404


class TaskRunning(OpenCheckError):
    error_code = "CC.00050015"
    status = 409


class Conflict(OpenCheckError):
    error_code = "CC.00050409"
    status = 409


class TooManyAttempts(OpenCheckError):
    """Too many failed logins: wait `retry_after` seconds (sent as Retry-After)."""

    error_code = "CC.00050429"
    status = 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = max(1, retry_after)
