"""Leases: claims within a pool's limit, heartbeats that notice a takeover, and the reaper."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session

from opencheck.domain.executions import ExecutionStatus as S
from opencheck.runtime import Runtime
from opencheck.services import checks, execution_states, leases
from opencheck.services.leases import Claim, WorkerId
from opencheck.store.db import unit_of_work
from opencheck.store.models import Execution, WorkerRecord, utcnow
from tests.services.conftest import make_task


def _queued(s: Session, runtime: Runtime, n: int, pool: str = "default") -> list[str]:
    task = make_task(s, runtime)
    ids = []
    for _ in range(n):
        execution = Execution(task_id=task.id, job_type="FULL", executor="root", pool=pool,
                              git_url=task.git_url, git_branch="main")  # fmt: skip
        ids.append(execution_states.queue(s, execution, "queued").id)
    return ids


def test_a_pool_at_its_limit_leaves_the_rest_queued(runtime: Runtime) -> None:
    w1, w2 = WorkerId.of("default", "w1"), WorkerId.of("default", "w2")
    with unit_of_work(runtime.sessions) as s:
        ids = _queued(s, runtime, 3)
        for w in (w1, w2):
            leases.register(s, w, 1)
        assert leases.claim(s, ids[0], w1, 30, pool_limit=2) is Claim.CLAIMED
        assert leases.claim(s, ids[0], w2, 30, pool_limit=2) is Claim.GONE  # already running
        assert leases.claim(s, ids[1], w2, 30, pool_limit=2) is Claim.CLAIMED
        assert leases.claim(s, ids[2], w2, 30, pool_limit=2) is Claim.POOL_FULL
        assert leases.claim(s, ids[2], WorkerId.of("gpu", "g"), 30) is Claim.GONE  # other pool
        assert leases.live_workers(s, "default", 60) == 2
        assert leases.live_workers(s, "gpu", 60) == 0


def test_the_reaper_requeues_then_fails_and_the_old_worker_notices(runtime: Runtime) -> None:
    w1, w2 = WorkerId.of("default", "w1"), WorkerId.of("default", "w2")
    with unit_of_work(runtime.sessions) as s:
        [eid] = _queued(s, runtime, 1)
        assert leases.claim(s, eid, w1, 30) is Claim.CLAIMED
        assert leases.reap(s, max_attempts=2) == []  # the lease holds
        _expire(s, eid)
        assert leases.reap(s, max_attempts=2) == [(eid, "default")]
        assert leases.renew(s, w1, {eid}, 30, 1) == {eid}  # w1 lost it: it stops its check
        # w1's late result or failure does not land on the execution queued again.
        assert not execution_states.move(s, eid, S.FAILED, "late", holder=w1.name)
        assert leases.claim(s, eid, w2, 30) is Claim.CLAIMED
        assert leases.renew(s, w2, {eid}, 30, 1) == set()
        _expire(s, eid)
        assert leases.reap(s, max_attempts=2) == []
        execution = s.get(Execution, eid)
        assert execution is not None
        assert (execution.status, execution.attempts) == ("failed", 2)


def test_a_heartbeat_registers_a_forgotten_worker_again(runtime: Runtime) -> None:
    w = WorkerId.of("default", "w")
    with unit_of_work(runtime.sessions) as s:
        leases.renew(s, w, set(), 30, 3)
        record = s.get(WorkerRecord, "w")
        assert record is not None and record.concurrency == 3


def test_an_earlier_attempt_of_the_same_worker_cannot_end_the_later_one(
    runtime: Runtime,
) -> None:
    """A worker that missed its heartbeats claims its own execution again after the reaper
    queued it: the first attempt's late end must not land on the second."""
    w1 = WorkerId.of("default", "w1")
    with unit_of_work(runtime.sessions) as s:
        leases.register(s, w1, 2)
        [eid] = _queued(s, runtime, 1)
    assert checks.claim(runtime.check_context, eid, w1) == (Claim.CLAIMED, 1)
    with unit_of_work(runtime.sessions) as s:
        _expire(s, eid)
        assert leases.reap(s, max_attempts=3) == [(eid, "default")]
    assert checks.claim(runtime.check_context, eid, w1) == (Claim.CLAIMED, 2)
    with unit_of_work(runtime.sessions) as s:
        assert not execution_states.move(s, eid, S.ABORTED, "late", holder=w1.name, attempt=1)
        assert execution_states.move(s, eid, S.FAILED, "its own", holder=w1.name, attempt=2)
        execution = s.get(Execution, eid)
        assert execution is not None and (execution.status, execution.attempts) == ("failed", 2)


def _expire(s: Session, eid: str) -> None:
    s.execute(
        update(Execution)
        .where(Execution.id == eid)
        .values(lease_until=utcnow() - timedelta(seconds=1))
    )


def test_a_check_claim_holds_to_the_worker_pools_configured_limit(runtime: Runtime) -> None:
    worker, other = WorkerId.of("gpu", "g1"), WorkerId.of("gpu", "g2")
    with unit_of_work(runtime.sessions) as s:
        ids = _queued(s, runtime, 2, pool="gpu")
        for w in (worker, other):
            leases.register(s, w, 1)
    ctx = dataclasses.replace(runtime.check_context, pool_limits={"gpu": 1})
    assert checks.claim(ctx, ids[0], worker) == (Claim.CLAIMED, 1)
    assert checks.claim(ctx, ids[1], other) == (Claim.POOL_FULL, 0)
    assert checks.claim(ctx, ids[1], WorkerId.of("default", "d")) == (Claim.GONE, 0)
