"""Issue 11 §2, a cap on scan workers' memory, as an operator sees it: OPENCHECK_WORKER_MEMORY_MB
is the worker process's address-space limit, and its analysers run under it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.distributed.cluster import big_repo, cluster
from tests.support import REDIS_URL, need_service, postgres_database

pytestmark = [pytest.mark.slow, pytest.mark.services]
CAP_MB = 1536  # above what a worker needs (under 900 MB of address space here), below 4096


def test_a_capped_worker_runs_its_analysers_under_the_cap(tmp_path: Path) -> None:
    need_service("Redis", "127.0.0.1", 6379)
    env = {
        "OPENCHECK_WORKER_MEMORY_MB": str(CAP_MB),
        # More than the cap: an analyser asking for it could not start (a child may not raise
        # its parent's hard limit), so the runner must lower it to the worker's.
        "OPENCHECK_ANALYZER_MEMORY_MB": "4096",
    }
    with postgres_database() as db, cluster(tmp_path, db, REDIS_URL, **env) as c:
        c.start_api()
        pid = c.start_worker("w1")
        assert _address_space_limit(pid) == (CAP_MB * 1024 * 1024,) * 2  # soft and hard
        repo = big_repo(tmp_path / "repo")
        exec_id = c.run(c.create_task(c.project(), repo))
        assert c.wait_done([exec_id], timeout=180)[exec_id] == "success", c.log("w1")
        (partial, defects), *_ = c.sql(
            "SELECT partial, defect_count FROM executions WHERE id = :e", e=exec_id
        )
        runs = c.sql(
            "SELECT analyser, failed FROM analyser_runs WHERE execution_id = :e", e=exec_id
        )
        assert runs and not any(failed for _, failed in runs), runs
        assert (partial, defects > 0) == (False, True), c.logs(exec_id)


def _address_space_limit(pid: int) -> tuple[int, int]:
    """The soft and hard RLIMIT_AS of a process, read as `cat /proc/PID/limits` shows it."""
    for line in Path(f"/proc/{pid}/limits").read_text().splitlines():
        if line.startswith("Max address space"):
            soft, hard = line.split()[3:5]
            return int(soft), int(hard)
    raise LookupError(f"no address space line in /proc/{pid}/limits")
