"""Check tasks and their configuration templates: create, find, delete, follow."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from opencheck.domain import gate
from opencheck.domain.defects import RULE_TYPES, RuleType
from opencheck.domain.executions import ACTIVE_STATUSES
from opencheck.domain.languages import canonical_language
from opencheck.domain.pools import pool_type_of
from opencheck.engine.inventory import clean_relative
from opencheck.engine.local_repos import LocalRepoPolicy
from opencheck.engine.repo_urls import (
    normalize_repo_url,
    repo_type_of,
    strip_userinfo,
    validate_repo_url,
)
from opencheck.errors import InvalidParameter, NotFound, TaskRunning
from opencheck.services import incremental, rulesets, task_counts, task_search
from opencheck.services.auth import Principal
from opencheck.services.branches import validate_branch
from opencheck.services.permissions import Action
from opencheck.services.projects import check_id, get_group_or_raise, get_project_or_raise, require
from opencheck.services.secrets import Cipher
from opencheck.store.models import (
    ConfigTemplate,
    DefectOccurrence,
    Execution,
    Task,
    TaskFollower,
    TemplateRuleSet,
    utcnow,
)


@dataclass
class NewTask:
    """What a caller asks for when creating a task (internal names)."""

    git_url: str
    git_branch: str
    languages: list[str] = field(default_factory=list)
    rule_sets: dict[str, str | None] = field(default_factory=dict)
    task_name: str | None = None
    task_group_id: str | None = None
    username: str | None = None
    access_token: str | None = None
    resource_pool_id: str = ""
    rule_type: str = RuleType.BASIC
    include_paths: str = ""
    exclude: str = ""
    test_paths: str = ""
    task_type: str | None = None
    inc: incremental.IncSettings | None = None


def validate_git_url(
    url: str, local_repos: LocalRepoPolicy, name: str = "git_url"
) -> tuple[str, RepoLogin | None]:
    """The URL without any user or password in it, and the login it carried (if any).

    A local path or file:// URL must be allowed by `local_repos`.
    """
    if not isinstance(url, str) or not url.strip():
        raise InvalidParameter(f"{name} is required")
    try:
        clean, user, password = strip_userinfo(validate_repo_url(url.strip()))
        local_repos.check(clean)
    except ValueError as exc:
        raise InvalidParameter(f"{name} is invalid: {exc}") from exc
    # A user alone in an HTTP(S) URL is how token-only hosts take a token.
    login = RepoLogin(user or "", password or "") if (user or password) else None
    if login is not None and not clean.lower().startswith(("http://", "https://")):
        login = None if password is None else login
    return clean, login


@dataclass(frozen=True)
class RepoLogin:
    """A user name and password or token, from a URL or given apart."""

    username: str
    secret: str = field(repr=False)


def default_task_name(git_url: str, branch: str) -> str:
    """`<repository name>_<branch>` as decided for tasks created without a name."""
    tail = re.split(r"[/:]", git_url.rstrip("/"))[-1]
    repo = tail[:-4] if tail.endswith(".git") else tail
    return f"{repo or 'repository'}_{branch}"


def validate_paths(value: str, name: str) -> str:
    """Comma/semicolon separated paths relative to the repository root, never escaping it."""
    for part in value.replace(";", ",").split(","):
        if part.strip():
            try:
                clean_relative(part)
            except ValueError as exc:
                raise InvalidParameter(f"{name}: {exc}") from exc
    return value


def _languages(new: NewTask) -> dict[str, str | None]:
    chosen: dict[str, str | None] = {}
    for code in new.languages:
        lang = canonical_language(code) if isinstance(code, str) else None
        if lang is None:
            raise InvalidParameter(f"language '{code}' is not supported")
        chosen.setdefault(lang, None)
    for code, ruleset_id in new.rule_sets.items():
        lang = canonical_language(code)
        if lang is None:
            raise InvalidParameter(f"rule_sets language '{code}' is not supported")
        chosen[lang] = ruleset_id
    if not chosen:
        raise InvalidParameter("language or rule_sets must name at least one language")
    return chosen


def create_task(
    session: Session,
    *,
    principal: Principal,
    project_id: str,
    new: NewTask,
    cipher: Cipher,
    local_repos: LocalRepoPolicy,
) -> Task:
    """Create a task and its configuration template; returns the task.

    Credentials inside the URL are moved into the encrypted ones; only the clean URL is kept.
    """
    project = get_project_or_raise(session, project_id=project_id)
    require(session, principal=principal, project_id=project_id, action=Action.CREATE)
    url, url_login = validate_git_url(new.git_url, local_repos)
    branch = validate_branch(new.git_branch)
    if new.rule_type not in RULE_TYPES:
        raise InvalidParameter("rule_type must be basic or security")
    if bool(new.username) != bool(new.access_token):
        raise InvalidParameter("username and access_token must be given together")
    login = RepoLogin(new.username, new.access_token or "") if new.username else url_login
    chosen = _languages(new)
    validate_paths(new.include_paths, "include_paths")
    validate_paths(new.exclude, "exclude")
    validate_paths(new.test_paths, "test_paths")
    group_id = None
    if new.task_group_id:
        group_id = get_group_or_raise(session, group_id=new.task_group_id, project_id=project.id).id
    inc_columns = incremental.task_columns(
        session, project_id=project.id, task_type=new.task_type, inc=new.inc
    )
    name = (new.task_name or "").strip() or default_task_name(url, branch)
    if len(name) > 512:
        raise InvalidParameter("task_name must be at most 512 characters")
    parent = inc_columns["parent_task_id"]
    # An incremental child task checks with its parent's configuration (rule sets, gate, paths).
    template_id = (
        _parent_template(session, parent)
        if parent
        else _new_template(session, project.id, url, branch, new, principal.name, chosen)
    )
    task = Task(
        project_id=project.id,
        template_id=template_id,
        group_id=group_id,
        name=name,
        creator_id=principal.user_id,
        git_url=url,
        git_url_key=normalize_repo_url(url),
        git_branch=branch,
        username_enc=cipher.encrypt(login.username) if login else None,
        access_token_enc=cipher.encrypt(login.secret) if login else None,
        **inc_columns,
    )
    session.add(task)
    session.flush()
    task_counts.record(session, [], [task_counts.listed(task)])
    task_search.add_names(session, [task])
    return task


def _parent_template(session: Session, parent_id: str) -> str:
    parent = session.get(Task, parent_id)
    assert parent is not None  # incremental.task_columns checked it
    return parent.template_id


def _new_template(
    session: Session,
    project_id: str,
    url: str,
    branch: str,
    new: NewTask,
    creator: str,
    chosen: dict[str, str | None],
) -> str:
    """A task's own configuration template with its rule sets; returns its id."""
    template = ConfigTemplate(
        project_id=project_id,
        name="",
        repo_url=url,
        repo_type=repo_type_of(url),
        branch=branch,
        include_paths=new.include_paths,
        exclude=new.exclude,
        test_paths=new.test_paths,
        rule_type=new.rule_type,
        resource_pool_id=new.resource_pool_id or "",
        resource_pool_type=pool_type_of(new.resource_pool_id),
        review_data=gate.to_json(gate.DEFAULT_GATE),
        creator=creator,
        last_reviser=creator,
    )
    session.add(template)
    session.flush()
    template.name = f"template_{template.id}"
    for lang, ruleset_id in chosen.items():
        rs = rulesets.resolve_for_task(
            session, project_id=project_id, language=lang, ruleset_id=ruleset_id
        )
        session.add(TemplateRuleSet(template_id=template.id, language=lang, ruleset_id=rs.id))
    return template.id


