"""Tasks, v2: create, delete, list by project, follow."""

from __future__ import annotations

from fastapi import APIRouter, Response

from opencheck.api.deps import CurrentUser, RuntimeDep
from opencheck.api.params import int_param
from opencheck.api.schemas.v2_tasks import CreateTaskRequestV2, simple_task_info
from opencheck.services import tasks
from opencheck.store.db import unit_of_work

router = APIRouter()


@router.post("/v2/{project_id}/task")
def create_task(
    project_id: str, body: CreateTaskRequestV2, user: CurrentUser, runtime: RuntimeDep
) -> dict[str, str]:
    with unit_of_work(runtime.sessions) as session:
        task = tasks.create_task(
            session,
            principal=user,
            project_id=project_id,
            new=body.to_new_task(),
            cipher=runtime.cipher,
            local_repos=runtime.settings.local_repos,
        )
        return {"task_id": task.id}


@router.delete("/v2/tasks/{task_id}")
def delete_task(task_id: str, user: CurrentUser, runtime: RuntimeDep) -> Response:
    with unit_of_work(runtime.sessions) as session:
        tasks.delete_task(session, principal=user, task_id=task_id)
    return Response(content="null", media_type="application/json")


@router.get("/v2/{project_id}/tasks")
def list_tasks(
    project_id: str,
    user: CurrentUser,
    runtime: RuntimeDep,
    offset: str | None = None,
    limit: str | None = None,
) -> dict[str, object]:
    """Seed 003: `offset` is a 0-based row offset, `limit` the page size (decision 6)."""
    row_offset = int_param(offset, "offset", low=0, high=999_999, default=0)
    page_size = int_param(limit, "limit", low=1, high=100, default=10)
    with unit_of_work(runtime.sessions) as session:
        rows, total = tasks.list_project_tasks(
            session, principal=user, project_id=project_id, offset=row_offset, limit=page_size
        )
        return {"tasks": [simple_task_info(t, last) for t, last in rows], "total": total}


@router.put("/v2/tasks/{task_id}/follow")
def follow(task_id: str, user: CurrentUser, runtime: RuntimeDep) -> Response:
    """OpenCheck extension: follow a task (its `isFollowed` becomes true for this user)."""
    with unit_of_work(runtime.sessions) as session:
        tasks.set_followed(session, principal=user, task_id=task_id, followed=True)
    return Response(content="null", media_type="application/json")


@router.delete("/v2/tasks/{task_id}/follow")
def unfollow(task_id: str, user: CurrentUser, runtime: RuntimeDep) -> Response:
    """OpenCheck extension: stop following a task."""
    with unit_of_work(runtime.sessions) as session:
        tasks.set_followed(session, principal=user, task_id=task_id, followed=False)
    return Response(content="null", media_type="application/json")
