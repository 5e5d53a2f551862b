"""The JobQueue conformance test: every backend carries a queued execution to a real check on a
worker of its pool, and only there; the API side runs no checks of its own."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest

from opencheck.config import Settings
from opencheck.queue.base import JobQueue
from opencheck.queue.celery_app import CeleryWorker
from opencheck.queue.embedded import EmbeddedQueue
from opencheck.queue.factory import make_worker
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
StartWorker = Callable[[str], AbstractContextManager[None]]


@pytest.fixture(params=sorted(BROKERS))
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Runtime, StartWorker]]:
    """The API's runtime with its queue (no workers), and a way to start a worker of a pool."""
    broker = BROKERS[request.param]
    settings = Settings(
        data_dir=tmp_path / "api",
        workers=1,
        poll_interval=0.1,
        local_repo_roots=(tmp_path,),
        run_workers=False,
        secret_key="conformance-secret",
    )
    if broker is not None:
        name, host, port, url = broker
        need_service(name, host, port)
        settings = settings.with_overrides(
            queue_backend="celery", broker_url=url, queue_prefix=f"test{uuid.uuid4().hex[:8]}"
        )
    api = Runtime.build(settings)
    api.start_queue()

    @contextmanager
    def start_worker(pool: str) -> Iterator[None]:
        own = settings.with_overrides(
            data_dir=tmp_path / f"worker-{pool}", pool=pool, database_url=settings.db_url
        )
        runtime = Runtime.build(own, upgrade=False)
        consumer = make_worker(own, runtime.check_context)
        try:
            if isinstance(consumer, EmbeddedQueue):
                consumer.start()
                try:
                    yield
                finally:
                    consumer.shutdown()
                return
            assert isinstance(consumer, CeleryWorker)
            from celery.contrib.testing.worker import start_worker as celery_worker

            consumer.start_upkeep()
            with celery_worker(consumer.app, pool="threads", concurrency=1,
                               perform_ping_check=False, shutdown_timeout=30,
                               queues=[consumer.queue]):  # fmt: skip
                yield
            consumer.stop()
        finally:
            runtime.close()

    yield api, start_worker
    api.close()


def _queue_check(runtime: Runtime, repo: Path, pool: str = "") -> str:
    with unit_of_work(runtime.sessions) as s:
        user = auth.create_user(s, name=f"root{pool}", password="pw", is_admin=True)
        principal = auth.Principal(user.id, user.name, True)
        pid = projects.create_project(s, name=f"p{pool}").id
        new = tasks.NewTask(git_url=str(repo), git_branch="main", languages=["python"],
                            resource_pool_id=pool)  # fmt: skip
        task = tasks.create_task(s, principal=principal, project_id=pid, new=new,
                                 cipher=runtime.cipher,
                                 local_repos=runtime.settings.local_repos)  # fmt: skip
        execution = run_task(s, principal=principal, task_id=task.id, options=RunOptions(),
                             cipher=runtime.cipher, local_repos=runtime.settings.local_repos,
                             live_within=5.0)  # fmt: skip
        exec_id, exec_pool = execution.id, execution.pool
    assert runtime.queue is not None
    runtime.queue.enqueue(exec_id, exec_pool)
    return exec_id


def _status(runtime: Runtime, exec_id: str) -> Execution:
    with unit_of_work(runtime.sessions) as s:
        execution = s.get(Execution, exec_id)
        assert execution is not None
        return execution


def _wait(runtime: Runtime, exec_id: str, timeout: float = 120) -> Execution:
    deadline = time.monotonic() + timeout
    while (execution := _status(runtime, exec_id)).status in ("quering", "running"):
        assert time.monotonic() < deadline, execution.status
        time.sleep(0.1)
    return execution


def test_queue_carries_an_execution_to_a_real_check(
    world: tuple[Runtime, StartWorker], tmp_path: Path
) -> None:
    runtime, start_worker = world
    assert isinstance(runtime.queue, JobQueue)
    repo = make_repo(tmp_path / "repo", {"m.py": "import os\n\nx = 1\n"})
    exec_id = _queue_check(runtime, repo)
    time.sleep(0.5)
    assert _status(runtime, exec_id).status == "quering"  # the API alone runs nothing
    with start_worker("default"):
        execution = _wait(runtime, exec_id)
    with unit_of_work(runtime.sessions) as s:
        log = execution_states.log_texts(s, [exec_id])[exec_id]
    assert execution.status == "success", log
    assert "No live worker serves pool 'default'" in log
    assert execution.code_lines == 2
    assert execution.defect_count == 1  # the unused import
    assert execution.worker and execution.arch in ("x86", "Arm")
    assert (execution.attempts == 1 and execution.lease_until is None) or execution.lease_until


def test_an_execution_waits_for_a_worker_of_its_pool(
    world: tuple[Runtime, StartWorker], tmp_path: Path
) -> None:
    runtime, start_worker = world
    repo = make_repo(tmp_path / "repo", {"m.py": "import os\n"})
    exec_id = _queue_check(runtime, repo, pool="gpu-agents")
    with start_worker("default"):
        time.sleep(2)
        assert _status(runtime, exec_id).status == "quering"
    with start_worker("gpu-agents"):
        execution = _wait(runtime, exec_id)
    assert execution.status == "success"
    assert execution.pool == "gpu-agents"