def get_task_or_raise(session: Session, *, task_id: str) -> Task:
    check_id(task_id, "task_id")
    task = session.get(Task, task_id)
    if task is None:
        raise NotFound(f"task {task_id} not found")
    return task


def get_task_for(session: Session, *, principal: Principal, task_id: str, action: Action) -> Task:
    """A task the caller may act on, or NotFound / PermissionDenied."""
    task = get_task_or_raise(session, task_id=task_id)
    require(session, principal=principal, project_id=task.project_id, action=action)
    return task


def require_in_project(task: Task, project_id: str) -> Task:
    """`task` when it belongs to `project_id`, else NotFound (a path naming another project)."""
    if task.project_id != project_id:
        raise NotFound(f"task {task.id} not found in project {project_id}")
    return task


def active_execution(session: Session, *, task_id: str) -> Execution | None:
    return session.scalar(
        select(Execution)
        .where(Execution.task_id == task_id, Execution.status.in_(ACTIVE_STATUSES))
        .order_by(Execution.created_at.desc())
        .limit(1)
    )


def delete_task(session: Session, *, principal: Principal, task_id: str) -> None:
    """Delete a task with its executions and results; refused while a check runs."""
    task = get_task_for(session, principal=principal, task_id=task_id, action=Action.DELETE)
    running = active_execution(session, task_id=task.id)
    if running is not None:
        raise TaskRunning(f"task is running (execution {running.id}), retry later")
    child = session.scalar(select(Task.id).where(Task.parent_task_id == task.id).limit(1))
    if child is not None:  # its incremental tasks share its defects: they would lose them
        raise InvalidParameter(
            f"task {task.id} has incremental tasks (e.g. {child}): delete them first"
        )
    template_id = task.template_id
    task_counts.record(session, task_counts.locked(session, Task.id == task.id), [])
    # Occurrences have no foreign keys to cascade along (store/models/defects.py, DefectOccurrence).
    executions = select(Execution.id).where(Execution.task_id == task.id)
    session.execute(delete(DefectOccurrence).where(DefectOccurrence.execution_id.in_(executions)))
    session.delete(task)
    session.flush()
    still_used = session.scalar(select(func.count()).where(Task.template_id == template_id))
    if not still_used:
        session.execute(delete(TemplateRuleSet).where(TemplateRuleSet.template_id == template_id))
        session.execute(delete(ConfigTemplate).where(ConfigTemplate.id == template_id))


