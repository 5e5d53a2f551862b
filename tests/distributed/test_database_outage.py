"""Issue 11 §2, the database briefly unreachable: the cluster reaches PostgreSQL through a
proxy that the test cuts (connections dropped, new ones refused) and restores. Requests get
the CodeArts 503 meanwhile, and afterwards every check ends with its results written whole,
once."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.distributed.cluster import LEASE_SECONDS, Cluster, big_repo, cluster
from tests.distributed.proxy import TcpProxy
from tests.support import PG_HOST, PG_PORT, REDIS_URL, need_service, postgres_database

pytestmark = [pytest.mark.slow, pytest.mark.services]

# Longer than a heartbeat interval (a third of the lease) and than the lease itself, so the
# checks' leases run out while nobody can renew or reap them.
OUTAGE_SECONDS = LEASE_SECONDS + 2


@pytest.fixture
def behind_proxy(tmp_path: Path) -> Iterator[tuple[Cluster, TcpProxy]]:
    need_service("Redis", "127.0.0.1", 6379)
    with postgres_database() as db, TcpProxy((PG_HOST, PG_PORT)) as proxy:
        proxied = db.replace(f"@{PG_HOST}:{PG_PORT}/", f"@127.0.0.1:{proxy.port}/")
        assert proxied != db
        # The test reads the database directly (Cluster.sql); the processes only via the proxy.
        with cluster(tmp_path, db, REDIS_URL, OPENCHECK_DATABASE_URL=proxied) as c:
            yield c, proxy


def test_a_database_outage_leaves_no_check_stuck_or_half_written(
    behind_proxy: tuple[Cluster, TcpProxy], tmp_path: Path
) -> None:
    c, proxy = behind_proxy
    c.start_api()
    c.start_worker("w1", concurrency=2)
    repo = big_repo(tmp_path / "repo")
    project = c.project()
    tasks = [c.create_task(project, repo, name=f"t{n}") for n in range(4)]
    spare = c.create_task(project, repo, name="spare")
    ids = [c.run(task) for task in tasks]
    _wait_mid_scan(c, ids)
    assert proxy.connections > 0  # the processes do go through the proxy

    proxy.cut()
    try:
        cut_at = time.monotonic()
        progress = c.http.get(
            f"/v2/tasks/{tasks[0]}/progress", params={"job_id": ids[0]}, headers=c.headers
        )
        run = c.http.post(f"/v2/tasks/{spare}/run", headers=c.headers)
        for r in (progress, run):
            assert r.status_code == 503, r.text
            assert r.json()["error_code"] == "CC.00050012"
            assert r.headers["Retry-After"] == "5"
        time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - cut_at)))
    finally:
        proxy.restore()

    statuses = c.wait_done(ids, timeout=180)
    assert set(statuses.values()) == {"success"}, (statuses, c.log("w1"))
    _assert_written_whole_once(c, ids)
    # The worker lived through it: no lease was taken from it, no attempt spent on the outage.
    assert c.sql("SELECT max(attempts) FROM executions")[0][0] == 1
    assert not any("stopped renewing its lease" in c.logs(exec_id) for exec_id in ids)
    # The run refused during the outage left nothing behind, and is taken now.
    assert not c.sql("SELECT 1 FROM executions WHERE task_id = :t", t=spare)
    again = c.run(spare)
    assert c.wait_done([again], timeout=120)[again] == "success", c.log("w1")


def _wait_mid_scan(c: Cluster, ids: list[str]) -> None:
    """Until a check is past its start (claimed at 1 %), so the outage hits a scan in flight."""
    deadline = time.monotonic() + 120
    while not c.sql("SELECT 1 FROM executions WHERE status = 'running' AND progress > 1"):
        assert time.monotonic() < deadline, c.statuses(ids)
        time.sleep(0.05)


def _assert_written_whole_once(c: Cluster, ids: list[str]) -> None:
    """Each execution's results are one transaction's: all of them, stored once."""
    for exec_id in ids:
        log = c.logs(exec_id)
        assert log.count("defects stored") == 1, log
        assert log.count("Found 60 files to check") == 1, log  # written late, not lost
        (defects, task_id), *_ = c.sql(
            "SELECT defect_count, task_id FROM executions WHERE id = :e", e=exec_id
        )
        occurrences = c.sql(
            "SELECT count(*) FROM defect_occurrences WHERE execution_id = :e", e=exec_id
        )[0][0]
        task_defects = c.sql("SELECT count(*) FROM task_defects WHERE task_id = :t", t=task_id)
        files = c.sql("SELECT count(*) FROM execution_files WHERE execution_id = :e", e=exec_id)
        assert defects > 0
        assert occurrences == defects == task_defects[0][0]
        assert files[0][0] == 60  # big_repo's files, each listed once
