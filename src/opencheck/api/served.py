"""The app of each API process when `opencheck serve --processes N` runs several on one port.

uvicorn starts the processes and imports this factory in each; the settings come from the
environment, which `serve` filled from its flags. Only one process of the group runs the
embedded scan workers: the one holding a lock in the data directory, so a replacement of a
dead process takes them over and the others never double them.
"""

from __future__ import annotations

import fcntl
import logging
import os
from dataclasses import replace

from fastapi import FastAPI

from opencheck import logs
from opencheck.api import connection_share
from opencheck.api.app import create_app
from opencheck.api.connection_share import ConnectionShareMiddleware
from opencheck.config import Settings, from_env
from opencheck.runtime import Runtime

WORKERS_LOCK = "scan-workers.lock"
_held: list[int] = []  # the lock's descriptor stays open while the process lives


def holds_scan_workers(settings: Settings) -> bool:
    """Whether this process won the group's scan workers (non-blocking flock)."""
    fd = os.open(settings.data_dir / WORKERS_LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return False
    _held.append(fd)
    return True


def app() -> FastAPI:
    """One API process of the group; the database was upgraded by `serve` before it started."""
    settings = from_env()
    logs.configure(settings.log_format, logging.INFO)
    if settings.run_workers and not holds_scan_workers(settings):
        settings = replace(settings, run_workers=False)
    app = create_app(Runtime.build(settings, upgrade=False))
    share = connection_share.installed()
    if share is not None:  # one of a group of processes on one port (api/process_group.py)
        app.add_middleware(ConnectionShareMiddleware, share=share)
    return app
