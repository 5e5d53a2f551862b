"""The filtered, paged task list of GET /v1/tasks, loaded in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from opencheck.domain.executions import ACTIVE_STATUSES
from opencheck.engine.repo_urls import normalize_repo_url
from opencheck.errors import InvalidParameter
from opencheck.services import execution_counts, execution_states
from opencheck.services.auth import Principal, get_user_by_name
from opencheck.services.permissions import Action, allows
from opencheck.services.projects import get_project_or_raise, member_project_ids, require
from opencheck.store.models import (
    ConfigTemplate,
    Execution,
    Project,
    ProjectMember,
    Task,
    TaskFollower,
    TemplateRuleSet,
    User,
)

M = TypeVar("M")

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


@dataclass
class TaskView:
    """A task with everything the list shows about it."""

    task: Task
    template: ConfigTemplate
    project_name: str
    owner: str
    rule_sets: list[tuple[str, str]]
    last_execution: Execution | None
    last_log: str  # the latest execution's log text (seed 004's `message`)
    result_execution: Execution | None
    permissions: dict[Action, bool] = field(default_factory=dict)
    followed: bool = False
    # Ignored and deferred defects per execution.
    triaged: dict[str, execution_counts.Triaged] = field(default_factory=dict)


def _filtered(q: TaskQuery, visible: list[str] | None) -> Select[tuple[Task]]:
    last = aliased(Execution)
    result = aliased(Execution)
    stmt = (
        select(Task)
        .outerjoin(last, last.id == Task.last_execution_id)
        .outerjoin(result, result.id == Task.last_result_execution_id)
    )
    if visible is not None:
        stmt = stmt.where(Task.project_id.in_(visible))
    if q.project_id:
        stmt = stmt.where(Task.project_id == q.project_id)
    if q.search:
        pattern = "%" + q.search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(Task.name.ilike(pattern, escape="\\"))
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
        stmt = stmt.where(result.review_result.in_(q.review_results))
    if q.job_statuses:
        stmt = stmt.where(or_(*_status_conditions(q.job_statuses, last)))
    when = func.coalesce(last.started_at, last.created_at)
    if q.order_by_execute_time in ("up", "down"):
        never_ran = case((when.is_(None), 1), else_=0)
        order = when.asc() if q.order_by_execute_time == "up" else when.desc()
        return stmt.order_by(never_ran, order, Task.id)
    return stmt.order_by(Task.created_at.desc(), Task.id)


def _status_conditions(statuses: tuple[str, ...], last: type[Execution]) -> list[object]:
    conditions: list[object] = []
    for status in statuses:
        if status == "executing":
            conditions.append(last.status.in_(ACTIVE_STATUSES))
        elif status == "never_execute":
            conditions.append(Task.last_execution_id.is_(None))
        else:
            conditions.append(last.status == status)
    return conditions


def query_tasks(
    session: Session, *, principal: Principal, query: TaskQuery, operator: str | None
) -> tuple[list[TaskView], int]:
    """One page of the tasks the caller may list, with their details."""
    if query.project_id:
        get_project_or_raise(session, project_id=query.project_id)
        require(session, principal=principal, project_id=query.project_id, action=Action.LIST)
    visible = member_project_ids(session, principal=principal)
    if visible is not None:
        roles = _roles(session, principal.user_id)
        visible = [p for p in visible if allows(roles.get(p), Action.LIST)]
    stmt = _filtered(query, visible)
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    # `page` has no upper bound: past the end is an empty page, never a 64-bit overflow.
    offset = min((query.page - 1) * query.page_size, MAX_OFFSET)
    tasks = list(session.scalars(stmt.offset(offset).limit(query.page_size)))
    return _views(session, tasks, principal, operator), int(total or 0)


def repo_url_key(value: str) -> str:
    """The comparable form of a `repo_url` filter; `host/org/repo` is read as HTTPS."""
    for candidate in (value, f"https://{value}"):
        try:
            return normalize_repo_url(candidate)
        except ValueError:
            continue
    raise InvalidParameter("repo_url is not a repository URL")


def _roles(session: Session, user_id: str) -> dict[str, str]:
    rows = session.execute(
        select(ProjectMember.project_id, ProjectMember.role).where(ProjectMember.user_id == user_id)
    )
    return {pid: role for pid, role in rows}


def _views(
    session: Session, tasks: list[Task], principal: Principal, operator: str | None
) -> list[TaskView]:
    if not tasks:
        return []
    ids = [t.id for t in tasks]
    templates = _by_id(session, ConfigTemplate, {t.template_id for t in tasks})
    projects = _by_id(session, Project, {t.project_id for t in tasks})
    users = _by_id(session, User, {t.creator_id for t in tasks})
    exec_ids = {t.last_execution_id for t in tasks} | {t.last_result_execution_id for t in tasks}
    executions = _by_id(session, Execution, {e for e in exec_ids if e})
    triaged = execution_counts.triaged(session, (e for e in exec_ids if e))
    logs = execution_states.log_texts(
        session, (t.last_execution_id for t in tasks if t.last_execution_id)
    )
    rule_sets: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for tid, lang, rsid in session.execute(
        select(TemplateRuleSet.template_id, TemplateRuleSet.language, TemplateRuleSet.ruleset_id)
        .where(TemplateRuleSet.template_id.in_(templates))
        .order_by(TemplateRuleSet.language)
    ):
        rule_sets[tid].append((lang, rsid))
    viewer = _viewer(session, principal, operator)
    roles = _roles(session, viewer.user_id)
    followed = set(
        session.scalars(
            select(TaskFollower.task_id).where(
                TaskFollower.user_id == viewer.user_id, TaskFollower.task_id.in_(ids)
            )
        )
    )
    return [
        TaskView(
            task=t,
            template=templates[t.template_id],
            project_name=projects[t.project_id].name,
            owner=users[t.creator_id].name if t.creator_id in users else "",
            rule_sets=rule_sets[t.template_id],
            last_execution=executions.get(t.last_execution_id or ""),
            last_log=logs.get(t.last_execution_id or "", ""),
            triaged=triaged,
            result_execution=executions.get(t.last_result_execution_id or ""),
            permissions={
                a: allows(roles.get(t.project_id), a, is_admin=viewer.is_admin) for a in Action
            },
            followed=t.id in followed,
        )
        for t in tasks
    ]


def _viewer(session: Session, principal: Principal, operator: str | None) -> Principal:
    """Permissions are computed for the `operator` header's user when it exists (decision 12)."""
    if operator:
        user = get_user_by_name(session, name=operator)
        if user is not None:
            return Principal(user.id, user.name, user.is_admin)
    return principal


def _by_id(session: Session, model: type[M], ids: set[str]) -> dict[str, M]:
    """Rows of one table by id, in one query."""
    if not ids:
        return {}
    rows = session.scalars(select(model).where(model.id.in_(ids)))  # type: ignore[attr-defined]
    return {row.id: row for row in rows}  # type: ignore[attr-defined]
