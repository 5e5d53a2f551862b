"""Analyser configs live in a private temp folder, never under a guessable shared name."""

from __future__ import annotations

import stat
import tempfile
from pathlib import Path

from opencheck.engine.analyzers import sqlfluff


def test_the_sqlfluff_config_is_in_a_private_folder() -> None:
    path = Path(sqlfluff.config_file())
    assert path.parent != Path(tempfile.gettempdir())
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700  # made by mkdtemp
    assert "dialect" in path.read_text() or path.read_text() == sqlfluff._CONFIG
