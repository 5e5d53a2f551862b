"""Metrics of a task: metrics-summary and the checked-path tree."""

from __future__ import annotations

from fastapi import APIRouter

from opencheck.api.deps import CurrentUser, RuntimeDep
from opencheck.api.params import int_param, str_param
from opencheck.api.schemas.v2_metrics import path_tree, task_cmetrics
from opencheck.services import metrics
from opencheck.store.db import unit_of_work

router = APIRouter()


@router.get("/v2/{project_id}/tasks/{task_id}/metrics-summary")
def metrics_summary(
    project_id: str,
    task_id: str,
    user: CurrentUser,
    runtime: RuntimeDep,
    job_id: str | None = None,
) -> dict[str, object]:
    """Metrics of the latest successful execution (or `job_id`, an OpenCheck extension)."""
    with unit_of_work(runtime.sessions) as session:
        found = metrics.code_metrics(
            session, principal=user, project_id=project_id, task_id=task_id, execution_id=job_id
        )
        return task_cmetrics(found)


@router.get("/v2/{project_id}/tasks/{task_id}/listpathtree")
def list_path_tree(
    project_id: str,
    task_id: str,
    user: CurrentUser,
    runtime: RuntimeDep,
    current_path: str | None = None,
    offset: str | None = None,
    limit: str | None = None,
    job_id: str | None = None,
) -> dict[str, object]:
    """Children of `current_path` (root if omitted): every listed file, with its code role."""
    path = str_param(current_path, "current_path", max_len=2048) or ""
    row_offset = int_param(offset, "offset", low=0, high=999_999, default=0)
    page_size = int_param(limit, "limit", low=1, high=1000, default=1000)
    with unit_of_work(runtime.sessions) as session:
        nodes = metrics.path_tree(
            session,
            principal=user,
            project_id=project_id,
            task_id=task_id,
            execution_id=job_id,
            current_path=path,
        )
        return path_tree(nodes, offset=row_offset, limit=page_size)
