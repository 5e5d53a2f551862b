"""Issue 11 §2, the broker restarted, for RabbitMQ: the shared server cannot be restarted under
the other tests, so the cluster reaches it through a proxy that the test cuts and restores.
From the processes' side that is a restart: every AMQP connection drops (a worker's unacked
message goes back to its queue) and new ones are refused until it is back."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.distributed.cluster import big_repo, cluster
from tests.distributed.proxy import TcpProxy
from tests.support import make_repo, need_service, postgres_database

pytestmark = [pytest.mark.slow, pytest.mark.services]
RABBITMQ = ("127.0.0.1", 5672)


def test_a_rabbitmq_outage_loses_no_queued_check(tmp_path: Path) -> None:
    need_service("RabbitMQ", *RABBITMQ)
    with postgres_database() as db, TcpProxy(RABBITMQ) as proxy:
        url = f"amqp://guest:guest@127.0.0.1:{proxy.port}//"
        with cluster(tmp_path, db, url) as c:
            c.start_api()
            c.start_worker("w1")
            small = make_repo(tmp_path / "small", {"a.py": "import os\n"})
            project = c.project()
            first = c.run(c.create_task(project, small, name="before"))
            assert c.wait_done([first], timeout=120)[first] == "success", c.log("w1")
            # One check running (its message unacknowledged), three waiting in the broker.
            repo = big_repo(tmp_path / "repo")
            ids = [c.run(c.create_task(project, repo, name=f"t{n}")) for n in range(4)]
            deadline = time.monotonic() + 120
            while "running" not in c.statuses(ids).values():
                assert time.monotonic() < deadline, c.statuses(ids)
                time.sleep(0.05)

            proxy.cut()
            try:
                # A run accepted while the broker is away is in the database, so it is not
                # refused: the pool's workers resend what the broker does not have.
                during = c.run(c.create_task(project, small, name="during"))
                time.sleep(3)
            finally:
                proxy.restore()

            everything = [*ids, during]
            statuses = c.wait_done(everything, timeout=180)
            assert set(statuses.values()) == {"success"}, (statuses, c.log("w1"))
            for exec_id in everything:
                assert c.logs(exec_id).count("defects stored") == 1
            # The worker is connected again and takes new work.
            later = c.run(c.create_task(project, small, name="after"))
            assert c.wait_done([later], timeout=120)[later] == "success", c.log("w1")
