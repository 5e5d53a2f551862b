"""The code around each defect of a page, read from the checked commit in the repository cache."""

from __future__ import annotations

from pathlib import Path

from opencheck.engine.sources import read_files
from opencheck.services.defects import DefectPage

CONTEXT_LINES = 2
MAX_LINE = 500


def fragments(page: DefectPage, cache_dir: Path) -> dict[int, list[tuple[int, str]]]:
    """Defect id → (line number, text) from CONTEXT_LINES before to CONTEXT_LINES after it.

    Defects whose file the cache no longer holds are left out (callers show the stored line).
    """
    commit = page.execution.commit_sha
    if not commit or not page.defects:
        return {}
    paths = [d.file_path for d in page.defects]
    sources = read_files(cache_dir, page.execution.git_url, commit, paths, page.task.project_id)
    split = {
        path: data.decode("utf-8", errors="replace").splitlines() for path, data in sources.items()
    }
    found: dict[int, list[tuple[int, str]]] = {}
    for defect in page.defects:
        lines = split.get(defect.file_path)
        if lines is None or not 0 < defect.line <= len(lines):
            continue
        first = max(1, defect.line - CONTEXT_LINES)
        last = min(len(lines), defect.line + CONTEXT_LINES)
        found[defect.id] = [(n, lines[n - 1].rstrip()[:MAX_LINE]) for n in range(first, last + 1)]
    return found
