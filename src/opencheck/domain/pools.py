"""Agent pools: which pool's workers carry out a task's executions."""

from __future__ import annotations

DEFAULT_POOL = "default"


def pool_of(resource_pool_id: str | None) -> str:
    """The pool of a task whose template names `resource_pool_id`; "default" when it names none."""
    return (resource_pool_id or "").strip() or DEFAULT_POOL
