"""A task's check history (checkrecord) and an execution's log (log-detail)."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter

from opencheck.api.deps import CurrentUser, RuntimeDep
from opencheck.api.params import int_param, time_param
from opencheck.api.schemas.v2_history import check_record, task_log
from opencheck.services import history
from opencheck.store.db import unit_of_work

router = APIRouter()

HISTORY_START = datetime(2000, 1, 1, tzinfo=UTC)  # the reference's default start_time


@router.get("/v2/{project_id}/tasks/{task_id}/checkrecord")
def show_check_record(
    project_id: str,
    task_id: str,
    user: CurrentUser,
    runtime: RuntimeDep,
    offset: str | None = None,
    limit: str | None = None,
    start_time: str | None = None,
    end_time: str | None = None,
) -> dict[str, object]:
    """Per-severity counts of each successful check that started in the window, newest first."""
    row_offset = int_param(offset, "offset", low=0, high=999_999, default=0)
    page_size = int_param(limit, "limit", low=1, high=1000, default=10)
    window = history.TimeWindow(
        start=time_param(start_time, "start_time", default=HISTORY_START),
        end=time_param(end_time, "end_time", default=datetime.now(UTC)),
    )
    with unit_of_work(runtime.sessions) as session:
        page = history.check_records(
            session,
            principal=user,
            project_id=project_id,
            task_id=task_id,
            window=window,
            offset=row_offset,
            limit=page_size,
        )
        return check_record(page)


@router.get("/v2/{project_id}/tasks/{task_id}/log-detail")
def show_task_log(
    project_id: str,
    task_id: str,
    user: CurrentUser,
    runtime: RuntimeDep,
    execute_id: str | None = None,
) -> dict[str, object]:
    """The log of execution `execute_id` of the task, else of its latest execution."""
    with unit_of_work(runtime.sessions) as session:
        found = history.task_log(
            session,
            principal=user,
            project_id=project_id,
            task_id=task_id,
            execution_id=execute_id,
        )
        return task_log(found)
