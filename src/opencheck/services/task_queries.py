"""The filtered, paged task list of GET /v1/tasks, loaded in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace

from sqlalchemy import ColumnElement, Select, func, or_, select
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

JOB_STATUS_FILTERS = ("success", "failed", "aborted", "executing", "never_execute")
REVIEW_RESULTS = ("success", "error")


# Built once: an alias made per request costs more than the query it serves.
_LAST = aliased(Execution, name="last_execution")
_RESULT = aliased(Execution, name="result_execution")

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
    # Only columns of `tasks` (with their indexes): no join, so counting a broad filter over
    # tens of thousands of tasks stays an index scan (services.task_list_columns).
    stmt = select(Task)
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
        stmt = stmt.where(Task.result_review.in_(q.review_results))
    if q.job_statuses:
        stmt = stmt.where(or_(*_status_conditions(q.job_statuses)))
    if q.order_by_execute_time == "up":
        return stmt.order_by(Task.last_executed_at.asc().nulls_last(), Task.id)
    if q.order_by_execute_time == "down":
        return stmt.order_by(Task.last_executed_at.desc().nulls_last(), Task.id)
    return stmt.order_by(Task.created_at.desc(), Task.id)


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
    if query.project_id:
        get_project_or_raise(session, project_id=query.project_id)
        require(session, principal=principal, project_id=query.project_id, action=Action.LIST)
    visible = member_project_ids(session, principal=principal)
    if visible is not None:
        roles = _roles(session, principal.user_id)
        visible = [p for p in visible if allows(roles.get(p), Action.LIST)]
    stmt = _filtered(query, visible)
    # `page` has no upper bound: past the end is an empty page, never a 64-bit overflow.
    offset = min((query.page - 1) * query.page_size, MAX_OFFSET)
    ids_query = stmt.with_only_columns(Task.id).offset(offset).limit(query.page_size)
    if query.search:
        # A substring search reads every task name anyway: count in the same single pass.
        found = session.execute(ids_query.add_columns(func.count().over())).all()
        total = found[0][1] if found else _count(session, stmt) if offset else 0
    else:
        total = _total(session, query, visible)
        found = session.execute(ids_query).all()
    ids = [row[0] for row in found]
    return _views(session, _rows(session, ids), principal, operator), total


def _rows(session: Session, ids: list[str]) -> list[_Row]:
    """The tasks `ids` in that order, each with its template, project, owner and executions."""
    if not ids:
        return []
    last, result = _LAST, _RESULT
    rows = session.execute(
        select(Task, ConfigTemplate, Project.name, User.name, last, result)
        .join(ConfigTemplate, ConfigTemplate.id == Task.template_id)
        .join(Project, Project.id == Task.project_id)
        .outerjoin(User, User.id == Task.creator_id)
        .outerjoin(last, last.id == Task.last_execution_id)
        .outerjoin(result, result.id == Task.last_result_execution_id)
        .where(Task.id.in_(ids))
    ).all()
    by_id = {row[0].id: _Row(*row) for row in rows}
    return [by_id[i] for i in ids if i in by_id]


def _total(session: Session, query: TaskQuery, visible: list[str] | None) -> int:
    """How many tasks match. The job statuses are disjoint, so several are counted one by one
    and added up: each is an index-only count, where their OR makes PostgreSQL read the table."""
    statuses = tuple(dict.fromkeys(query.job_statuses))
    if len(statuses) < 2:
        return _count(session, _filtered(query, visible))
    return sum(
        _count(session, _filtered(replace(query, job_statuses=(status,)), visible))
        for status in statuses
    )


def _count(session: Session, stmt: Select[tuple[Task]]) -> int:
    return int(session.scalar(stmt.with_only_columns(func.count()).order_by(None)) or 0)


@dataclass
class _Row:
    """A listed task with what the page query joined to it."""

    task: Task
    template: ConfigTemplate
    project_name: str
    owner: str | None
    last_execution: Execution | None
    result_execution: Execution | None


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
    session: Session, rows: list[_Row], principal: Principal, operator: str | None
) -> list[TaskView]:
    if not rows:
        return []
    ids = [r.task.id for r in rows]
    exec_ids = {e.id for r in rows for e in (r.last_execution, r.result_execution) if e}
    triaged = execution_counts.triaged(session, exec_ids)
    logs = execution_states.log_texts(
        session, (r.last_execution.id for r in rows if r.last_execution)
    )
    rule_sets: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for tid, lang, rsid in session.execute(
        select(TemplateRuleSet.template_id, TemplateRuleSet.language, TemplateRuleSet.ruleset_id)
        .where(TemplateRuleSet.template_id.in_({r.template.id for r in rows}))
        .order_by(TemplateRuleSet.language)
    ):
        rule_sets[tid].append((lang, rsid))
    viewer = _viewer(session, principal, operator)
    roles = {} if viewer.is_admin else _roles(session, viewer.user_id)
    followed = set(
        session.scalars(
            select(TaskFollower.task_id).where(
                TaskFollower.user_id == viewer.user_id, TaskFollower.task_id.in_(ids)
            )
        )
    )
    return [
        TaskView(
            task=r.task,
            template=r.template,
            project_name=r.project_name,
            owner=r.owner or "",
            rule_sets=rule_sets[r.template.id],
            last_execution=r.last_execution,
            last_log=logs.get(r.last_execution.id, "") if r.last_execution else "",
            triaged=triaged,
            result_execution=r.result_execution,
            permissions={
                a: allows(roles.get(r.task.project_id), a, is_admin=viewer.is_admin) for a in Action
            },
            followed=r.task.id in followed,
        )
        for r in rows
    ]


def _viewer(session: Session, principal: Principal, operator: str | None) -> Principal:
    """Permissions are computed for the `operator` header's user when it exists (decision 12)."""
    if operator:
        user = get_user_by_name(session, name=operator)
        if user is not None:
            return Principal(user.id, user.name, user.is_admin)
    return principal
