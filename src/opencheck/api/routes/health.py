"""Liveness and database reachability; public."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from opencheck import __version__
from opencheck.api.deps import RuntimeDep

router = APIRouter()


@router.get("/health")
def health(runtime: RuntimeDep) -> dict[str, str]:
    with runtime.db.connect() as conn:
        conn.execute(text("SELECT 1"))
    queue = runtime.queue.name if runtime.queue else "none"
    return {
        "status": "ok",
        "database": runtime.db.dialect.name,
        "queue": queue,
        "version": __version__,
    }
