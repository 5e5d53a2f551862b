"""Carrying out one execution: claim it, scan, store the results, judge the gate."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from opencheck import logs
from opencheck.domain.executions import ExecutionStatus
from opencheck.engine import clone_paths, orphans, removal
from opencheck.engine.errors import FetchError, ScanCancelled
from opencheck.engine.pipeline import (
    EngineSettings,
    RepoCredentials,
    ScanResult,
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
from opencheck.services.check_observer import ExecutionObserver
from opencheck.services.leases import Claim, WorkerId
from opencheck.services.secrets import Cipher
from opencheck.store.db import UNREACHABLE, unit_of_work
from opencheck.store.models import (
    ConfigTemplate,
    Execution,
    RuleSet,
    Task,
    TemplateRuleSet,
    utcnow,
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
    # How long a check waits for an unreachable database to store its result; after that its
    # lease runs out and the check is queued again.
    database_patience: float = 120.0


def claim(ctx: CheckContext, execution_id: str, worker: WorkerId) -> tuple[Claim, int]:
    """Lease a queued execution to `worker`, within its pool's limit; with the claim, the
    attempt it starts (the worker's writes hold for that attempt only). Raises what the
    database raises when it is unreachable: nothing was claimed, or a claim whose answer was
    lost stayed unconfirmed for `ctx.database_patience` seconds and is left to its lease."""
    tried: list[datetime] = []  # the starts of the claims tried, each of which may have landed
    committing = False

    def one_try() -> tuple[Claim, int]:
        nonlocal committing
        with unit_of_work(ctx.sessions) as s:
            committing = False
            outcome = _claim_once(ctx, s, execution_id, worker, tried)
            committing = outcome[0] is Claim.CLAIMED
        return outcome

    try:
        return one_try()
    except UNREACHABLE:
        if not committing:
            raise
    # The claim's COMMIT failed, and may have landed all the same (the connection dropped
    # before the answer): left alone, the execution would wait for its lease to run out.
    return _patiently(ctx, one_try)


def _claim_once(
    ctx: CheckContext, s: Session, execution_id: str, worker: WorkerId, tried: list[datetime]
) -> tuple[Claim, int]:
    if tried:
        found = leases.find_claim(s, execution_id, worker, tried, ctx.lease_seconds)
        if found is not None:
            return Claim.CLAIMED, found
    tried.append(utcnow())
    # The worker's pool is the only one it may claim from (`leases.claim` gives GONE for any
    # other), so its limit is the one that applies: no need to read the execution's pool first.
    limit = ctx.pool_limits.get(worker.pool)
    claimed = leases.claim(s, execution_id, worker, ctx.lease_seconds, limit, tried[-1])
    if claimed is not Claim.CLAIMED:
        return claimed, 0
    attempt = s.scalar(select(Execution.attempts).where(Execution.id == execution_id))
    return claimed, int(attempt or 0)


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


def process(
    ctx: CheckContext, execution_id: str, worker: WorkerId, stop: threading.Event | None = None
) -> Claim:
    """Claim one queued execution and carry it out from start to end.
    Without the claim (another worker has it, or its pool is full) it does nothing. Raises
    only what `claim` raises (the database unreachable: nothing was claimed)."""
    claimed, attempt = claim(ctx, execution_id, worker)
    if claimed is Claim.CLAIMED:
        carry_out(ctx, execution_id, worker, stop or threading.Event(), attempt)
    return claimed


def carry_out(
    ctx: CheckContext,
    execution_id: str,
    worker: WorkerId,
    stop: threading.Event,
    attempt: int | None = None,
) -> None:
    """Scan and store a claimed execution, or end it failed or aborted; never raises."""
    with logs.execution(execution_id):  # every log record of this check carries its id
        observer = ExecutionObserver(ctx.sessions, execution_id, stop, ctx.poll_interval)
        try:
            held = _Held(worker, attempt)
            status, reason = _scan_and_store(ctx, execution_id, held, observer)
            if status is not ExecutionStatus.SUCCESS:
                _patiently(ctx, lambda: _finish(execution_id, status, reason, held, observer))
        except UNREACHABLE:
            # Its lease runs out and a reaper queues it again: another attempt, not a failure.
            log.error(
                "execution %s: the database stayed unreachable for %.0f s; left to its lease",
                execution_id,
                ctx.database_patience,
            )


@dataclass(frozen=True)
class _Held:
    """The worker running an execution, and in which attempt (None: any)."""

    worker: WorkerId
    attempt: int | None


def _scan_and_store(
    ctx: CheckContext, execution_id: str, held: _Held, observer: ExecutionObserver
) -> tuple[ExecutionStatus, str]:
    """The outcome: success once the results are stored, or why not. Raises UNREACHABLE
    when the database stayed away longer than `ctx.database_patience`."""
    times = StepTimes()
    times.add("queue")  # first in the profile; its seconds are known once the spec is read
    try:
        with times.step("preparing"):
            spec, waited = _patiently(ctx, lambda: _read_spec(ctx, execution_id))
        if waited is not None:  # from queueing to the claim: the wait in the queue
            times.add("queue", wall=waited)
        result = run_scan(spec, ctx.engine, observer, execution_id, times=times)
        if observer.cancelled():
            raise ScanCancelled("stopped")
        _patiently(ctx, lambda: _store(execution_id, result, held, observer))
    except UNREACHABLE:
        raise
    except ScanCancelled:
        return ExecutionStatus.ABORTED, "Check aborted by user"
    except (FetchError, ValueError) as exc:
        return ExecutionStatus.FAILED, f"[ERROR] {exc}"
    except Exception:
        log.exception("execution %s failed", execution_id)
        return ExecutionStatus.FAILED, "[ERROR] internal error; see the server log"
    return ExecutionStatus.SUCCESS, ""


def _read_spec(ctx: CheckContext, execution_id: str) -> tuple[ScanSpec, float | None]:
    """What to check, and the seconds the execution waited in the queue (None: unknown)."""
    with unit_of_work(ctx.sessions) as s:
        execution = s.get(Execution, execution_id)
        assert execution is not None
        started = execution.started_at  # set by the claim
        waited = (started - execution.created_at).total_seconds() if started else None
        return _spec(ctx, s, execution), waited


def _store(
    execution_id: str,
    result: ScanResult,
    held: _Held,
    observer: ExecutionObserver,
) -> None:
    # One transaction: the log lines the observer still holds, every result row and the move
    # to success land together or not at all, so a retry never stores anything twice.
    with observer.writing() as s:
        if not _stored_by(s, execution_id, held):  # else a lost answer hid a commit that landed
            results.store(s, execution_id=execution_id, result=result, holder=held.worker.name,
                          attempt=held.attempt)  # fmt: skip


def _stored_by(session: Session, execution_id: str, held: _Held) -> bool:
    """Whether this claim's results are stored already (the execution moved to success)."""
    execution = session.get(Execution, execution_id)
    return (
        execution is not None
        and execution.status == ExecutionStatus.SUCCESS.value
        and execution.worker == held.worker.name
        and (held.attempt is None or execution.attempts == held.attempt)
    )


def _finish(
    execution_id: str,
    status: ExecutionStatus,
    reason: str,
    held: _Held,
    observer: ExecutionObserver,
) -> None:
    with observer.writing() as s:
        execution_states.move(s, execution_id, status, reason, holder=held.worker.name,
                              attempt=held.attempt)  # fmt: skip


_T = TypeVar("_T")
RETRY_DELAYS = (0.5, 1.0, 2.0, 5.0)  # then every 5 s, until ctx.database_patience


def _patiently(ctx: CheckContext, step: Callable[[], _T]) -> _T:
    """`step` (one transaction), again while the database is unreachable, for at most
    `ctx.database_patience` seconds; then its error."""
    deadline = time.monotonic() + ctx.database_patience
    attempt = 0
    while True:
        try:
            return step()
        except UNREACHABLE as exc:
            delay = RETRY_DELAYS[min(attempt, len(RETRY_DELAYS) - 1)]
            if time.monotonic() + delay > deadline:
                raise
            log.warning("database unreachable (%s); again in %.1f s", type(exc).__name__, delay)
            time.sleep(delay)
            attempt += 1


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
