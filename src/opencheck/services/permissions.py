"""Project roles and the IAM actions (codeartscheck:task:*) they grant."""

from __future__ import annotations

import enum


class Action(enum.StrEnum):
    LIST = "codeartscheck:task:list"
    GET = "codeartscheck:task:get"
    CREATE = "codeartscheck:task:create"
    EDIT = "codeartscheck:task:edit"
    EXECUTE = "codeartscheck:task:execute"
    DELETE = "codeartscheck:task:delete"
    WEBHOOKS = "opencheck:webhook:manage"  # owners only


ROLES: dict[str, frozenset[Action]] = {
    "owner": frozenset(Action),
    "developer": frozenset({Action.LIST, Action.GET, Action.CREATE, Action.EDIT, Action.EXECUTE}),
    "tester": frozenset({Action.LIST, Action.GET, Action.EXECUTE}),
    "viewer": frozenset({Action.LIST, Action.GET}),
}


def allows(role: str | None, action: Action, *, is_admin: bool = False) -> bool:
    """Whether a member with `role` (None = not a member) may perform `action`."""
    if is_admin:
        return True
    return role is not None and action in ROLES.get(role, frozenset())
