"""GET /v1/tasks (seed 004): the filtered task list."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header

from opencheck.api.deps import CurrentUser, RuntimeDep
from opencheck.api.params import bool_param, choice_param, int_param, parse_list, str_param
from opencheck.api.schemas.v1_tasks import envelope
from opencheck.errors import InvalidParameter
from opencheck.services.projects import check_id
from opencheck.services.task_queries import (
    JOB_STATUS_FILTERS,
    REVIEW_RESULTS,
    TaskQuery,
    query_tasks,
)
from opencheck.store.db import reading

router = APIRouter()


@router.get("/v1/tasks")
def list_tasks(
    user: CurrentUser,
    runtime: RuntimeDep,
    page: str | None = None,
    page_size: str | None = None,
    search: str | None = None,
    project_id: str | None = None,
    review_result_types: str | None = None,
    job_status_types: str | None = None,
    order_by_execute_time: str | None = None,
    task_classification_id: str | None = None,
    repo_url: str | None = None,
    repo_url_full_match: str | None = None,
    branch: str | None = None,
    operator: Annotated[str | None, Header()] = None,
) -> dict[str, object]:
    query = TaskQuery(
        page=int_param(page, "page", low=1, high=None, default=1),
        page_size=int_param(page_size, "page_size", low=1, high=200, default=10),
        search=str_param(search, "search", max_len=512) or None,
        project_id=check_id(project_id, "project_id") if project_id else None,
        review_results=parse_list(review_result_types, "review_result_types", REVIEW_RESULTS),
        job_statuses=parse_list(job_status_types, "job_status_types", JOB_STATUS_FILTERS),
        order_by_execute_time=choice_param(
            order_by_execute_time, "order_by_execute_time", ("up", "down")
        ),
        group_id=str_param(task_classification_id, "task_classification_id", max_len=128) or None,
        repo_url=str_param(repo_url, "repo_url", max_len=2048) or None,
        repo_url_full_match=bool_param(repo_url_full_match, "repo_url_full_match", default=False),
        branch=str_param(branch, "branch", max_len=512) or None,
    )
    if operator is not None and not 1 <= len(operator) <= 128:
        raise InvalidParameter("operator header must be 1-128 characters")
    with reading(runtime.db) as session:
        views, total = query_tasks(session, principal=user, query=query, operator=operator)
        return envelope(views, total, runtime.settings.region)
