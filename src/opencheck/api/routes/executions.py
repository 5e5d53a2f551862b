"""Executions: run (seed 000), stop, progress."""

from __future__ import annotations

from fastapi import APIRouter, Response

from opencheck.api.deps import CurrentUser, RuntimeDep
from opencheck.api.schemas.v2_tasks import RunRequestV2, progress_detail
from opencheck.services import execution_states, executions
from opencheck.store.db import unit_of_work

router = APIRouter()


@router.post("/v2/tasks/{task_id}/run")
def run_task(
    task_id: str, user: CurrentUser, runtime: RuntimeDep, body: RunRequestV2 | None = None
) -> dict[str, str]:
    options = (body or RunRequestV2()).to_options()
    with unit_of_work(runtime.sessions) as session:
        execution = executions.run_task(
            session,
            principal=user,
            task_id=task_id,
            options=options,
            cipher=runtime.cipher,
            local_repos=runtime.settings.local_repos,
            live_within=runtime.settings.lease_seconds * 2,
        )
    if runtime.queue is not None:
        runtime.queue.enqueue(execution.id, execution.pool)
    return {"exec_id": execution.id}


@router.post("/v2/tasks/{task_id}/stop")
def stop_task(task_id: str, user: CurrentUser, runtime: RuntimeDep) -> Response:
    with unit_of_work(runtime.sessions) as session:
        execution = executions.stop_task(session, principal=user, task_id=task_id)
    if execution is not None and runtime.queue is not None:
        runtime.queue.cancel(execution.id)
    return Response(content="null", media_type="application/json")


@router.get("/v2/tasks/{task_id}/progress")
def progress(
    task_id: str, user: CurrentUser, runtime: RuntimeDep, job_id: str | None = None
) -> dict[str, object]:
    with unit_of_work(runtime.sessions) as session:
        execution = executions.progress(
            session, principal=user, task_id=task_id, execution_id=job_id
        )
        return progress_detail(execution, execution_states.last_message(session, execution.id))
