"""`python -m opencheck.engine.metrics` < a JSON list of [LANGUAGE, PATH]: metrics as JSON lines.

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
    parts = Path(path).parts
    # Only files inside the checkout (the cwd): a list is data, never a way out.
    if not parts or Path(path).is_absolute() or ".." in parts:
        return {"path": path, "error": "not a path inside the checkout"}
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
    """Print one JSON object per [LANGUAGE, PATH] pair of stdin (paths relative to the cwd).

    JSON, not lines: a file name may hold a newline.
    """
    out = sys.stdout
    try:
        pairs = json.loads(sys.stdin.buffer.read())
        if not all(isinstance(p, list) and len(p) == 2 for p in pairs):
            raise ValueError("expected [LANGUAGE, PATH] pairs")
    except ValueError as exc:
        print(f"bad file list: {exc}", file=sys.stderr)
        return 2
    for language, path in pairs:
        out.write(json.dumps(_report(str(language), str(path)), separators=(",", ":")) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
