"""Carrying out one execution: claim it, scan, store the results, judge the gate."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from opencheck import logs
from opencheck.domain.executions import ExecutionStatus
from opencheck.engine import clone_paths, orphans, removal
from opencheck.engine.errors import FetchError, ScanCancelled
from opencheck.engine.pipeline import (
    EngineSettings,
    RepoCredentials,
    ScanSpec,
    run_scan,
)
from opencheck.engine.steps import StepTimes
from opencheck.services import (
    execution_states,
    incremental,
    leases,
    results,
    rule_thresholds,
    rulesets,
)
from opencheck.services.leases import Claim, WorkerId
from opencheck.services.secrets import Cipher
from opencheck.store.db import unit_of_work
from opencheck.store.models import (
    ConfigTemplate,
    Execution,
    RuleSet,
    Task,
    TemplateRuleSet,
)

log = logging.getLogger("opencheck.checks")


@dataclass
class CheckContext:
    """What a worker needs to carry out executions."""

    sessions: sessionmaker[Session]
    cipher: Cipher
    engine: EngineSettings
    poll_interval: float = 0.5
    webhook_hosts: tuple[str, ...] = ()  # OPENCHECK_WEBHOOK_ALLOWED_HOSTS
    lease_seconds: float = 30.0  # how long a worker holds a check without a heartbeat
    max_attempts: int = 2  # runs of one check whose worker died, before it fails
    pool_limits: Mapping[str, int] = field(default_factory=dict)  # running checks per pool


class ExecutionObserver:
    """Writes the log and progress of one execution, and notices stop requests."""

    def __init__(self, ctx: CheckContext, execution_id: str, stop: threading.Event) -> None:
        self._ctx = ctx
        self._id = execution_id
        self._stop = stop
        self._checked_at = 0.0
        self._last_progress = -1

    def log(self, message: str) -> None:
        with unit_of_work(self._ctx.sessions) as s:
            execution_states.log(s, self._id, message)

    def progress(self, percent: int) -> None:
        percent = max(0, min(99, int(percent)))
        if percent > self._last_progress:
            self._last_progress = percent
            self._update(progress=percent)

    def cancelled(self) -> bool:
        if self._stop.is_set():
            return True
        now = time.monotonic()
        if now - self._checked_at >= self._ctx.poll_interval:
            self._checked_at = now
            with unit_of_work(self._ctx.sessions) as s:
                if s.scalar(select(Execution.cancel_requested).where(Execution.id == self._id)):
                    self._stop.set()
        return self._stop.is_set()

    def _update(self, **values: object) -> None:
        with unit_of_work(self._ctx.sessions) as s:
            s.execute(update(Execution).where(Execution.id == self._id).values(**values))


def claim(ctx: CheckContext, execution_id: str, worker: WorkerId) -> Claim:
    """Lease a queued execution to `worker`, within its pool's limit."""
    with unit_of_work(ctx.sessions) as s:
        pool = s.scalar(select(Execution.pool).where(Execution.id == execution_id))
        limit = ctx.pool_limits.get(pool) if pool is not None else None
        return leases.claim(s, execution_id, worker, ctx.lease_seconds, limit)


def _spec(ctx: CheckContext, s: Session, execution: Execution) -> ScanSpec:
    task = s.get(Task, execution.task_id)
    assert task is not None  # the foreign key guarantees it
    template = s.get(ConfigTemplate, task.template_id)
    assert template is not None
    bound = s.execute(
        select(TemplateRuleSet.language, RuleSet)
        .join(RuleSet, RuleSet.id == TemplateRuleSet.ruleset_id)
        .where(TemplateRuleSet.template_id == template.id)
    ).all()
    languages = tuple(lang for lang, _ in bound)
    # System sets are the analysers' defaults; custom sets narrow or re-grade the rules, and
    # the task's own thresholds (config-parameters) change those of either.
    selections = {}
    for lang, rs in bound:
        own = rule_thresholds.task_values(s, task_id=task.id, rs=rs)
        if own or not rs.is_system:
            selections[lang] = rulesets.selection_of(s, rs, own)
    creds = None
    if execution.credentials_enc:
        pair = json.loads(ctx.cipher.decrypt(execution.credentials_enc))
        creds = RepoCredentials(pair["username"], pair["secret"])
    target, compare_to, changed_only = incremental.targets(s, task, execution)
    return ScanSpec(
        target=target,
        compare_to=compare_to,
        incremental=changed_only,
        repo_url=execution.git_url,
        branch=execution.git_branch,
        credentials=creds,
        include_paths=_split(template.include_paths),
        excludes=_split(template.exclude),
        test_paths=_split(template.test_paths),
        rule_languages=languages,
        rule_type=template.rule_type,
        rule_selections=selections or None,
        cache_scope=task.project_id,
    )


