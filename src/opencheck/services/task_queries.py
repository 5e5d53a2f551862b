"""The filtered, paged task list of GET /v1/tasks, loaded in a fixed number of queries."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, replace
from operator import add
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, func, or_, select
from sqlalchemy.orm import Session

from opencheck.domain.executions import ACTIVE_STATUSES
from opencheck.engine.repo_urls import normalize_repo_url
from opencheck.errors import InvalidParameter, PermissionDenied
from opencheck.services import task_counts, task_search
from opencheck.services.auth import Principal, get_user_by_name
from opencheck.services.permissions import Action, allows
from opencheck.services.projects import get_project_or_raise
from opencheck.services.task_details import TaskView, task_views
from opencheck.store.models import ProjectMember, Task

JOB_STATUS_FILTERS = ("success", "failed", "aborted", "executing", "never_execute")
REVIEW_RESULTS = ("success", "error")

MAX_OFFSET = 2**62  # within SQL's signed 64-bit OFFSET on SQLite and PostgreSQL


@dataclass
class TaskQuery:
    """Filters of GET /v1/tasks, already validated."""

    page: int = 1
    page_size: int = 10
    search: str | None = None
    project_id: str | None = None
    review_results: tuple[str, ...] = ()
    job_statuses: tuple[str, ...] = ()
    order_by_execute_time: str | None = None
    group_id: str | None = None
    repo_url: str | None = None
    repo_url_full_match: bool = False
    branch: str | None = None


def _matching(q: TaskQuery, visible: list[str] | None) -> Select[tuple[str]]:
    # Only columns of `tasks` (with their indexes): no join, so counting a broad filter over
    # tens of thousands of tasks stays an index scan (services.task_list_columns).
    stmt = select(Task.id)
    if visible is not None:
        stmt = stmt.where(Task.project_id.in_(visible))
    if q.project_id:
        stmt = stmt.where(Task.project_id == q.project_id)
    if q.search:
        pattern = "%" + q.search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(Task.name_folded.like(pattern.lower(), escape="\\"))
    if q.group_id:
        stmt = stmt.where(Task.group_id == q.group_id)
    if q.branch:
        stmt = stmt.where(Task.git_branch == q.branch)
    if q.repo_url:
        if q.repo_url_full_match:
            stmt = stmt.where(Task.git_url == q.repo_url)
        else:
            stmt = stmt.where(Task.git_url_key == repo_url_key(q.repo_url))
    if q.review_results:
        stmt = stmt.where(Task.result_review.in_(q.review_results))
    if q.job_statuses:
        stmt = stmt.where(or_(*_status_conditions(q.job_statuses)))
    return stmt


def _order(q: TaskQuery, created: Any, executed: Any, ident: Any) -> tuple[Any, ...]:
    """The list's order over these columns (of `tasks`, or of a set of matches)."""
    if q.order_by_execute_time == "up":
        return executed.asc().nulls_last(), ident
    if q.order_by_execute_time == "down":
        return executed.desc().nulls_last(), ident
    return created.desc(), ident


def _status_conditions(statuses: tuple[str, ...]) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    for status in statuses:
        if status == "executing":
            conditions.append(Task.last_status.in_(ACTIVE_STATUSES))
        elif status == "never_execute":
            conditions.append(Task.last_status.is_(None))
        else:
            conditions.append(Task.last_status == status)
    return conditions


def query_tasks(
    session: Session, *, principal: Principal, query: TaskQuery, operator: str | None
) -> tuple[list[TaskView], int]:
    """One page of the tasks the caller may list, with their details."""
    conn = session.connection()
    # The caller's roles, read once for the filter and the page (None: an administrator).
    roles = None if principal.is_admin else _roles(conn, principal.user_id)
    visible = None if roles is None else [p for p, r in roles.items() if allows(r, Action.LIST)]
    if query.project_id and visible is not None and query.project_id not in visible:
        get_project_or_raise(session, project_id=query.project_id)  # 404 before 403
        raise PermissionDenied(f"current user does not have permission {Action.LIST.value}")
    matching = _matching(query, visible)
    # `page` has no upper bound: past the end is an empty page, never a 64-bit overflow.
    offset = min((query.page - 1) * query.page_size, MAX_OFFSET)
    if query.search:
        narrowed = task_search.narrowing(conn, query.search.lower())
        if narrowed is not None:
            matching = matching.where(narrowed)
        found, total = _searched(conn, matching, query, offset)
    else:
        found, total = _paged(conn, matching, query, offset, visible)
    if query.project_id and not found:  # a task of the page shows that its project exists
        get_project_or_raise(session, project_id=query.project_id)
    viewer = _viewer(session, principal, operator)
    viewer_roles = None
    if not viewer.is_admin:
        same = viewer.user_id == principal.user_id and roles is not None
        viewer_roles = roles if same else _roles(conn, viewer.user_id)
    ids = [row[0] for row in found]
    return task_views(conn, ids, viewer_id=viewer.user_id, roles=viewer_roles), total


