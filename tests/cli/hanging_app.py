"""An app factory that never returns: an API process that hangs before its event loop first
turns (as one stuck on a lock or a dead file system at start would)."""

from __future__ import annotations

import time


def app() -> None:
    time.sleep(3600)
