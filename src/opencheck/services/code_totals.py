"""An execution's code metrics summed over its analysed files (main and test code).

Functions, complexity and duplication are measured on main code only (as Sonar measures them),
so the duplication ratios are taken over main code. Generated, vendored and bundled files have
rows too (listed, never analysed); they count nowhere.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, fields
from pathlib import PurePosixPath

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from opencheck.domain.code_metrics import (
    HUGE_FILE_LINES,
    HUGE_FOLDER_FILES,
    FileSummary,
    folders_of,
    is_header,
)
from opencheck.domain.roles import ANALYSED_ROLES, Role
from opencheck.store.models import ExecutionFile


@dataclass(frozen=True)
class CodeTotals(FileSummary):
    """The function metrics of every file summed (maxima for `max_*`), with file-level counts."""

    files: int = 0
    raw_lines: int = 0
    duplicated_lines: int = 0
    duplicated_blocks: int = 0
    duplicated_files: int = 0
    main_files: int = 0
    main_raw_lines: int = 0
    source_files: int = 0  # main code, not C/C++ headers
    source_duplicated_lines: int = 0
    source_duplicated_files: int = 0
    source_raw_lines: int = 0
    headers: int = 0
    huge_headers: int = 0
    huge_sources: int = 0
    folders: int = 0
    huge_folders: int = 0


def _analysed() -> ColumnElement[bool]:
    return ExecutionFile.role.in_(ANALYSED_ROLES)


_SUMMED_COLUMNS = ("raw_lines", "duplicated_lines", "duplicated_blocks")


def code_totals(session: Session, execution_id: str) -> CodeTotals:
    """The totals of one execution; all zero for one checked before files were recorded."""
    names = [f.name for f in fields(FileSummary)] + list(_SUMMED_COLUMNS)
    columns = [
        func.coalesce(
            (func.max if name.startswith("max_") else func.sum)(getattr(ExecutionFile, name)), 0
        )
        for name in names
    ]
    row = session.execute(
        select(func.count(ExecutionFile.id), *columns).where(
            ExecutionFile.execution_id == execution_id, _analysed()
        )
    ).one()
    values = {name: int(value) for name, value in zip(names, row[1:], strict=True)}
    return CodeTotals(files=int(row[0]), **values, **_path_counts(session, execution_id))


def _path_counts(session: Session, execution_id: str) -> dict[str, int]:
    """Counts that depend on the path: headers, folders, duplicated files."""
    counts: Counter[str] = Counter()
    per_folder: Counter[str] = Counter()
    paths: list[str] = []
    rows = session.execute(
        select(
            ExecutionFile.path,
            ExecutionFile.raw_lines,
            ExecutionFile.duplicated_lines,
            ExecutionFile.role,
        ).where(ExecutionFile.execution_id == execution_id, _analysed())
    )
    for path, raw_lines, duplicated, role in rows:
        header = is_header(path)
        huge = raw_lines > HUGE_FILE_LINES
        main = role == Role.MAIN.value
        counts["duplicated_files"] += duplicated > 0
        counts["main_files"] += main
        counts["main_raw_lines"] += raw_lines if main else 0
        counts["headers"] += header
        counts["huge_headers"] += header and huge
        counts["huge_sources"] += not header and huge
        if main and not header:
            counts["source_files"] += 1
            counts["source_raw_lines"] += raw_lines
            counts["source_duplicated_lines"] += duplicated
            counts["source_duplicated_files"] += duplicated > 0
        per_folder[str(PurePosixPath(path).parent)] += 1
        paths.append(path)
    counts["folders"] = len(folders_of(paths))
    counts["huge_folders"] = sum(1 for n in per_folder.values() if n > HUGE_FOLDER_FILES)
    return dict(counts)
