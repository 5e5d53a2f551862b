"""The benchmark and harness modules live in bench/, outside the package: put them on the path."""

from __future__ import annotations

import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"
for folder in (BENCH, BENCH / "precision"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))