def list_project_tasks(
    session: Session, *, principal: Principal, project_id: str, offset: int, limit: int
) -> tuple[list[tuple[Task, datetime | None]], int]:
    """A page of a project's tasks with each task's last check time, newest task first."""
    get_project_or_raise(session, project_id=project_id)
    require(session, principal=principal, project_id=project_id, action=Action.GET)
    total = session.scalar(
        select(func.count()).select_from(Task).where(Task.project_id == project_id)
    )
    last_check = (
        select(func.max(func.coalesce(Execution.started_at, Execution.created_at)))
        .where(Execution.task_id == Task.id)
        .correlate(Task)
        .scalar_subquery()
    )
    rows = session.execute(
        select(Task, last_check)
        .where(Task.project_id == project_id)
        .order_by(Task.created_at.desc(), Task.id)
        .offset(offset)
        .limit(limit)
    ).all()
    return [(t, last) for t, last in rows], int(total or 0)


def set_followed(session: Session, *, principal: Principal, task_id: str, followed: bool) -> None:
    """Follow or unfollow a task for the caller."""
    task = get_task_for(session, principal=principal, task_id=task_id, action=Action.GET)
    row = session.get(TaskFollower, (task.id, principal.user_id))
    if followed and row is None:
        session.add(TaskFollower(task_id=task.id, user_id=principal.user_id))
    elif not followed and row is not None:
        session.delete(row)
    session.flush()


def review_data_json(template: ConfigTemplate) -> str:
    """Gate configuration as stored, for logs and diagnostics."""
    return json.dumps(template.review_data, separators=(",", ":"))


def touch(task: Task) -> None:
    task.updated_at = utcnow()
