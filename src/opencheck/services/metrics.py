"""Code metrics and the checked-path tree of a task's execution, from what is stored.

Every checked file is stored with its metrics (`execution_files`). Executions stored before
that existed fall back to the paths of their defects for folders and the path tree.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from opencheck.domain.code_metrics import clean_path, folders_of
from opencheck.errors import NotFound
from opencheck.services.auth import Principal
from opencheck.services.code_totals import CodeTotals, code_totals
from opencheck.services.defects import LineCounts, result_execution
from opencheck.services.projects import get_project_or_raise
from opencheck.store.models import Defect, Execution, ExecutionFile, ExecutionLanguage, Task

REDUNDANT_CODE_RULE = "ruff:ERA001"  # commented-out code


@dataclass
class CodeMetrics:
    task: Task
    execution: Execution
    lines: LineCounts
    files: int
    folders: int
    redundant_code: int
    totals: CodeTotals


@dataclass(frozen=True)
class PathNode:
    name: str
    path: str
    is_leaf: bool


def task_in_project(
    session: Session,
    *,
    principal: Principal,
    project_id: str,
    task_id: str,
    execution_id: str | None,
) -> tuple[Task, Execution]:
    """The project must exist (400 malformed / 404 unknown) and own the task (else 404)."""
    get_project_or_raise(session, project_id=project_id)
    task, execution = result_execution(
        session, principal=principal, task_id=task_id, execution_id=execution_id
    )
    if task.project_id != project_id:
        raise NotFound(f"task {task_id} not found in project {project_id}")
    return task, execution


def _checked_paths(session: Session, execution_id: str) -> list[str]:
    """The checked files of an execution, else (stored before files were) its defects' files."""
    files = list(
        session.scalars(
            select(ExecutionFile.path).where(ExecutionFile.execution_id == execution_id)
        )
    )
    return files or list(
        session.scalars(
            select(Defect.file_path).where(Defect.execution_id == execution_id).distinct()
        )
    )


def code_metrics(
    session: Session,
    *,
    principal: Principal,
    project_id: str,
    task_id: str,
    execution_id: str | None,
) -> CodeMetrics:
    task, execution = task_in_project(
        session,
        principal=principal,
        project_id=project_id,
        task_id=task_id,
        execution_id=execution_id,
    )
    code, comment, blank, files = session.execute(
        select(
            func.coalesce(func.sum(ExecutionLanguage.code_lines), 0),
            func.coalesce(func.sum(ExecutionLanguage.comment_lines), 0),
            func.coalesce(func.sum(ExecutionLanguage.blank_lines), 0),
            func.coalesce(func.sum(ExecutionLanguage.files), 0),
        ).where(ExecutionLanguage.execution_id == execution.id)
    ).one()
    redundant = session.scalar(
        select(func.count())
        .select_from(Defect)
        .where(Defect.execution_id == execution.id, Defect.rule_id == REDUNDANT_CODE_RULE)
    )
    totals = code_totals(session, execution.id)
    # Executions stored before their files were count the folders of their defects' files.
    folders = totals.folders
    if not totals.files:
        folders = len(folders_of(_checked_paths(session, execution.id)))
    return CodeMetrics(
        task=task,
        execution=execution,
        lines=LineCounts(code=int(code), comment=int(comment), blank=int(blank)),
        files=int(files) or execution.file_total,
        folders=folders,
        redundant_code=int(redundant or 0),
        totals=totals,
    )


def path_children(paths: list[str], current: str) -> list[PathNode]:
    """Children of `current` ("" is the root): directories first, then files, by name."""
    prefix = f"{current}/" if current else ""
    nodes: dict[str, PathNode] = {}
    for raw in paths:
        path = clean_path(raw)
        if not path.startswith(prefix) or path == current:
            continue
        head, sep, _ = path[len(prefix) :].partition("/")
        nodes.setdefault(head, PathNode(head, prefix + head, is_leaf=not sep))
    return sorted(nodes.values(), key=lambda n: (n.is_leaf, n.name))


def path_tree(
    session: Session,
    *,
    principal: Principal,
    project_id: str,
    task_id: str,
    execution_id: str | None,
    current_path: str,
) -> list[PathNode]:
    _, execution = task_in_project(
        session,
        principal=principal,
        project_id=project_id,
        task_id=task_id,
        execution_id=execution_id,
    )
    return path_children(_checked_paths(session, execution.id), clean_path(current_path))
