"""A check's observer while the database is unreachable: the scan goes on, no log line is lost."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from opencheck.config import Settings
from opencheck.runtime import Runtime
from opencheck.services import execution_states
from opencheck.services.check_observer import ExecutionObserver
from opencheck.store.db import unit_of_work
from opencheck.store.models import Execution
from tests.distributed.proxy import TcpProxy
from tests.services.conftest import make_task
from tests.support import PG_HOST, PG_PORT, postgres_database

pytestmark = pytest.mark.services


def test_log_lines_written_during_an_outage_land_afterwards_in_order(tmp_path: Path) -> None:
    with postgres_database() as db, TcpProxy((PG_HOST, PG_PORT)) as proxy:
        proxied = db.replace(f"@{PG_HOST}:{PG_PORT}/", f"@127.0.0.1:{proxy.port}/")
        runtime = Runtime.build(Settings(data_dir=tmp_path, database_url=proxied))
        try:
            with unit_of_work(runtime.sessions) as s:
                task = make_task(s, runtime)
                execution = Execution(task_id=task.id, job_type="FULL", executor="root",
                                      git_url=task.git_url, git_branch="main")  # fmt: skip
                eid = execution_states.queue(s, execution, "queued").id
            observer = ExecutionObserver(runtime.sessions, eid, threading.Event(), 0.0)
            proxy.cut()
            observer.log("during the outage")  # none of these raises
            observer.progress(40)
            assert not observer.cancelled()
            proxy.restore()
            observer.log("after it")
            with unit_of_work(runtime.sessions) as s:
                rows = execution_states.log_rows(s, eid)
        finally:
            runtime.close()
    assert [r.text for r in rows] == ["queued", "during the outage", "after it"]
    assert rows[1].at <= rows[2].at  # stamped when logged, not when written
