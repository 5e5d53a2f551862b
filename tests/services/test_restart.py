"""A restart runs what was queued and runs again what was interrupted, with the reason logged."""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import select

from opencheck.config import Settings
from opencheck.engine import clone_paths
from opencheck.runtime import Runtime
from opencheck.services import auth, execution_states, projects, tasks
from opencheck.services.executions import RunOptions, run_task
from opencheck.services.tasks import NewTask
from opencheck.store.db import unit_of_work
from opencheck.store.models import Execution
from tests.support import make_repo


def _wait_all(runtime: Runtime, ids: list[str], timeout: float = 120) -> dict[str, Execution]:
    deadline = time.monotonic() + timeout
    while True:
        with unit_of_work(runtime.sessions) as s:
            rows = {e.id: e for e in s.scalars(select(Execution).where(Execution.id.in_(ids)))}
        if all(e.status not in ("quering", "running") for e in rows.values()):
            return rows
        assert time.monotonic() < deadline, {k: v.status for k, v in rows.items()}
        time.sleep(0.1)


def test_restart_runs_queued_and_retries_interrupted(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"a.py": "import os\n"})
    settings = Settings(
        data_dir=tmp_path / "data", workers=1, poll_interval=0.1, local_repo_roots=(tmp_path,)
    )
    first = Runtime.build(settings)  # a service that dies before its workers pick anything up
    with unit_of_work(first.sessions) as s:
        user = auth.create_user(s, name="root", password="pw", is_admin=True)
        principal = auth.Principal(user.id, user.name, True)
        pid = projects.create_project(s, name="p").id
        ids = []
        for branch in ("main", "main"):
            new = NewTask(git_url=str(repo), git_branch=branch, languages=["python"])
            task = tasks.create_task(
                s, principal=principal, project_id=pid, new=new, cipher=first.cipher,
                local_repos=settings.local_repos,
            )  # fmt: skip
            ids.append(run_task(s, principal=principal, task_id=task.id, options=RunOptions(),
                                cipher=first.cipher, local_repos=settings.local_repos).id)  # fmt: skip
    with unit_of_work(first.sessions) as s:
        interrupted = s.get(Execution, ids[0])
        assert interrupted is not None
        interrupted.status = "running"  # it was running when the process died
    first.close()

    second = Runtime.build(settings)
    second.start_queue()
    try:
        done = _wait_all(second, ids)
    finally:
        second.close()
    assert done[ids[0]].status == "success"
    assert done[ids[0]].attempts == 1  # the interrupted run never claimed it with a lease
    with unit_of_work(second.sessions) as s:
        logs = execution_states.log_texts(s, ids)
    assert "[WARNING] The process running it stopped renewing its lease" in logs[ids[0]]
    assert "The check is queued again (attempt 1 of 2)" in logs[ids[0]]
    assert done[ids[1]].status == "success"
    assert done[ids[1]].code_lines == 1


def test_a_restart_discards_the_clones_no_task_uses(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"a.py": "import os\n"})
    settings = Settings(
        data_dir=tmp_path / "data", workers=1, poll_interval=0.1, local_repo_roots=(tmp_path,)
    )
    first = Runtime.build(settings)
    first.start_queue()
    with unit_of_work(first.sessions) as s:
        user = auth.create_user(s, name="root", password="pw", is_admin=True)
        principal = auth.Principal(user.id, user.name, True)
        pid = projects.create_project(s, name="p").id
        new = NewTask(git_url=str(repo), git_branch="main", languages=["python"])
        task = tasks.create_task(s, principal=principal, project_id=pid, new=new,
                                 cipher=first.cipher, local_repos=settings.local_repos)  # fmt: skip
        exec_id = run_task(s, principal=principal, task_id=task.id, options=RunOptions(),
                           cipher=first.cipher, local_repos=settings.local_repos).id  # fmt: skip
    try:
        assert _wait_all(first, [exec_id])[exec_id].status == "success"
    finally:
        first.close()
    used = clone_paths.clone_of(settings.cache_dir, str(repo), pid)
    assert used is not None and used.is_dir()
    # An older layout's clone (keyed by the URL alone) and a deleted project's.
    stale = [clone_paths.clone_of(settings.cache_dir, str(repo), ""), settings.cache_dir / "0a.git"]
    for path in stale:
        assert path is not None
        (path / "objects").mkdir(parents=True)
        path.with_suffix(".lock").touch()

    second = Runtime.build(settings)
    second.start_queue()
    second.close()
    assert used.is_dir() and used.with_suffix(".lock").exists()
    assert not any(path is not None and path.exists() for path in stale)
    assert not (settings.cache_dir / "0a.lock").exists()
