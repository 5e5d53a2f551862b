"""Agent pools: which workers may run a task's executions (CodeArts `resource_pool_id`)."""

from __future__ import annotations

import platform

DEFAULT_POOL = "default"
POOL_TYPES = ("default", "exclusive", "self-hosted")


def pool_of(resource_pool_id: str | None) -> str:
    """The pool a task's executions go to: its resource pool, else the shared default."""
    return (resource_pool_id or "").strip() or DEFAULT_POOL


def pool_type_of(resource_pool_id: str | None) -> str:
    """`resource_pool_type` of seed 004: a named pool is the user's own agents."""
    return "default" if pool_of(resource_pool_id) == DEFAULT_POOL else "self-hosted"


def machine_arch() -> str:
    """This machine's architecture in CodeArts's spelling (`x86` or `Arm`)."""
    machine = platform.machine().lower()
    if machine in ("aarch64", "arm64") or machine.startswith("arm"):
        return "Arm"
    return "x86" if machine in ("x86_64", "amd64", "i686", "i386", "x86") else machine[:16]
