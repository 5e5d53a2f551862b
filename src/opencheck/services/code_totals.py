"""An execution's code metrics summed over its checked files (the `execution_files` rows)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import PurePosixPath

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from opencheck.domain.code_metrics import HUGE_FILE_LINES, HUGE_FOLDER_FILES, is_header
from opencheck.store.models import ExecutionFile


@dataclass
class CodeTotals:
    """Totals, maxima and counts over every checked file of one execution."""

    files: int = 0
    raw_lines: int = 0
    functions: int = 0
    complexity: int = 0
    cca_complexity: int = 0
    max_complexity: int = 0
    max_cca_complexity: int = 0
    huge_complexity: int = 0
    huge_cca_complexity: int = 0
    max_depth: int = 0
    huge_depth: int = 0
    method_lines: int = 0
    huge_methods: int = 0
    duplicated_lines: int = 0
    duplicated_blocks: int = 0
    duplicated_files: int = 0
    source_files: int = 0  # not C/C++ headers
    source_duplicated_lines: int = 0
    source_duplicated_files: int = 0
    source_raw_lines: int = 0
    headers: int = 0
    huge_headers: int = 0
    huge_sources: int = 0
    folders: int = 0
    huge_folders: int = 0


_SUMMED = (
    "raw_lines",
    "functions",
    "complexity",
    "cca_complexity",
    "huge_complexity",
    "huge_cca_complexity",
    "huge_depth",
    "method_lines",
    "huge_methods",
    "duplicated_lines",
    "duplicated_blocks",
)
_MAXED = ("max_complexity", "max_cca_complexity", "max_depth")


def code_totals(session: Session, execution_id: str) -> CodeTotals:
    """The totals of one execution; all zero for one checked before files were recorded."""
    columns = [func.coalesce(func.sum(getattr(ExecutionFile, n)), 0) for n in _SUMMED]
    columns += [func.coalesce(func.max(getattr(ExecutionFile, n)), 0) for n in _MAXED]
    row = session.execute(
        select(func.count(ExecutionFile.id), *columns).where(
            ExecutionFile.execution_id == execution_id
        )
    ).one()
    totals = CodeTotals(files=int(row[0]))
    for name, value in zip((*_SUMMED, *_MAXED), row[1:], strict=True):
        setattr(totals, name, int(value))
    _add_path_counts(session, execution_id, totals)
    return totals


def _add_path_counts(session: Session, execution_id: str, totals: CodeTotals) -> None:
    """Counts that depend on the path: headers, folders, duplicated files."""
    per_folder: Counter[str] = Counter()
    folders: set[str] = set()
    rows = session.execute(
        select(ExecutionFile.path, ExecutionFile.raw_lines, ExecutionFile.duplicated_lines).where(
            ExecutionFile.execution_id == execution_id
        )
    )
    for path, raw_lines, duplicated in rows:
        header = is_header(path)
        totals.duplicated_files += duplicated > 0
        totals.headers += header
        totals.huge_headers += header and raw_lines > HUGE_FILE_LINES
        totals.huge_sources += not header and raw_lines > HUGE_FILE_LINES
        if not header:
            totals.source_files += 1
            totals.source_raw_lines += raw_lines
            totals.source_duplicated_lines += duplicated
            totals.source_duplicated_files += duplicated > 0
        parent = PurePosixPath(path).parent
        per_folder[str(parent)] += 1
        folders.update(str(p) for p in (parent, *parent.parents) if str(p) != ".")
    totals.folders = len(folders)
    totals.huge_folders = sum(1 for n in per_folder.values() if n > HUGE_FOLDER_FILES)
