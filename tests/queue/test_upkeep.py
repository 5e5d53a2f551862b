"""The reaper after a database outage: a lease that ran out while nobody could renew it is not
taken from its worker until the worker had a whole lease to renew it. The merge of the task
list's counts after a bulk import."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert, select, update

from opencheck.config import Settings
from opencheck.queue.upkeep import Upkeep
from opencheck.runtime import Runtime
from opencheck.services import execution_states, leases, task_counts
from opencheck.services.leases import Claim, WorkerId
from opencheck.store.db import unit_of_work
from opencheck.store.models import Execution, TaskCount, utcnow
from tests.distributed.proxy import TcpProxy
from tests.services.conftest import make_task
from tests.support import PG_HOST, PG_PORT, postgres_database

pytestmark = pytest.mark.services


def test_after_an_outage_the_reaper_waits_a_lease_before_taking_one(tmp_path: Path) -> None:
    with postgres_database() as db, TcpProxy((PG_HOST, PG_PORT)) as proxy:
        proxied = db.replace(f"@{PG_HOST}:{PG_PORT}/", f"@127.0.0.1:{proxy.port}/")
        # A lease far longer than the test: "within a lease of the outage" holds throughout.
        settings = Settings(data_dir=tmp_path, database_url=proxied, lease_seconds=3600)
        runtime = Runtime.build(settings)
        try:
            expired = _an_expired_lease(runtime)
            requeued: list[str] = []
            saw_outage = Upkeep(runtime.check_context, lambda eid, _pool: requeued.append(eid))
            proxy.cut()
            saw_outage.run_once()  # logs the outage, raises nothing
            proxy.restore()
            saw_outage.run_once()
            assert requeued == []
            # A process that saw no outage trusts the lease: its worker is gone.
            Upkeep(runtime.check_context, lambda eid, _pool: requeued.append(eid)).run_once()
            assert requeued == [expired]
        finally:
            runtime.close()


def _an_expired_lease(runtime: Runtime) -> str:
    with unit_of_work(runtime.sessions) as s:
        task = make_task(s, runtime)
        execution = Execution(task_id=task.id, job_type="FULL", executor="root",
                              git_url=task.git_url, git_branch="main")  # fmt: skip
        eid = execution_states.queue(s, execution, "queued").id
        assert leases.claim(s, eid, WorkerId.of("default", "w1"), 30) is Claim.CLAIMED
        s.execute(
            update(Execution)
            .where(Execution.id == eid)
            .values(lease_until=utcnow() - timedelta(seconds=1))
        )
    return eid


def test_a_round_merges_more_rows_than_a_statement_takes_parameters(tmp_path: Path) -> None:
    # PostgreSQL takes at most 65,535 parameters; a merge that deleted every row it read failed
    # there, every round, once a bulk import had left more (seen: 150,000 rows).
    with postgres_database() as url:
        runtime = Runtime.build(Settings(data_dir=tmp_path, database_url=url))
        try:
            with unit_of_work(runtime.sessions) as s:
                project_id = make_task(s, runtime).project_id
            noise = [{"project_id": project_id, "facet": task_counts.ALL, "delta": d}
                     for d in (1, -1) * 35_000]  # fmt: skip
            with unit_of_work(runtime.sessions) as s:
                s.execute(insert(TaskCount), noise)
            Upkeep(runtime.check_context, lambda _id, _pool: None).merge_counts()
            with unit_of_work(runtime.sessions) as s:
                pairs = s.execute(select(TaskCount.project_id, TaskCount.facet)).all()
                assert len(pairs) == len(set(pairs))  # one row per project and filter
                assert task_counts.total(s.connection(), [task_counts.ALL], None) == 1
        finally:
            runtime.close()
