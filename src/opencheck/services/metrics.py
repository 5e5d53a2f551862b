"""Code metrics and the path tree of a task's execution, from what is stored.

Every listed file is stored with its role and metrics (`execution_files`); generated, vendored
and bundled files are listed but not analysed, and an analysed file some analyser could not
check (parse failure, size cap, failed analyser) has its reason (`unchecked_reason`). Executions
stored before files were fall back to the paths of their defects for folders and the path tree.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from opencheck.domain.code_metrics import clean_path, folders_of
from opencheck.domain.roles import ANALYSED_ROLES, Role
from opencheck.services import task_settings
from opencheck.services.auth import Principal
from opencheck.services.code_totals import CodeTotals, code_totals
from opencheck.services.defects import LineCounts, result_execution
from opencheck.services.projects import get_project_or_raise
from opencheck.services.tasks import require_in_project
from opencheck.store.models import (
    ConfigTemplate,
    DefectOccurrence,
    Execution,
    ExecutionFile,
    ExecutionLanguage,
    Task,
    TaskDefect,
)

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
    unchecked: Unchecked


@dataclass(frozen=True)
class Unchecked:
    """Analysed (main and test) files some analyser did not check, and their code lines."""

    files: int = 0
    code_lines: int = 0


@dataclass(frozen=True)
class ListedFile:
    path: str
    role: str
    unchecked_reason: str | None


@dataclass(frozen=True)
class PathNode:
    """A file or folder of the tree; a folder has a role and reason when all below share one."""

    name: str
    path: str
    is_leaf: bool
    role: str | None = None
    unchecked_reason: str | None = None
    # CodeArts' ignore state: "all" (nothing below analysed), "half" (some), "unchecked" (all).
    checkbox_status: str = "unchecked"


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
    return require_in_project(task, project_id), execution


def _listed_files(session: Session, execution_id: str) -> list[ListedFile]:
    """The listed files of an execution, else (stored before files were) its defects' files."""
    rows = session.execute(
        select(ExecutionFile.path, ExecutionFile.role, ExecutionFile.unchecked_reason).where(
            ExecutionFile.execution_id == execution_id
        )
    ).all()
    if rows:
        return [ListedFile(*row) for row in rows]
    paths = session.scalars(
        select(DefectOccurrence.file_path)
        .where(DefectOccurrence.execution_id == execution_id)
        .distinct()
    )
    return [ListedFile(path, Role.MAIN.value, None) for path in paths]


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
        .select_from(DefectOccurrence)
        .join(TaskDefect, TaskDefect.id == DefectOccurrence.defect_id)
        .where(
            DefectOccurrence.execution_id == execution.id,
            TaskDefect.rule_id == REDUNDANT_CODE_RULE,
        )
    )
    totals = code_totals(session, execution.id)
    # Executions stored before their files were count the folders of their defects' files.
    folders = totals.folders
    if not totals.files:
        listed = _listed_files(session, execution.id)
        folders = len(folders_of([f.path for f in listed if f.role in ANALYSED_ROLES]))
    return CodeMetrics(
        unchecked=_unchecked(session, execution.id),
        task=task,
        execution=execution,
        lines=LineCounts(code=int(code), comment=int(comment), blank=int(blank)),
        files=int(files) or execution.file_total,
        folders=folders,
        redundant_code=int(redundant or 0),
        totals=totals,
    )


def _unchecked(session: Session, execution_id: str) -> Unchecked:
    files, code = session.execute(
        select(func.count(), func.coalesce(func.sum(ExecutionFile.code_lines), 0)).where(
            ExecutionFile.execution_id == execution_id,
            ExecutionFile.role.in_(ANALYSED_ROLES),
            ExecutionFile.unchecked_reason.is_not(None),
        )
    ).one()
    return Unchecked(int(files), int(code))


def path_children(files: list[ListedFile], current: str) -> list[PathNode]:
    """Children of `current` ("" is the root): directories first, then files, by name."""
    prefix = f"{current}/" if current else ""
    below: dict[tuple[str, bool], list[ListedFile]] = {}
    for listed in files:
        path = clean_path(listed.path)
        if not path.startswith(prefix) or path == current:
            continue
        head, sep, _ = path[len(prefix) :].partition("/")
        below.setdefault((head, not sep), []).append(listed)
    nodes = [_node(prefix + head, head, leaf, found) for (head, leaf), found in below.items()]
    return sorted(nodes, key=lambda n: (n.is_leaf, n.name))


def _node(path: str, name: str, is_leaf: bool, files: list[ListedFile]) -> PathNode:
    roles = {f.role for f in files}
    reasons = {f.unchecked_reason for f in files}
    left_out = sum(1 for f in files if f.role not in ANALYSED_ROLES)
    status = "unchecked" if not left_out else "all" if left_out == len(files) else "half"
    return PathNode(
        name,
        path,
        is_leaf,
        role=roles.pop() if len(roles) == 1 else None,
        unchecked_reason=reasons.pop() if len(reasons) == 1 else None,
        checkbox_status=status,
    )


def path_tree(
    session: Session,
    *,
    principal: Principal,
    project_id: str,
    task_id: str,
    execution_id: str | None,
    current_path: str,
) -> list[PathNode]:
    task, execution = task_in_project(
        session,
        principal=principal,
        project_id=project_id,
        task_id=task_id,
        execution_id=execution_id,
    )
    current = clean_path(current_path)
    nodes = path_children(_listed_files(session, execution.id), current)
    template = session.get(ConfigTemplate, task.template_id)
    ignored = task_settings.ignored_paths(template) if template is not None else []
    shown = [_with_setting(node, ignored) for node in nodes]
    # An ignored path the checked commit's listing left out is still shown, so it can be
    # checked again from the tree.
    known = {node.path for node in shown}
    for path in _ignored_children(ignored, current):
        if path not in known:
            known.add(path)
            # Never listed, so its kind is unknown: a name with an extension is shown as a file.
            leaf = path in ignored and "." in posixpath.basename(path)
            state = task_settings.ignore_state(path, ignored) or task_settings.IGNORED
            shown.append(PathNode(posixpath.basename(path), path, leaf, checkbox_status=state))
    return sorted(shown, key=lambda n: (n.is_leaf, n.name))


def _ignored_children(ignored: list[str], current: str) -> list[str]:
    """The children of `current` that are, or hold, an ignored path."""
    prefix = f"{current}/" if current else ""
    found = []
    for path in ignored:
        if path.startswith(prefix) and path != current:
            head = path[len(prefix) :].split("/", 1)[0]
            found.append(prefix + head)
    return found


def _with_setting(node: PathNode, ignored: list[str]) -> PathNode:
    """The node's ignore state with the task's setting applied: shown before the next check."""
    state = task_settings.ignore_state(node.path, ignored)
    if state is None or node.checkbox_status == task_settings.IGNORED:
        return node
    return replace(node, checkbox_status=state)
