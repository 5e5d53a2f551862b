"""A real check through the queue stores the wall and CPU seconds of every step it took."""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import select

from opencheck.config import Settings
from opencheck.runtime import Runtime
from opencheck.services import auth, projects, results, tasks
from opencheck.services.executions import RunOptions, run_task
from opencheck.services.tasks import NewTask
from opencheck.store.db import unit_of_work
from opencheck.store.models import Execution
from tests.support import make_repo

FILES = {
    "app/main.py": "import os\n\n\ndef load(text):\n    return eval(text)\n",
    "app/util.py": "def add(a, b):\n    if a:\n        return a + b\n    return b\n",
    "web/index.js": "var x = 1;\ndebugger;\n",
    "docs/logo.png": "not really a picture\n",  # left out of the checkout by its name
}
ENGINE_STEPS = ["fetch", "lock", "checkout", "inventory", "line counting", "analysis", "metrics"]
SERVICE_STEPS = ["queue", "preparing", "findings", "cleanup", "storing", "matching", "gate"]


def _check(runtime: Runtime, repo: Path) -> str:
    with unit_of_work(runtime.sessions) as s:
        user = auth.create_user(s, name="root", password="pw", is_admin=True)
        principal = auth.Principal(user.id, user.name, True)
        pid = projects.create_project(s, name="p").id
        new = NewTask(git_url=str(repo), git_branch="main", languages=["python", "javascript"])
        local = runtime.settings.local_repos
        task = tasks.create_task(s, principal=principal, project_id=pid, new=new,
                                 cipher=runtime.cipher, local_repos=local)  # fmt: skip
        return run_task(s, principal=principal, task_id=task.id, options=RunOptions(),
                        cipher=runtime.cipher, local_repos=local).id  # fmt: skip


def _wait(runtime: Runtime, exec_id: str, timeout: float = 120) -> str:
    deadline = time.monotonic() + timeout
    while True:
        with unit_of_work(runtime.sessions) as s:
            status = s.scalar(select(Execution.status).where(Execution.id == exec_id))
        if status not in ("quering", "running"):
            return str(status)
        assert time.monotonic() < deadline, status
        time.sleep(0.05)


def test_a_check_stores_every_step_with_wall_and_cpu_seconds(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", FILES)
    settings = Settings(
        data_dir=tmp_path / "data", workers=1, poll_interval=0.05, local_repo_roots=(tmp_path,)
    )
    runtime = Runtime.build(settings)
    try:
        exec_id = _check(runtime, repo)
        runtime.start_queue()
        assert _wait(runtime, exec_id) == "success"
        with unit_of_work(runtime.sessions) as s:
            steps = results.step_times(s, exec_id)
    finally:
        runtime.close()
    names = [step.step for step in steps]
    assert set(ENGINE_STEPS + SERVICE_STEPS) <= set(names)
    assert len(names) == len(set(names))
    assert names[0] == "queue"
    assert names.index("fetch") < names.index("checkout") < names.index("inventory")
    assert names.index("analysis") < names.index("storing") < names.index("gate")
    # One step per analyser that ran, each with its child processes' CPU.
    analysers = {name for name in names if name.startswith("analyser ")}
    assert {"analyser ruff", "analyser oxlint"} <= analysers
    for step in steps:
        assert step.wall >= 0 and step.cpu >= 0 and step.child_cpu >= 0, step
    by_name = {step.step: step for step in steps}
    for name in ("fetch", "checkout", "analyser ruff", "analyser oxlint", "metrics"):
        assert by_name[name].child_cpu > 0, name  # git, the analysers, the metrics child
