"""The load benchmark's own parts: its HTTP client against a real server, its percentiles, and a
small run of the whole benchmark (tasks seeded, API on two processes, a burst of runs)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from http_load import LoadResult, Request, load
from load_seed import seed
from sqlalchemy import select

from opencheck.api.app import create_app
from opencheck.config import Settings
from opencheck.runtime import Runtime
from opencheck.store.db import unit_of_work
from opencheck.store.models import Execution, Task
from tests.support import LiveServer, need_service

BENCH = Path(__file__).resolve().parents[2] / "bench"


def test_percentiles_are_nearest_rank() -> None:
    result = LoadResult(latencies=[i / 1000 for i in range(1, 101)], seconds=2.0)
    assert result.percentile(50) == 0.050 and result.percentile(95) == 0.095
    assert result.percentile(99) == 0.099 and result.per_second == 50.0


def test_the_client_counts_every_answer_on_keep_alive_connections(tmp_path: Path) -> None:
    runtime = Runtime.build(Settings(data_dir=tmp_path))
    requests = [Request("GET", "/health"), Request("GET", "/v1/tasks")]
    try:
        with LiveServer(create_app(runtime, start_queue=False)) as server:
            result = load(server.port, requests, headers={}, connections=3, limit=60, seconds=60)
    finally:
        runtime.close()
    assert result.requests == 60 and result.errors == 0
    assert result.statuses == {200: 30, 401: 30}  # the task list needs a token
    with pytest.raises(ValueError, match="loopback"):
        load(80, requests, headers={}, connections=1, limit=1, seconds=1, host="example.com")


def test_the_seed_keeps_the_task_list_copies_as_the_service_does(tmp_path: Path) -> None:
    runtime = Runtime.build(Settings(data_dir=tmp_path))
    try:
        seeded = seed(runtime, task_count=60, project_count=3, batch=25)
        with unit_of_work(runtime.sessions) as s:
            tasks = s.scalars(select(Task)).all()
            executions = {e.id: e for e in s.scalars(select(Execution))}
            for task in tasks:
                last = executions.get(task.last_execution_id or "")
                result = executions.get(task.last_result_execution_id or "")
                assert task.last_status == (last.status if last else None)
                assert task.last_executed_at == (last.started_at if last else None)
                assert task.result_review == (result.review_result if result else None)
                mine = [e for e in executions.values() if e.task_id == task.id]
                assert last is None or last.started_at == max(e.started_at for e in mine)  # type: ignore[type-var]
    finally:
        runtime.close()
    assert len(seeded.task_ids) == 60 and len(tasks) == 60
    assert 0 < sum(1 for t in tasks if t.last_status) < 60


@pytest.mark.slow
@pytest.mark.services
def test_a_small_load_run_prints_and_writes_its_figures() -> None:
    need_service("PostgreSQL", "127.0.0.1", 5432)
    need_service("Redis", "127.0.0.1", 6379)
    args = ["--tasks", "300", "--projects", "3", "--requests", "300", "--seconds", "10",
            "--runs", "12", "--run-tasks", "4"]  # fmt: skip
    out = subprocess.run([sys.executable, str(BENCH / "load.py"), *args], capture_output=True,
                         text=True, timeout=600)  # fmt: skip
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    assert "GET /v1/tasks (filters)" in out.stdout and "checks per minute" in out.stdout
    written = Path(out.stdout.rsplit("figures: ", 1)[1].strip())
    figures = json.loads(written.read_text())
    written.unlink()
    tasks = figures["task_list"]["tasks"]
    assert tasks["statuses"] == {"200": tasks["requests"]} and tasks["errors"] == 0
    runs = figures["runs"]
    assert runs["unfinished"] == 0 and runs["accepted"] >= 4
    assert runs["accepted"] + runs["rejected_409"] == 12  # one execution at a time per task
    assert set(runs["ended"]) == {"success"}
