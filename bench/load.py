"""Load on the distributed mode: the task list under 50,000 tasks, and a burst of check runs.

1. A fresh PostgreSQL database gets 50,000 tasks (bench/load_seed.py); `opencheck serve
   --no-workers --processes 2` serves it on loopback. `GET /health` is loaded first as the
   reference (what the HTTP stack costs with no database work), then `GET /v1/tasks` with a mix
   of filters; p50/p95/p99 latency and requests per second are printed for both, with ratios.
2. 100 tasks on a small local repository and two `opencheck worker --queue celery` processes
   (Redis): 1,000 run requests over those tasks; every accepted execution must complete; the
   checks per minute are printed.

Bounded in requests and seconds, loopback only. Figures go to bench/results/load-<time>.json.
Usage: .venv/bin/python bench/load.py [--tasks N] [--requests N] [--runs N] [--processes N]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the cluster of tests/distributed

from http_load import load
from load_phases import burst_of_runs, health_requests, task_list_requests
from load_seed import seed
from outputs import print_targets, write_figures
from store import PG_HOST, PG_PORT, postgres_database, reachable

from opencheck.config import Settings
from opencheck.runtime import Runtime
from tests.distributed.cluster import Cluster, cluster

REDIS = "redis://127.0.0.1:6379/0"


def _print(name: str, summary: dict[str, object]) -> None:
    print(
        f"  {name:<24} {summary['requests']:>6} requests in {summary['seconds']:>6.2f} s: "
        f"{summary['requests_per_second']:>7.1f}/s  p50 {summary['p50_ms']:>6.2f} ms  "
        f"p95 {summary['p95_ms']:>6.2f} ms  p99 {summary['p99_ms']:>6.2f} ms  "
        f"statuses {summary['statuses']}"
    )


def task_list_phase(cluster: Cluster, args: argparse.Namespace, project_ids: list[str]) -> dict:
    headers = cluster.headers
    bounds = {"connections": args.connections, "limit": args.requests, "seconds": args.seconds}
    mix = task_list_requests(project_ids)
    load(
        cluster.api_port, mix[:50], headers=headers, connections=4, limit=500, seconds=30
    )  # warm-up
    health = load(cluster.api_port, health_requests(), headers=headers, **bounds).summary()
    tasks = load(cluster.api_port, mix, headers=headers, **bounds).summary()
    print(f"GET /v1/tasks over {args.tasks:,} tasks, API on {args.processes} processes, "
          f"{args.connections} connections:")  # fmt: skip
    _print("GET /health (reference)", health)
    _print("GET /v1/tasks (filters)", tasks)
    ratio_p95 = tasks["p95_ms"] / health["p95_ms"]  # type: ignore[operator]
    ratio_rps = tasks["requests_per_second"] / health["requests_per_second"]  # type: ignore[operator]
    print(f"  ratio tasks/health: p95 {ratio_p95:.2f}, requests per second {ratio_rps:.2f}")
    return {"health": health, "tasks": tasks, "ratio_p95": round(ratio_p95, 3),
            "ratio_rps": round(ratio_rps, 3)}  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tasks", type=int, default=50_000)
    parser.add_argument("--projects", type=int, default=100)
    parser.add_argument("--processes", type=int, default=2, help="API processes")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--requests", type=int, default=20_000, help="most requests a phase")
    parser.add_argument("--seconds", type=float, default=30.0, help="most seconds a phase")
    parser.add_argument("--runs", type=int, default=1_000, help="run requests in the burst")
    parser.add_argument("--run-tasks", type=int, default=100)
    parser.add_argument("--skip-runs", action="store_true", help="the task list phase only")
    args = parser.parse_args()
    if not (reachable(PG_HOST, PG_PORT) and reachable("127.0.0.1", 6379)):
        print("PostgreSQL at 127.0.0.1:5432 and Redis at 127.0.0.1:6379 are needed")
        return 2
    figures: dict[str, object] = {"tasks": args.tasks, "processes": args.processes}
    with tempfile.TemporaryDirectory(prefix="opencheck-load-") as tmp, postgres_database() as url:
        root = Path(tmp)
        runtime = Runtime.build(Settings(data_dir=root / "seed", database_url=url))
        try:
            seeded = seed(runtime, task_count=args.tasks, project_count=args.projects)
        finally:
            runtime.close()
        print(f"seeded {args.tasks:,} tasks in {seeded.seconds:.1f} s")
        with cluster(root, url, REDIS) as api:
            api.start_api(processes=args.processes)
            figures["task_list"] = task_list_phase(api, args, seeded.project_ids)
            if not args.skip_runs:
                figures["runs"] = burst_of_runs(api, args.runs, args.run_tasks)
    tasks = figures["task_list"]["tasks"]  # type: ignore[index]
    targets = {
        "GET /v1/tasks p95 <= 25 ms": tasks["p95_ms"] <= 25,
        "GET /v1/tasks >= 500 requests/s": tasks["requests_per_second"] >= 500,
    }
    if "runs" in figures:
        runs = figures["runs"]
        targets["every accepted execution completed"] = runs["unfinished"] == 0  # type: ignore[index]
    print_targets(targets)
    figures["targets"] = targets
    print(f"figures: {write_figures('load', figures)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
