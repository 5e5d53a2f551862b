"""Defects of a task: page of issues, statistic, summary."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Response

from opencheck.api.deps import CurrentUser, RuntimeDep
from opencheck.api.params import int_param, parse_list, severity_list, time_param
from opencheck.api.schemas.v2_defects import (
    UpdateDefectBody,
    defects_statistic,
    task_defects,
    task_detail,
)
from opencheck.domain.defects import DefectStatus
from opencheck.services import defects, reports, triage
from opencheck.services.fragments import fragments
from opencheck.store.db import unit_of_work

router = APIRouter()

STATUS_CODES = tuple(status.code for status in DefectStatus)


@router.get("/v2/tasks/{task_id}/defects-detail")
def defects_detail(
    task_id: str,
    user: CurrentUser,
    runtime: RuntimeDep,
    offset: str | None = None,
    limit: str | None = None,
    status_ids: str | None = None,
    severity: str | None = None,
    job_id: str | None = None,
    hotspot: str | None = None,
) -> dict[str, object]:
    """Issues of the latest successful execution (or `job_id`); `status_ids` defaults to `0`.

    `hotspot` (OpenCheck's): "1" lists only security hotspots, "0" only the other defects.
    """
    row_offset = int_param(offset, "offset", low=0, high=999_999, default=0)
    page_size = int_param(limit, "limit", low=1, high=200, default=10)
    statuses = parse_list(status_ids, "status_ids", STATUS_CODES) or (DefectStatus.UNRESOLVED.code,)
    severities = severity_list(severity, "severity")
    kinds = set(parse_list(hotspot, "hotspot", ("0", "1")))
    with unit_of_work(runtime.sessions) as session:
        page = defects.list_defects(
            session,
            principal=user,
            task_id=task_id,
            execution_id=job_id,
            statuses=tuple(DefectStatus(int(s)) for s in statuses),
            severities=severities,
            hotspot="1" in kinds if len(kinds) == 1 else None,
            offset=row_offset,
            limit=page_size,
        )
        return task_defects(page, fragments(page, runtime.settings.cache_dir))


@router.get("/v2/tasks/{task_id}/defects-statistic")
def defects_statistic_view(
    task_id: str, user: CurrentUser, runtime: RuntimeDep, job_id: str | None = None
) -> dict[str, object]:
    with unit_of_work(runtime.sessions) as session:
        counts = defects.defect_statistic(
            session, principal=user, task_id=task_id, execution_id=job_id
        )
        return defects_statistic(counts)


@router.get("/v2/tasks/{task_id}/defects-summary")
def defects_summary(
    task_id: str, user: CurrentUser, runtime: RuntimeDep, job_id: str | None = None
) -> dict[str, object]:
    with unit_of_work(runtime.sessions) as session:
        summary = defects.defect_summary(
            session, principal=user, task_id=task_id, execution_id=job_id
        )
        return task_detail(summary)


@router.put("/v2/tasks/{task_id}/defect-status")
def update_defect_status(
    task_id: str, body: UpdateDefectBody, user: CurrentUser, runtime: RuntimeDep
) -> None:
    """Set defects' status (0 unresolved, 1 resolved, 2 ignored) with an optional reason, and
    an optional `expires_at` (an ignore's end, or a deferral's date with status 0)."""
    until = None
    if body.expires_at is not None:
        until = time_param(body.expires_at, "expires_at", default=datetime.now(UTC))
    with unit_of_work(runtime.sessions) as session:
        triage.set_status(
            session,
            principal=user,
            task_id=task_id,
            defect_ids=body.ids(),
            status=DefectStatus(int(body.defect_status)),
            reason=body.reason or "",
            until=until,
        )


REPORT_MEDIA = {"application/sarif+json": {}, "application/json": {}}  # sarif; gitlab and json


@router.get("/v2/tasks/{task_id}/report", responses={200: {"content": REPORT_MEDIA}})
def task_report(
    task_id: str,
    user: CurrentUser,
    runtime: RuntimeDep,
    format: str = "sarif",
    job_id: str | None = None,
) -> Response:
    """The execution's (`job_id`, else the latest result's) defects as SARIF 2.1.0, GitLab Code
    Quality JSON or OpenCheck's JSON, by the formatters `opencheck scan` uses."""
    with unit_of_work(runtime.sessions) as session:
        document = reports.render(
            session, principal=user, task_id=task_id, execution_id=job_id, kind=format
        )
    media = "application/sarif+json" if format == "sarif" else "application/json"
    return Response(content=document, media_type=media)
