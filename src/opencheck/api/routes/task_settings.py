"""A task's settings and its ignored paths (`settings`, `config-ignorepath`)."""

from __future__ import annotations

from fastapi import APIRouter

from opencheck.api.deps import CurrentUser, RuntimeDep
from opencheck.api.params import int_param
from opencheck.api.schemas.v2_settings import (
    UpdateIgnorePathBody,
    UpdateTaskSettingsBody,
    settings_page,
)
from opencheck.services import task_settings
from opencheck.services.permissions import Action
from opencheck.store.db import unit_of_work

router = APIRouter()


@router.get("/v2/{project_id}/tasks/{task_id}/settings")
def show_task_settings(
    project_id: str,
    task_id: str,
    user: CurrentUser,
    runtime: RuntimeDep,
    offset: str | None = None,
    limit: str | None = None,
) -> dict[str, object]:
    """The task's settings: name, paths, gate (and CodeArts keys OpenCheck does not use)."""
    row_offset = int_param(offset, "offset", low=0, high=999_999, default=0)
    page_size = int_param(limit, "limit", low=1, high=1000, default=10)
    with unit_of_work(runtime.sessions) as session:
        task, template = task_settings.task_with_template(
            session, principal=user, project_id=project_id, task_id=task_id, action=Action.GET
        )
        return settings_page(task, template, offset=row_offset, limit=page_size)


@router.post("/v2/{project_id}/tasks/{task_id}/settings")
def update_task_settings(
    project_id: str,
    task_id: str,
    body: UpdateTaskSettingsBody,
    user: CurrentUser,
    runtime: RuntimeDep,
) -> None:
    """Change settings; the next check uses them."""
    change = body.to_change()
    with unit_of_work(runtime.sessions) as session:
        task_settings.update(
            session, principal=user, project_id=project_id, task_id=task_id, change=change
        )


@router.post("/v2/{project_id}/tasks/{task_id}/config-ignorepath")
def update_ignore_path(
    project_id: str,
    task_id: str,
    body: UpdateIgnorePathBody,
    user: CurrentUser,
    runtime: RuntimeDep,
) -> None:
    """Ignore paths (`all`) or check them again (`unchecked`) from the next check on."""
    with unit_of_work(runtime.sessions) as session:
        task_settings.set_ignored(
            session,
            principal=user,
            project_id=project_id,
            task_id=task_id,
            states=body.to_states(),
        )
