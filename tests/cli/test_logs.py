"""`opencheck serve` with OPENCHECK_LOG_FORMAT=json: JSON lines carrying both ids."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from tests.cli.test_cli import OPENCHECK, oc
from tests.support import free_port, make_repo

BAD_PY = "import os\n\n\ndef f(x):\n    return x == None\n"


def _wait_for_health(base: str, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(base + "/health").status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline and proc.poll() is None, "the server did not start"
        time.sleep(0.2)


def _check(base: str, token: str, project_id: str, repo: Path) -> tuple[str, str]:
    """Create a task, run it and wait; returns (the run request's id, the execution id)."""
    headers = {"X-Auth-Token": token}
    body = {"git_url": str(repo), "git_branch": "main", "language": ["python"]}
    r = httpx.post(f"{base}/v2/{project_id}/task", json=body, headers=headers)
    assert r.status_code == 200, r.text
    task_id = r.json()["task_id"]
    r = httpx.post(f"{base}/v2/tasks/{task_id}/run", headers=headers)
    assert r.status_code == 200, r.text
    request_id, exec_id = r.headers["X-Request-Id"], r.json()["exec_id"]
    deadline = time.monotonic() + 120
    while True:
        progress = httpx.get(f"{base}/v2/tasks/{task_id}/progress", headers=headers).json()
        if progress["task_status"] != 0:
            assert progress["task_status"] == 2, progress
            return request_id, exec_id
        assert time.monotonic() < deadline, progress
        time.sleep(0.2)


@pytest.mark.slow
def test_json_logs_carry_the_request_id_and_the_execution_id(tmp_path: Path) -> None:
    data, repo = tmp_path / "data", make_repo(tmp_path / "repo", {"app.py": BAD_PY})
    r = oc("admin", "create-user", "ops", "--password-stdin", data_dir=data, stdin="pw\n")
    assert r.returncode == 0, r.stderr
    project_id = oc("admin", "create-project", "Logs", data_dir=data).stdout.strip()
    assert oc("admin", "add-member", project_id, "ops", "owner", data_dir=data).returncode == 0
    token = oc("admin", "create-token", "ops", data_dir=data).stdout.strip()
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENCHECK_")}
    env.update(OPENCHECK_LOG_FORMAT="json", OPENCHECK_LOCAL_REPO_ROOTS=str(tmp_path))
    cmd = [*OPENCHECK, "serve", "--port", str(port), "--data-dir", str(data), "--workers", "1"]
    log = tmp_path / "serve.log"  # a file, not a pipe nobody reads while the check runs
    with log.open("w") as stderr:
        proc = subprocess.Popen(cmd, stderr=stderr, text=True, env=env)
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_for_health(base, proc)
            request_id, exec_id = _check(base, token, project_id, repo)
        finally:
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=30)

    lines = log.read_text().splitlines()
    records = [json.loads(line) for line in lines if line.startswith("{")]
    assert records and all({"time", "level", "logger", "message"} <= r.keys() for r in records)
    # The run request's own records: its access line, and the execution it queued.
    mine = [r for r in records if r["request_id"] == request_id]
    assert {"opencheck.access", "opencheck.executions"} <= {r["logger"] for r in mine}
    access = [r["message"] for r in mine if r["logger"] == "opencheck.access"]
    assert access and not any(request_id in message for message in access)  # once, as a field
    assert any(r["execution_id"] == exec_id for r in mine)
    # The worker's records of that execution carry its id, outside any request.
    worker = [r for r in records if r["execution_id"] == exec_id and r["request_id"] is None]
    assert [r["message"] for r in worker] == ["execution running", "execution success"]
