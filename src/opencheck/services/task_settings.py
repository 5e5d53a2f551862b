"""A task's settings after creation: name, paths, gate, and the paths ignored by checks."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from sqlalchemy.orm import Session

from opencheck.domain import gate
from opencheck.domain.gate import GateItem
from opencheck.engine.inventory import clean_relative
from opencheck.errors import InvalidParameter
from opencheck.services import execution_counts, new_code, task_search
from opencheck.services.auth import Principal
from opencheck.services.permissions import Action
from opencheck.services.projects import get_project_or_raise
from opencheck.services.tasks import get_task_for, require_in_project, touch, validate_paths
from opencheck.store.models import ConfigTemplate, Task

IGNORED = "all"
NOT_IGNORED = "unchecked"
PARTLY = "half"


@dataclass
class SettingsChange:
    """What a settings update may change; None leaves a setting as it is."""

    task_name: str | None = None
    include_paths: str | None = None
    exclude: str | None = None
    test_paths: str | None = None
    gate: tuple[GateItem, ...] | None = None
    gate_scope: str | None = None  # full or new (new_code.py)
    new_code_since: str | None = None


def task_with_template(
    session: Session, *, principal: Principal, project_id: str, task_id: str, action: Action
) -> tuple[Task, ConfigTemplate]:
    """The project's task (404 when it is another project's) and its configuration."""
    get_project_or_raise(session, project_id=project_id)
    task = get_task_for(session, principal=principal, task_id=task_id, action=action)
    require_in_project(task, project_id)
    template = session.get(ConfigTemplate, task.template_id)
    assert template is not None  # the foreign key guarantees it
    return task, template


def update(
    session: Session, *, principal: Principal, project_id: str, task_id: str, change: SettingsChange
) -> None:
    """Apply `change` (the edit permission); the next check uses it."""
    task, template = task_with_template(
        session, principal=principal, project_id=project_id, task_id=task_id, action=Action.EDIT
    )
    if change.task_name is not None:
        name = change.task_name.strip()
        if not name or len(name) > 512:
            raise InvalidParameter("taskName must be 1-512 characters")
        task.name = name
        task_search.renamed(session, task)
    for field in ("include_paths", "exclude", "test_paths"):
        value = getattr(change, field)
        if value is not None:
            setattr(template, field, validate_paths(value, field))
    if change.gate is not None:
        template.review_data = gate.to_json(change.gate)
    new_code.validate(session, task, change.gate_scope, change.new_code_since)
    touch(task)
    session.flush()
    execution_counts.refresh_latest(session, task)  # the gate judges the latest result anew


def ignored_paths(template: ConfigTemplate) -> list[str]:
    """The paths the task's checks leave out (its `exclude` setting), in order."""
    parts = template.exclude.replace(";", ",").split(",")
    return [part.strip().strip("/") for part in parts if part.strip()]


def set_ignored(
    session: Session,
    *,
    principal: Principal,
    project_id: str,
    task_id: str,
    states: list[tuple[str, str]],
) -> None:
    """Ignore (`all`) or check again (`unchecked`) paths; `half` is derived, so it is accepted
    and changes nothing."""
    task, template = task_with_template(
        session, principal=principal, project_id=project_id, task_id=task_id, action=Action.EDIT
    )
    ignored = ignored_paths(template)
    for raw, state in states:
        if state not in (IGNORED, NOT_IGNORED, PARTLY):
            raise InvalidParameter("checkbox_status must be one of unchecked, all, half")
        try:
            path = clean_relative(raw).strip("/")
        except ValueError as exc:
            raise InvalidParameter(f"file_path: {exc}") from exc
        if not path:
            raise InvalidParameter("file_path must name a file or folder of the repository")
        if state == IGNORED and not any(_under(path, kept) for kept in ignored):
            ignored = [p for p in ignored if not _under(p, path)] + [path]
        elif state == NOT_IGNORED:
            ignored = [p for p in ignored if not _under(p, path)]
    template.exclude = ",".join(ignored)
    touch(task)


def ignore_state(path: str, ignored: list[str]) -> str | None:
    """`all` when `path` is ignored, `half` when something below it is, else None."""
    if any(_under(path, p) for p in ignored):
        return IGNORED
    if any(_under(p, path) for p in ignored):
        return PARTLY
    return None


def _under(path: str, folder: str) -> bool:
    """Whether `path` is `folder` or inside it (plain prefixes; globs are never matched)."""
    if not folder:
        return True
    return path == folder or path.startswith(posixpath.join(folder, ""))
