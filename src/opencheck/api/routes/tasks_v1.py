"""GET /v1/tasks (seed 004): the filtered task list."""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import partial

import anyio
from fastapi import APIRouter, Request

from opencheck.api.deps import authenticate, get_runtime, raw_body
from opencheck.api.params import bool_param, choice_param, int_param, parse_list, str_param
from opencheck.api.schemas.v1_tasks import envelope
from opencheck.errors import InvalidParameter
from opencheck.runtime import Runtime
from opencheck.services.projects import check_id
from opencheck.services.task_queries import (
    JOB_STATUS_FILTERS,
    REVIEW_RESULTS,
    TaskQuery,
    query_tasks,
)
from opencheck.store.db import reading

router = APIRouter()


def _one_at_a_time(request: Request) -> anyio.CapacityLimiter:
    """The app serves one list request at a time, on one thread, authentication included.

    CPython runs one thread at a time anyway; list requests contending for it on several threads
    cost each about 15% more CPU, in the API and in PostgreSQL (bench/README.md). One limiter
    per app, not per module: its waiters belong to the event loop serving the app."""
    state = request.app.state
    limiter: anyio.CapacityLimiter | None = getattr(state, "task_list_limiter", None)
    if limiter is None:
        limiter = state.task_list_limiter = anyio.CapacityLimiter(1)
    return limiter


@dataclass(frozen=True)
class ListParameters:
    """The query string of GET /v1/tasks as received, validated by `task_query`."""

    page: str | None
    page_size: str | None
    search: str | None
    project_id: str | None
    review_result_types: str | None
    job_status_types: str | None
    order_by_execute_time: str | None
    task_classification_id: str | None
    repo_url: str | None
    repo_url_full_match: str | None
    branch: str | None


_QUERY_NAMES = tuple(f.name for f in fields(ListParameters))
# The parameters are read from the query string by hand: FastAPI's per-parameter machinery
# cost a fifth of the list's time outside its worker thread. The document still shows them.
_DOCUMENTED = [
    {"name": name, "in": "query", "required": False, "schema": {"type": "string"}}
    for name in _QUERY_NAMES
] + [{"name": "operator", "in": "header", "required": False, "schema": {"type": "string"}}]


@router.get("/v1/tasks", openapi_extra={"parameters": _DOCUMENTED})
async def list_tasks(request: Request) -> dict[str, object]:
    query = request.query_params
    params = ListParameters(*(query.get(name) for name in _QUERY_NAMES))
    operator = request.headers.get("operator")
    body = await raw_body(request)
    runtime = await get_runtime(request)
    work = partial(_list, request, runtime, body, params, operator)
    return await anyio.to_thread.run_sync(work, limiter=_one_at_a_time(request))


def _list(
    request: Request,
    runtime: Runtime,
    body: bytes,
    params: ListParameters,
    operator: str | None,
) -> dict[str, object]:
    with reading(runtime.db) as session:  # one connection for the caller and the page
        user = authenticate(request, session, runtime, body)  # before the parameters
        query = task_query(params)
        if operator is not None and not 1 <= len(operator) <= 128:
            raise InvalidParameter("operator header must be 1-128 characters")
        views, total = query_tasks(session, principal=user, query=query, operator=operator)
        return envelope(views, total, runtime.settings.region)


def task_query(p: ListParameters) -> TaskQuery:
    """The validated filters; InvalidParameter names the first parameter out of range."""
    return TaskQuery(
        page=int_param(p.page, "page", low=1, high=None, default=1),
        page_size=int_param(p.page_size, "page_size", low=1, high=200, default=10),
        search=str_param(p.search, "search", max_len=512) or None,
        project_id=check_id(p.project_id, "project_id") if p.project_id else None,
        review_results=parse_list(p.review_result_types, "review_result_types", REVIEW_RESULTS),
        job_statuses=parse_list(p.job_status_types, "job_status_types", JOB_STATUS_FILTERS),
        order_by_execute_time=choice_param(
            p.order_by_execute_time, "order_by_execute_time", ("up", "down")
        ),
        group_id=str_param(p.task_classification_id, "task_classification_id", max_len=128) or None,
        repo_url=str_param(p.repo_url, "repo_url", max_len=2048) or None,
        repo_url_full_match=bool_param(p.repo_url_full_match, "repo_url_full_match", default=False),
        branch=str_param(p.branch, "branch", max_len=512) or None,
    )
