"""Fills a database for the load benchmark: projects, tasks made by the service's own
`create_task`, and finished executions with their logs for most of the tasks.

Tasks go through the service (templates, rule sets, URL keys as a user's would get); the
executions and their log lines are written in bulk, shaped like those a check leaves.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import insert, update
from sqlalchemy.orm import Session

from opencheck.domain.executions import ExecutionStatus
from opencheck.runtime import Runtime
from opencheck.services import auth, projects, task_counts, tasks
from opencheck.services.tasks import NewTask
from opencheck.store.db import unit_of_work
from opencheck.store.models import Execution, ExecutionLog, Task, new_id, utcnow

BRANCHES = ("main", "master", "develop", "release-2.1")
LOG_LINES = (
    "Queued by bench",
    "Fetching {url} ({branch})",
    "Checked out {sha}",
    "Languages: Python 812 files, JavaScript 41 files",
    "ruff: 812 files in 2 batches",
    "semgrep-rules: 853 files",
    "Measured 93,514 code lines",
    "Stored 148 defects (3 new, 5 fixed)",
    "Quality gate: {review}",
    "Finished in 7 s",
)


@dataclass
class Seeded:
    token: str
    project_ids: list[str]
    task_ids: list[str]
    seconds: float


def seed(runtime: Runtime, *, task_count: int, project_count: int, batch: int = 500) -> Seeded:
    """`task_count` tasks over `project_count` projects; 70% of them with executions."""
    start = time.perf_counter()
    rng = random.Random(20261201)
    with unit_of_work(runtime.sessions) as s:
        user = auth.create_user(s, name="bench", password="bench-password", is_admin=True)
        token, _ = auth.issue_token(s, user=user, ttl=timedelta(days=1))
        principal = auth.Principal(user.id, user.name, True)
        project_ids = [
            projects.create_project(s, name=f"team-{i}").id for i in range(project_count)
        ]
    task_ids: list[str] = []
    for first in range(0, task_count, batch):
        with unit_of_work(runtime.sessions) as s:
            for i in range(first, min(task_count, first + batch)):
                branch = BRANCHES[i % len(BRANCHES)]
                new = NewTask(
                    git_url=f"https://git.example.com/team{i % 500}/service-{i}.git",
                    git_branch=branch,
                    task_name=f"service-{i}-{branch}",
                    languages=["python"],
                )
                task = tasks.create_task(
                    s,
                    principal=principal,
                    project_id=project_ids[i % project_count],
                    new=new,
                    cipher=runtime.cipher,
                    local_repos=runtime.settings.local_repos,
                )
                task_ids.append(task.id)
        with unit_of_work(runtime.sessions) as s:
            _executions(s, task_ids[first:], rng)
    _merge_counts(runtime)
    _vacuum(runtime)
    return Seeded(token, project_ids, task_ids, time.perf_counter() - start)


def _merge_counts(runtime: Runtime) -> None:
    """What the services' upkeep does to the task list's counts within its first rounds."""
    while True:
        with unit_of_work(runtime.sessions) as s:
            if not task_counts.merge(s):
                return


def _vacuum(runtime: Runtime) -> None:
    """What autovacuum does to a table that grew over months: fresh statistics and a visibility
    map (index-only counts), here right after the bulk load instead of minutes later."""
    if runtime.db.dialect.name != "postgresql":
        return
    with runtime.db.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")


def _executions(session: Session, task_ids: list[str], rng: random.Random) -> None:
    """One or two finished executions for 70% of the tasks, the latest with its log."""
    executions, logs, pointers = [], [], []
    now = utcnow()
    for task_id in task_ids:
        if rng.random() >= 0.7:
            continue
        copies: dict[str, object] = {}
        first_run = now - timedelta(minutes=rng.randrange(60, 60 * 24 * 30))
        for n in range(rng.choice((1, 2))):
            status = rng.choices(
                (ExecutionStatus.SUCCESS, ExecutionStatus.FAILED, ExecutionStatus.ABORTED),
                weights=(85, 10, 5),
            )[0]
            review = rng.choice(("success", "success", "error"))
            started = first_run + timedelta(minutes=30 * n)  # the second is the latest
            last = new_id()
            executions.append(
                {
                    "id": last,
                    "task_id": task_id,
                    "job_type": "full",
                    "status": status.value,
                    "progress": 100,
                    "executor": "bench",
                    "git_url": "https://git.example.com/r.git",
                    "git_branch": "main",
                    "commit_sha": f"{rng.getrandbits(160):040x}",
                    "review_result": review if status == ExecutionStatus.SUCCESS else None,
                    "major_count": rng.randrange(50),
                    "minor_count": rng.randrange(200),
                    "code_lines": rng.randrange(1000, 200_000),
                    "created_at": started,
                    "started_at": started,
                    "finished_at": started + timedelta(seconds=7),
                }
            )
            # What services.task_list_columns keeps on the task when a check runs.
            copies.update(last_execution_id=last, last_status=status.value,
                          last_executed_at=started)  # fmt: skip
            if status == ExecutionStatus.SUCCESS:
                copies.update(last_result_execution_id=last, result_review=review)
        values = {
            "url": "https://git.example.com/r.git",
            "branch": "main",
            "sha": "0" * 40,
            "review": "passed",
        }
        logs += [
            {"execution_id": last, "at": now, "level": "INFO", "text": line.format(**values)}
            for line in LOG_LINES
        ]
        pointers.append((task_id, copies))
    session.execute(insert(Execution), executions)
    session.execute(insert(ExecutionLog), logs)
    for task_id, copies in pointers:
        session.execute(update(Task).where(Task.id == task_id).values(**copies))
