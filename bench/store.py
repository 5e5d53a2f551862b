"""Storing 300,000 synthetic findings via `services.results.store`: a task's first execution
(the reference), then a second one matched against it (1% of the defects fixed, 1% new, 5%
found again only by their loose identity after an edit beside them).

Runs on SQLite (temp data dir) and on PostgreSQL when reachable at 127.0.0.1:5432 (a fresh
database, dropped afterwards); prints seconds and the ratio second/first, and writes the
figures to bench/results/store-<UTC time>.json.
Usage: .venv/bin/python bench/store.py [--findings N]
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from outputs import write_figures

from opencheck.config import Settings
from opencheck.domain.executions import ExecutionStatus
from opencheck.domain.findings import Finding
from opencheck.domain.severity import Severity
from opencheck.engine.loc import LanguageStats
from opencheck.engine.pipeline import ScanResult
from opencheck.runtime import Runtime
from opencheck.services import auth, execution_states, projects, results, tasks
from opencheck.services.executions import RunOptions, run_task
from opencheck.services.tasks import NewTask
from opencheck.store.db import unit_of_work

PG_HOST = os.environ.get("OPENCHECK_TEST_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("OPENCHECK_TEST_PG_PORT", "5432"))
PG_USER = os.environ.get("OPENCHECK_TEST_PG_USER", "postgres")
SEVERITIES = (Severity.CRITICAL, Severity.MAJOR, Severity.MINOR, Severity.SUGGESTION)


def findings(n: int, edited: bool = False) -> list[Finding]:
    """`n` findings; `edited`: the next execution's (1% gone, 1% new, 5% edited beside them)."""
    rows = []
    for i in range(n + n // 100 if edited else n):
        if edited and i % 100 == 7:
            continue  # fixed
        moved = edited and i % 20 == 3  # the strict fingerprint changed, not the line key
        rows.append(
            Finding(
                rule_id=f"ruff:E{i % 50:03d}",
                severity=SEVERITIES[i % 4],
                path=f"pkg{i % 40}/mod{i % 997}.py",
                line=i % 5000 + 1 + (3 if edited else 0),
                column=i % 80,
                message=f"synthetic finding number {i}",
                code_line=f"value_{i} = compute({i})",
                fingerprint=f"v2:{i:040x}" + ("m" if moved else ""),
                language="python",
                line_key=f"{i:064x}",
            )
        )
    return rows


def reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


@contextmanager
def postgres_database() -> Iterator[str]:
    import psycopg

    name = f"opencheck_bench_{uuid.uuid4().hex[:12]}"
    admin = f"host={PG_HOST} port={PG_PORT} user={PG_USER} dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def measure(settings: Settings, executions: list[list[Finding]]) -> list[float]:
    """Seconds to store each list of findings as the next execution of one task."""
    runtime = Runtime.build(settings)
    try:
        with unit_of_work(runtime.sessions) as s:
            user = auth.create_user(s, name="bench", password="pw", is_admin=True)
            principal = auth.Principal(user.id, user.name, True)
            pid = projects.create_project(s, name="bench").id
            new = NewTask(git_url="https://example.com/r.git", git_branch="main",
                          languages=["python"])  # fmt: skip
            repos = settings.local_repos
            task = tasks.create_task(s, principal=principal, project_id=pid, new=new,
                                     cipher=runtime.cipher, local_repos=repos)  # fmt: skip
        return [_store_one(runtime, settings, principal, task.id, rows) for rows in executions]
    finally:
        runtime.close()


def _store_one(
    runtime: Runtime,
    settings: Settings,
    principal: auth.Principal,
    task_id: str,
    rows: list[Finding],
) -> float:
    with unit_of_work(runtime.sessions) as s:
        exec_id = run_task(
            s, principal=principal, task_id=task_id, options=RunOptions(),
            cipher=runtime.cipher, local_repos=settings.local_repos,
        ).id  # fmt: skip
        # Results are stored for a running execution only, as a worker would.
        execution_states.move(s, exec_id, ExecutionStatus.RUNNING, "bench")
    result = ScanResult(
        commit="0" * 40,
        languages={"python": LanguageStats(files=997, code=1_000_000, comments=0, blanks=0)},
        findings=rows,
        partial=False,
        failed_analyzers=[],
        skipped={},
    )
    start = time.perf_counter()
    with unit_of_work(runtime.sessions) as s:
        results.store(s, execution_id=exec_id, result=result)
    return time.perf_counter() - start


def _report(database: str, n: int, seconds: list[float]) -> dict[str, object]:
    first, second = seconds
    print(f"{database:<11} first execution: {n} findings stored in {first:.2f} s"
          f" ({n / first:,.0f}/s)")  # fmt: skip
    print(f"{database:<11} second execution: {n} matched against {n} and stored in"
          f" {second:.2f} s (ratio second/first {second / first:.2f})")  # fmt: skip
    return {"database": database, "findings": n, "first_s": round(first, 3),
            "second_s": round(second, 3), "ratio": round(second / first, 3)}  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--findings", type=int, default=300_000)
    args = parser.parse_args()
    runs = [findings(args.findings), findings(args.findings, edited=True)]
    figures = []
    with tempfile.TemporaryDirectory(prefix="opencheck-store-") as tmp:
        seconds = measure(Settings(data_dir=Path(tmp) / "data"), runs)
        figures.append(_report("sqlite", args.findings, seconds))
        if reachable(PG_HOST, PG_PORT):
            with postgres_database() as url:
                settings = Settings(data_dir=Path(tmp) / "pg", database_url=url)
                figures.append(_report("postgresql", args.findings, measure(settings, runs)))
        else:
            print(f"postgresql  skipped: nothing listening at {PG_HOST}:{PG_PORT}")
    write_figures("store", figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
