"""Starting, stopping and following executions of a task (the API side)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from opencheck.domain.executions import ExecutionStatus
from opencheck.domain.pools import pool_of
from opencheck.engine.local_repos import LocalRepoPolicy
from opencheck.errors import InvalidParameter, NotFound, TaskRunning
from opencheck.services import execution_states, incremental, leases, task_list_columns
from opencheck.services.auth import Principal
from opencheck.services.permissions import Action
from opencheck.services.projects import check_id, require
from opencheck.services.secrets import Cipher
from opencheck.services.tasks import (
    RepoLogin,
    active_execution,
    get_task_for,
    validate_branch,
    validate_git_url,
)
from opencheck.store.models import ConfigTemplate, Execution, Task, utcnow

REFS = ("pull", "merge_request")


@dataclass
class RunOptions:
    """The run body: the seed's `ref` and the SDK's deprecated one-off repository fields."""

    ref: str | None = None
    job_type: str | None = None  # OpenCheck's: FULL, INC_GIT, INC_COMMIT, INC_LAST_SUCCESS_COMMIT
    commit_id: str | None = None  # the commit an INC_COMMIT or INC_LAST_SUCCESS_COMMIT checks
    merge_id: str | None = None  # OpenCheck's: the merge request `ref` names (over the task's)
    git_url: str | None = None
    git_branch: str | None = None
    username: str | None = None
    access_token: str | None = None


def _credentials(
    task: Task, options: RunOptions, url_login: RepoLogin | None, cipher: Cipher
) -> str | None:
    if options.username or options.access_token:
        if not (options.username and options.access_token):
            raise InvalidParameter("username and access_token must be given together")
        pair = {"username": options.username, "secret": options.access_token}
        return cipher.encrypt(json.dumps(pair))
    if url_login is not None:
        pair = {"username": url_login.username, "secret": url_login.secret}
        return cipher.encrypt(json.dumps(pair))
    # The task's credentials are for the task's repository, never for a one-off URL.
    if options.git_url or not task.username_enc or not task.access_token_enc:
        return None
    pair = {
        "username": cipher.decrypt(task.username_enc),
        "secret": cipher.decrypt(task.access_token_enc),
    }
    return cipher.encrypt(json.dumps(pair))


def run_task(
    session: Session,
    *,
    principal: Principal,
    task_id: str,
    options: RunOptions,
    cipher: Cipher,
    local_repos: LocalRepoPolicy,
    live_within: float | None = None,
) -> Execution:
    """Queue a check of the task (full, or incremental by `options.job_type`, the run's `ref`
    or the task's type); at most one queued or running check per task.

    A one-off repository or branch in the body changes what is checked: that needs the edit
    permission, not only execute, and the URL rules of task creation. With `live_within`, the
    log says so when no worker of the task's pool sent a heartbeat within that many seconds.
    """
    task = get_task_for(session, principal=principal, task_id=task_id, action=Action.EXECUTE)
    if options.git_url or options.git_branch:
        require(session, principal=principal, project_id=task.project_id, action=Action.EDIT)
    if options.ref is not None and options.ref not in REFS:
        raise InvalidParameter("ref must be one of pull, merge_request")
    git_url, url_login = task.git_url, None
    if options.git_url:
        git_url, url_login = validate_git_url(options.git_url, local_repos)
    branch = validate_branch(options.git_branch) if options.git_branch else task.git_branch
    job = incremental.job_type_for(task, options.job_type, options.ref)
    plan = incremental.validate_run(
        session, task, job, options.ref, options.commit_id, options.merge_id
    )
    # The first write takes the task row's lock (PostgreSQL) or the database write lock (SQLite),
    # so two concurrent run requests cannot both see "nothing running".
    session.execute(update(Task).where(Task.id == task.id).values(updated_at=utcnow()))
    running = active_execution(session, task_id=task.id)
    if running is not None:
        raise TaskRunning(f"task is running, retry later (running execution: {running.id})")
    execution = Execution(
        task_id=task.id,
        job_type=job.value,
        progress=0,
        executor=principal.name,
        git_url=git_url,
        git_branch=branch,
        credentials_enc=_credentials(task, options, url_login, cipher),
        ref=options.ref,
        commit_sha=plan.commit,
        base_sha=plan.base,
        merge_id=plan.merge_id,
        pool=pool_of(_pool_id(session, task)),
    )
    execution_states.queue(session, execution, f"Check queued by {principal.name}")
    task_list_columns.queued(session, execution)
    if live_within is not None and not leases.live_workers(session, execution.pool, live_within):
        execution_states.log(
            session,
            execution.id,
            f"[WARNING] No live worker serves pool {execution.pool!r}; "
            "the check stays queued until one starts",
        )
    return execution


def _pool_id(session: Session, task: Task) -> str:
    return (
        session.scalar(
            select(ConfigTemplate.resource_pool_id).where(ConfigTemplate.id == task.template_id)
        )
        or ""
    )


def stop_task(session: Session, *, principal: Principal, task_id: str) -> Execution | None:
    """Ask the active execution to stop; a queued one is aborted at once."""
    task = get_task_for(session, principal=principal, task_id=task_id, action=Action.EXECUTE)
    execution = active_execution(session, task_id=task.id)
    if execution is None:
        return None
    stop = f"Stop requested by {principal.name}"
    if execution.status == ExecutionStatus.QUEUED and execution_states.move(
        session,
        execution.id,
        ExecutionStatus.ABORTED,
        stop,
        "Check aborted before it started",
        cancel_requested=True,
    ):
        return execution
    session.execute(
        update(Execution).where(Execution.id == execution.id).values(cancel_requested=True)
    )
    execution_states.log(session, execution.id, stop)
    return execution


def get_execution_or_raise(
    session: Session, *, task_id: str, execution_id: str | None, param: str = "job_id"
) -> Execution:
    """The named execution of the task, else its latest one; `param` names the id in errors."""
    query = select(Execution).where(Execution.task_id == task_id)
    if execution_id:
        check_id(execution_id, param)
        query = query.where(Execution.id == execution_id)
    execution = session.scalar(query.order_by(Execution.created_at.desc()).limit(1))
    if execution is None:
        raise NotFound(
            f"no execution of task {task_id}" + (f" with id {execution_id}" if execution_id else "")
        )
    return execution


def progress(
    session: Session, *, principal: Principal, task_id: str, execution_id: str | None
) -> Execution:
    """The execution whose progress the caller asked for."""
    task = get_task_for(session, principal=principal, task_id=task_id, action=Action.GET)
    return get_execution_or_raise(session, task_id=task.id, execution_id=execution_id)
