"""`python -m opencheck.engine.metrics` < `LANGUAGE:PATH` lines: function metrics as JSON lines.

Runs as a child process of the engine, so that the runner bounds its time and memory like any
analyser's. Reads each file as bytes and never runs anything from the repository.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from opencheck.engine.metrics.complexity import measurable, measure_functions

LINES_ONLY = "lines"  # in place of the language: count the file's lines, measure no function


def _report(language: str, path: str) -> dict[str, object]:
    try:
        source = Path(path).read_bytes()
    except OSError as exc:
        return {"path": path, "error": exc.strerror or str(exc)}
    lines = source.count(b"\n") + (1 if source and not source.endswith(b"\n") else 0)
    report: dict[str, object] = {"path": path, "raw_lines": lines}
    if language != LINES_ONLY and measurable(language, path):
        report["functions"] = [list(m) for m in measure_functions(language, source)]
    return report


def main() -> int:
    """Print one JSON object per `LANGUAGE:PATH` line of stdin (paths relative to the cwd)."""
    out = sys.stdout
    for arg in sys.stdin.read().splitlines():
        language, sep, path = arg.partition(":")
        if not sep:
            print(f"not LANGUAGE:PATH: {arg!r}", file=sys.stderr)
            return 2
        out.write(json.dumps(_report(language, path), separators=(",", ":")) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
