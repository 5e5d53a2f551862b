"""The engine stays below the services: no database, web or queue import."""

from __future__ import annotations

import subprocess
import sys

FORBIDDEN = ("sqlalchemy", "fastapi", "starlette", "alembic", "psycopg", "celery", "redis")
OUR_UPPER_LAYERS = ("opencheck.store", "opencheck.api", "opencheck.services", "opencheck.queue")


def test_engine_imports_nothing_above_it() -> None:
    code = (
        "import sys, opencheck.engine.pipeline, opencheck.engine.analyzers.registry\n"
        "print('\\n'.join(sys.modules))"
    )
    modules = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert not [m for m in modules if m.split(".")[0] in FORBIDDEN]
    assert not [m for m in modules if m.startswith(OUR_UPPER_LAYERS)]
