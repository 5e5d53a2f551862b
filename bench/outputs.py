"""What every benchmark does with its figures: targets printed, the report kept as JSON."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def print_targets(targets: Mapping[str, bool]) -> None:
    for name, met in targets.items():
        print(f"  {name}: {'met' if met else 'NOT met'}")


def write_figures(prefix: str, figures: Any) -> Path:
    """bench/results/<prefix>-<UTC time>.json with the figures; returns its path."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{prefix}-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}.json"
    path.write_text(json.dumps(figures, indent=2) + "\n")
    return path
