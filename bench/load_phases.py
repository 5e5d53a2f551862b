"""What the load benchmark asks of the cluster: the task list's filter mix, and a burst of
check runs that must all complete."""

from __future__ import annotations

import random
import time
from collections import Counter
from datetime import UTC
from pathlib import Path
from urllib.parse import urlencode

from http_load import Request, load

from tests.distributed.cluster import Cluster
from tests.support import make_repo

RUN_DEADLINE_SECONDS = 1800.0  # the burst gives up waiting after this
OF_TASKS = "SELECT {} FROM executions WHERE task_id = ANY(:ids)"


def task_list_requests(project_ids: list[str], count: int = 400) -> list[Request]:
    """GET /v1/tasks as a dashboard and a pipeline ask for it: filters, pages and orders."""
    rng = random.Random(7)
    shapes = [
        lambda: {},
        lambda: {"project_id": rng.choice(project_ids)},
        lambda: {"project_id": rng.choice(project_ids), "order_by_execute_time": "down"},
        lambda: {"search": f"service-{rng.randrange(50_000)}"},
        lambda: {"job_status_types": "success", "page": rng.randrange(1, 20)},
        lambda: {"job_status_types": "failed,never_execute", "page_size": 50},
        lambda: {"review_result_types": "error", "order_by_execute_time": "up"},
        lambda: {"repo_url": f"https://git.example.com/team{rng.randrange(500)}/service-1.git"},
        lambda: {"branch": "develop", "page": rng.randrange(1, 100), "page_size": 20},
        lambda: {"project_id": rng.choice(project_ids), "job_status_types": "executing"},
    ]
    requests = []
    for n in range(count):
        query = urlencode(shapes[n % len(shapes)]())
        requests.append(Request("GET", "/v1/tasks" + (f"?{query}" if query else "")))
    return requests


def health_requests() -> list[Request]:
    return [Request("GET", "/health")]


def burst_of_runs(cluster: Cluster, runs: int, task_count: int) -> dict[str, object]:
    """`runs` run requests spread over `task_count` tasks of one small repository, sent at once
    against two workers; waits until every accepted execution ended."""
    repo = _small_repo(cluster.root / "repo")
    project = cluster.project()
    task_ids = [cluster.create_task(project, repo) for _ in range(task_count)]
    for name in ("worker-1", "worker-2"):
        cluster.start_worker(name, concurrency=1)
    requests = [Request("POST", f"/v2/tasks/{task_ids[n % task_count]}/run") for n in range(runs)]
    first = time.time()
    sent = load(cluster.api_port, requests, headers=cluster.headers, connections=8,
                limit=runs, seconds=300)  # fmt: skip
    accepted = [row[0] for row in cluster.sql(OF_TASKS.format("id"), ids=task_ids)]
    statuses = _wait_ended(cluster, accepted)
    last = cluster.sql(OF_TASKS.format("max(finished_at)"), ids=task_ids)[0][0]
    last_end = last.replace(tzinfo=last.tzinfo or UTC).timestamp() if last else float("nan")
    span = max(1e-3, last_end - first)
    figures = {
        "run_requests": sent.summary(),
        "accepted": len(accepted),
        "rejected_409": sent.statuses.get(409, 0),
        "ended": dict(Counter(statuses.values())),
        "unfinished": sum(1 for s in statuses.values() if s in ("quering", "running")),
        "seconds_to_last_end": round(span, 1),
        "checks_per_minute": round(len(accepted) / span * 60, 1),
    }
    print(f"{runs} run requests over {task_count} tasks, 2 workers (Celery, Redis):")
    print(f"  answers {figures['run_requests']['statuses']}; accepted {len(accepted)}, "  # type: ignore[index]
          f"ended {figures['ended']}, unfinished {figures['unfinished']}")  # fmt: skip
    print(f"  {figures['checks_per_minute']} checks per minute "
          f"({len(accepted)} in {span:.1f} s from the first request to the last end)")  # fmt: skip
    return figures


def _small_repo(path: Path) -> Path:
    body = "".join(f"def f{n}(a, b):\n    return a + b + {n}\n\n" for n in range(30))
    files = {f"pkg/m{n}.py": body for n in range(12)}
    files["pkg/__init__.py"] = "import os\n"
    return make_repo(path, files)


def _wait_ended(cluster: Cluster, ids: list[str]) -> dict[str, str]:
    deadline = time.monotonic() + RUN_DEADLINE_SECONDS
    while True:
        statuses = cluster.statuses(ids)
        active = [s for s in statuses.values() if s in ("quering", "running")]
        if not active or time.monotonic() > deadline:
            return statuses
        time.sleep(1.0)