def _searched(
    conn: Connection, matching: Select[tuple[str]], query: TaskQuery, offset: int
) -> tuple[Sequence[Any], int]:
    """A page of a substring search and how many match. Every name is read anyway, so the
    matches are found once, counted and then ordered: given the chance, a prepared statement's
    generic plan walks an order's index and tests each name in heap order, three times slower."""
    matches = (
        matching.add_columns(Task.created_at, Task.last_executed_at)
        .cte("matches")
        .prefix_with("MATERIALIZED", dialect="postgresql")  # SQLite plans no generic plans
    )
    order = _order(query, matches.c.created_at, matches.c.last_executed_at, matches.c.id)
    page = select(matches.c.id, func.count().over()).order_by(*order)
    found = conn.execute(page.offset(offset).limit(query.page_size)).all()
    total = found[0][1] if found else _count(conn, matching) if offset else 0
    return found, total


def _paged(
    conn: Connection,
    matching: Select[tuple[str]],
    query: TaskQuery,
    offset: int,
    visible: list[str] | None,
) -> tuple[Sequence[Any], int]:
    """A page and how many match, in one statement: the total is a column of every row (an
    uncorrelated subquery, evaluated once); a page past the end asks for it on its own."""
    counted = _total(query, visible)
    order = _order(query, Task.created_at, Task.last_executed_at, Task.id)
    page = matching.add_columns(counted).order_by(*order).offset(offset).limit(query.page_size)
    found = conn.execute(page).all()
    return found, int(found[0][1] if found else conn.scalar(select(counted)) or 0)


def _total(query: TaskQuery, visible: list[str] | None) -> ColumnElement[int]:
    """How many tasks match: from the kept counts when the filters are among those counted,
    else counted. The job statuses are disjoint, so several are counted one by one and added
    up: each is an index-only count, where their OR makes PostgreSQL read the table."""
    facets = _counted_facets(query)
    if facets is not None:
        projects = [query.project_id] if query.project_id else visible
        return task_counts.total_of(facets, projects)
    statuses = tuple(dict.fromkeys(query.job_statuses))
    if len(statuses) < 2:
        return _counting(_matching(query, visible))
    counts = [
        _counting(_matching(replace(query, job_statuses=(status,)), visible)) for status in statuses
    ]
    return functools.reduce(add, counts)  # one expression: the counts added in SQL


def _counted_facets(q: TaskQuery) -> list[str] | None:
    """The kept counts that add up to the filter's total, or None when none do."""
    if q.search or q.group_id or q.repo_url:
        return None
    if bool(q.job_statuses) + bool(q.review_results) + bool(q.branch) > 1:
        return None
    if q.job_statuses:
        return [task_counts.job_status_facet(s) for s in dict.fromkeys(q.job_statuses)]
    if q.review_results:
        return [task_counts.review_facet(r) for r in dict.fromkeys(q.review_results)]
    if q.branch:
        return [task_counts.branch_facet(q.branch)]
    return [task_counts.ALL]


def _counting(stmt: Select[tuple[str]]) -> ColumnElement[int]:
    # The FROM stays `tasks` when no filter names it: count(*) alone would count one row.
    counting = stmt.with_only_columns(func.count(), maintain_column_froms=True)
    return counting.order_by(None).scalar_subquery()


def _count(conn: Connection, stmt: Select[tuple[str]]) -> int:
    return int(conn.scalar(select(_counting(stmt))) or 0)


def repo_url_key(value: str) -> str:
    """The comparable form of a `repo_url` filter; `host/org/repo` is read as HTTPS."""
    for candidate in (value, f"https://{value}"):
        try:
            return normalize_repo_url(candidate)
        except ValueError:
            continue
    raise InvalidParameter("repo_url is not a repository URL")


def _roles(conn: Connection, user_id: str) -> dict[str, str]:
    rows = conn.execute(
        select(ProjectMember.project_id, ProjectMember.role).where(ProjectMember.user_id == user_id)
    ).all()
    return {pid: role for pid, role in rows}


def _viewer(session: Session, principal: Principal, operator: str | None) -> Principal:
    """Permissions are computed for the `operator` header's user when it exists (decision 12)."""
    if operator:
        user = get_user_by_name(session, name=operator)
        if user is not None:
            return Principal(user.id, user.name, user.is_admin)
    return principal
