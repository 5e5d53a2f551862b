"""The filtered, paged task list of GET /v1/tasks, loaded in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from opencheck.engine.repo_urls import normalize_repo_url
from opencheck.errors import InvalidParameter
from opencheck.services import task_list_statements as statements
from opencheck.services import task_search
from opencheck.services.auth import Principal, get_user_by_name
from opencheck.services.permissions import Action, allows
from opencheck.services.projects import denied, get_project_or_raise
from opencheck.services.task_details import TaskView, task_views
from opencheck.store import driver
from opencheck.store.models import ProjectMember

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
        raise denied(Action.LIST)
    # `page` has no upper bound: past the end is an empty page, never a 64-bit overflow.
    offset = min((query.page - 1) * query.page_size, MAX_OFFSET)
    piece = task_search.rarest_piece(conn, query.search.lower()) if query.search else None
    shape = _shape(query, visible, piece)
    values = _values(query, shape, visible, piece, offset)
    found = driver.rows(conn, statements.page(shape), values)
    total = int(found[0][1]) if found else 0
    if not found and offset:  # past the end: the total has no row to ride on
        total = int(conn.scalar(statements.total_alone(shape), values) or 0)
    if query.project_id and not found:  # a task of the page shows that its project exists
        get_project_or_raise(session, project_id=query.project_id)
    viewer = _viewer(session, principal, operator)
    viewer_roles = None
    if not viewer.is_admin:
        same = viewer.user_id == principal.user_id and roles is not None
        viewer_roles = roles if same else _roles(conn, viewer.user_id)
    ids = [row[0] for row in found]
    return task_views(conn, ids, viewer_id=viewer.user_id, roles=viewer_roles), total


def _shape(query: TaskQuery, visible: list[str] | None, piece: str | None) -> statements.Shape:
    """Which filters the query sets; equal filters in any order are one shape."""
    url = statements.FULL_URL if query.repo_url_full_match else statements.URL_KEY
    return statements.Shape(
        visible=visible is not None,
        project=bool(query.project_id),
        search=bool(query.search),
        narrowed=piece is not None,
        group=bool(query.group_id),
        branch=bool(query.branch),
        repo_url=url if query.repo_url else "",
        review_results=tuple(sorted(set(query.review_results))),
        job_statuses=tuple(sorted(set(query.job_statuses))),
        order=query.order_by_execute_time,
    )


def _values(
    query: TaskQuery,
    shape: statements.Shape,
    visible: list[str] | None,
    piece: str | None,
    offset: int,
) -> dict[str, object]:
    """The parameters of the shape's statements."""
    values: dict[str, object] = {"page_offset": offset, "page_limit": query.page_size}
    if visible is not None:
        values["visible"] = visible
    if query.project_id:
        values["project_id"] = query.project_id
    if query.search:
        escaped = query.search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        values["pattern"] = f"%{escaped}%".lower()
    if piece is not None:
        values["piece"] = piece
    if query.group_id:
        values["group_id"] = query.group_id
    if query.branch:
        values["branch"] = query.branch
    if query.repo_url:
        full = shape.repo_url == statements.FULL_URL
        values["repo_url"] = query.repo_url if full else repo_url_key(query.repo_url)
    facets = shape.facets(query.branch)
    if facets is not None:
        values["facets"] = facets
        values["count_projects"] = [query.project_id] if query.project_id else visible
    return values


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