def _split(value: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in value.replace(";", ",").split(",") if p.strip())


def finish(
    ctx: CheckContext,
    execution_id: str,
    status: ExecutionStatus,
    message: str,
    worker: WorkerId | None = None,
) -> None:
    """End an execution without results (failed or aborted), if `worker` still holds it."""
    with unit_of_work(ctx.sessions) as s:
        holder = worker.name if worker is not None else None
        execution_states.move(s, execution_id, status, message, holder=holder)


def process(
    ctx: CheckContext, execution_id: str, worker: WorkerId, stop: threading.Event | None = None
) -> Claim:
    """Claim one queued execution and carry it out from start to end; never raises.
    Without the claim (another worker has it, or its pool is full) it does nothing."""
    claimed = claim(ctx, execution_id, worker)
    if claimed is Claim.CLAIMED:
        carry_out(ctx, execution_id, worker, stop or threading.Event())
    return claimed


def carry_out(
    ctx: CheckContext, execution_id: str, worker: WorkerId, stop: threading.Event
) -> None:
    """Scan and store a claimed execution, or end it failed or aborted; never raises."""
    with logs.execution(execution_id):  # every log record of this check carries its id
        _scan_and_store(ctx, execution_id, worker, stop)


def _scan_and_store(
    ctx: CheckContext, execution_id: str, worker: WorkerId, stop: threading.Event
) -> None:
    observer = ExecutionObserver(ctx, execution_id, stop)
    times = StepTimes()
    try:
        with unit_of_work(ctx.sessions) as s:
            execution = s.get(Execution, execution_id)
            assert execution is not None
            if execution.started_at is not None:  # set by the claim: the wait in the queue
                waited = execution.started_at - execution.created_at
                times.add("queue", wall=waited.total_seconds())
            with times.step("preparing"):
                spec = _spec(ctx, s, execution)
        result = run_scan(spec, ctx.engine, observer, execution_id, times=times)
        if observer.cancelled():
            raise ScanCancelled("stopped")
        with unit_of_work(ctx.sessions) as s:
            results.store(s, execution_id=execution_id, result=result, holder=worker.name)
    except ScanCancelled:
        finish(ctx, execution_id, ExecutionStatus.ABORTED, "Check aborted by user", worker)
    except (FetchError, ValueError) as exc:
        finish(ctx, execution_id, ExecutionStatus.FAILED, f"[ERROR] {exc}", worker)
    except Exception:
        log.exception("execution %s failed", execution_id)
        reason = "[ERROR] internal error; see the server log"
        finish(ctx, execution_id, ExecutionStatus.FAILED, reason, worker)


def sweep_worktrees(ctx: CheckContext) -> int:
    """Discard the worktrees a previous process left behind; returns how many."""
    return removal.sweep_worktrees(ctx.engine.work_dir)


def sweep_clones(ctx: CheckContext) -> int:
    """Discard cached clones no task or execution refers to (deleted tasks and projects, an
    older cache layout): a deleted project's code does not linger on disk. Returns how many."""
    with unit_of_work(ctx.sessions) as s:
        pairs = set(s.execute(select(Task.project_id, Task.git_url)).all())
        pairs |= set(
            s.execute(
                select(Task.project_id, Execution.git_url)
                .join(Task, Task.id == Execution.task_id)
                .distinct()
            ).all()
        )
    cache = ctx.engine.cache_dir
    keep = [
        path for pid, url in pairs if (path := clone_paths.clone_of(cache, url, pid)) is not None
    ]
    return removal.sweep_clones(cache, keep)


def kill_orphans() -> int:
    """Kill analysers and git calls whose service process is gone; returns how many."""
    return orphans.kill_orphans()
