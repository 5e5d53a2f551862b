"""Storing 300,000 synthetic findings of one execution via `services.results.store`.

Runs on SQLite (temp data dir) and on PostgreSQL when reachable at 127.0.0.1:5432
(a fresh database, dropped afterwards). Usage: .venv/bin/python bench/store.py [--findings N]
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


def findings(n: int) -> list[Finding]:
    return [
        Finding(
            rule_id=f"ruff:E{i % 50:03d}",
            severity=SEVERITIES[i % 4],
            path=f"pkg{i % 40}/mod{i % 997}.py",
            line=i % 5000 + 1,
            column=i % 80,
            message=f"synthetic finding number {i}",
            code_line=f"value_{i} = compute({i})",
            fingerprint=f"{i:040x}",
            language="python",
        )
        for i in range(n)
    ]


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


def measure(settings: Settings, rows: list[Finding]) -> float:
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
            exec_id = run_task(
                s, principal=principal, task_id=task.id, options=RunOptions(),
                cipher=runtime.cipher, local_repos=repos,
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
    finally:
        runtime.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--findings", type=int, default=300_000)
    args = parser.parse_args()
    rows = findings(args.findings)
    with tempfile.TemporaryDirectory(prefix="opencheck-store-") as tmp:
        seconds = measure(Settings(data_dir=Path(tmp) / "data"), rows)
        print(f"sqlite      {args.findings} findings stored in {seconds:.2f} s"
              f" ({args.findings / seconds:,.0f}/s)")  # fmt: skip
        if reachable(PG_HOST, PG_PORT):
            with postgres_database() as url:
                settings = Settings(data_dir=Path(tmp) / "pg", database_url=url)
                seconds = measure(settings, rows)
            print(f"postgresql  {args.findings} findings stored in {seconds:.2f} s"
                  f" ({args.findings / seconds:,.0f}/s)")  # fmt: skip
        else:
            print(f"postgresql  skipped: nothing listening at {PG_HOST}:{PG_PORT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
