"""Recall on the planted-bug suite of the tests (tests/engine/planted), for the report."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
SUITE = REPO / "tests" / "engine" / "planted"


def recall() -> dict[str, dict[str, Any]]:
    """Per language: planted bugs, found, recall, critical/major findings on clean files."""
    sys.path.insert(0, str(REPO / "tests" / "engine"))
    try:
        import planted_suite
    finally:
        sys.path.pop(0)
    with tempfile.TemporaryDirectory(prefix="planted-") as work:
        result = planted_suite.run_suite(planted_suite.load_suite(SUITE), Path(work))
    return {
        language: {
            "planted": len(outcome.planted),
            "found": len(outcome.found),
            "recall": outcome.recall,
            "clean_severe": len(outcome.clean_severe),
            "missed": [bug.description for bug in outcome.missed],
        }
        for language, outcome in result.languages.items()
    }
