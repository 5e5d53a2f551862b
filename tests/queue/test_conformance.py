"""Both job queues carry a queued execution to a real check (the JobQueue conformance test)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from opencheck.config import Settings
from opencheck.queue.base import JobQueue
from opencheck.queue.celery_app import CeleryQueue
from opencheck.runtime import Runtime
from opencheck.services import auth, execution_states, projects, tasks
from opencheck.services.executions import RunOptions, run_task
from opencheck.store.db import unit_of_work
from opencheck.store.models import Execution
from tests.support import REDIS_URL, make_repo, need_service

pytestmark = pytest.mark.slow

BROKERS = {
    "embedded": None,
    "celery-redis": ("Redis", "127.0.0.1", 6379, REDIS_URL),
    "celery-rabbitmq": ("RabbitMQ", "127.0.0.1", 5672, "amqp://guest:guest@127.0.0.1:5672//"),
}


@pytest.fixture(params=sorted(BROKERS))
def queue_runtime(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Runtime]:
    broker = BROKERS[request.param]
    settings = Settings(
        data_dir=tmp_path / "data", workers=1, poll_interval=0.1, local_repo_roots=(tmp_path,)
    )
    if broker is None:
        runtime = Runtime.build(settings)
        runtime.start_queue()
        yield runtime
        runtime.close()
        return
    name, host, port, url = broker
    need_service(name, host, port)
    settings = settings.with_overrides(queue_backend="celery", broker_url=url)
    runtime = Runtime.build(settings)
    queue = runtime.start_queue()
    assert isinstance(queue, CeleryQueue)
    from celery.contrib.testing.worker import start_worker

    with start_worker(queue.app, pool="threads", concurrency=1, perform_ping_check=False,
                      shutdown_timeout=30):  # fmt: skip
        yield runtime
    runtime.close()


def test_queue_carries_an_execution_to_a_real_check(queue_runtime: Runtime, tmp_path: Path) -> None:
    assert isinstance(queue_runtime.queue, JobQueue)
    repo = make_repo(tmp_path / "repo", {"m.py": "import os\n\nx = 1\n"})
    with unit_of_work(queue_runtime.sessions) as s:
        user = auth.create_user(s, name="root", password="pw", is_admin=True)
        principal = auth.Principal(user.id, user.name, True)
        pid = projects.create_project(s, name="p").id
        new = tasks.NewTask(git_url=str(repo), git_branch="main", languages=["python"])
        task = tasks.create_task(s, principal=principal, project_id=pid, new=new,
                                 cipher=queue_runtime.cipher,
                                 local_repos=queue_runtime.settings.local_repos)  # fmt: skip
        exec_id = run_task(s, principal=principal, task_id=task.id, options=RunOptions(),
                           cipher=queue_runtime.cipher,
                           local_repos=queue_runtime.settings.local_repos).id  # fmt: skip
    assert queue_runtime.queue is not None
    queue_runtime.queue.enqueue(exec_id)
    deadline = time.monotonic() + 120
    while True:
        with unit_of_work(queue_runtime.sessions) as s:
            execution = s.get(Execution, exec_id)
            assert execution is not None
            if execution.status not in ("quering", "running"):
                break
        assert time.monotonic() < deadline, execution.status
        time.sleep(0.1)
    with unit_of_work(queue_runtime.sessions) as s:
        log = execution_states.log_texts(s, [exec_id])[exec_id]
    assert execution.status == "success", log
    assert execution.code_lines == 2
    assert execution.defect_count == 1  # the unused import
