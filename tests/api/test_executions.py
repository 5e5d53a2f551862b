"""Run, progress, stop and results of real checks, through HTTP."""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from opencheck.engine.clone_paths import bare_clone_path
from tests.conftest import Api
from tests.support import commit

pytestmark = pytest.mark.slow

# A file with known ruff findings; EXPECTED lists (rule, line, severity code) for the default set.
BAD_PY = """\
import os
import subprocess


def run(cmd, items=[]):
    try:
        subprocess.call(cmd, shell=True)
    except:
        items.append(cmd)
    return eval(cmd)


def check(x):
    if x == None:
        return undefined_name
    unused = 1
    return x
"""
CLEAN_PY = '''\
"""A module without defects."""

# a comment line


def add(a: int, b: int) -> int:
    return a + b
'''
# critical F821; minor F401 B006 E722 F841; suggestion E711 and the S602, S307 hotspots
EXPECTED_COUNTS = (1, 0, 4, 3)
EXPECTED_SECURITY = 2  # S602, S307
EXPECTED_CODE_LINES = 16 + 1  # Python (docstrings count as code, as in tokei) + SQL


@pytest.fixture
def hanging_remote() -> Iterator[str]:
    """An HTTP 'git server' that accepts connections and never answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        sock.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
                held.append(conn)
            except OSError:
                continue

    t = threading.Thread(target=accept, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{sock.getsockname()[1]}/team/slow.git"
    stop.set()
    t.join()
    for c in held:
        c.close()
    sock.close()


def _processes_mentioning(fragment: str) -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as fh:
                    if fragment.encode() in fh.read():
                        pids.append(int(entry))
            except OSError:
                continue
    return pids


def test_full_check_of_a_real_repository(api: Api, repo_factory) -> None:  # type: ignore[no-untyped-def]
    repo: Path = repo_factory(
        {"pkg/bad.py": BAD_PY, "pkg/clean.py": CLEAN_PY, "db/schema.sql": "SELECT 1;\n"}
    )
    pid = api.project()
    tid = api.create_task(pid, git_url=str(repo), git_branch="main")
    exec_id = api.run(tid)
    assert re.fullmatch(r"[0-9a-f]{32}", exec_id)
    done = api.wait(tid, exec_id)
    assert done["task_status"] == 2, done
    assert done["progress"]["ratio"] == "100%"
    info = api.v1_task(tid, pid)
    job = info["lastJob"]
    result = info["jobResult"]
    assert job["status"] == "success" and job["jobType"] == "FULL"
    assert job["process"]["process"] == "100%"
    assert re.fullmatch(r"\d+m\d+s", job["process"]["executeTime"])
    warning = "[WARNING]  : Some languages in the code are not checked! Languages in code: [SQL], while in rules: [PYTHON]"
    assert warning in job["process"]["message"]
    assert result == job["jobResult"]
    assert (
        result["FATAL"],
        result["CRITICAL"],
        result["GENERAL"],
        result["PROMPT"],
    ) == EXPECTED_COUNTS
    assert result["defectCount"] == sum(EXPECTED_COUNTS)
    assert result["codeLine"] == EXPECTED_CODE_LINES
    assert result["fileTotal"] == 3
    assert result["reviewResult"] == "error"
    assert result["newUnsolvedDefectCount"] == sum(EXPECTED_COUNTS)
    assert result["securityDefectCount"] == EXPECTED_SECURITY
    assert info["lastJob"]["executor"] == api.admin.name

    # Fix some defects and check again: new/fixed come from fingerprints of the two runs.
    commit(
        repo,
        {"pkg/bad.py": BAD_PY.replace("import os\n", "").replace("    unused = 1\n", "")},
        "fix",
    )
    second = api.run(tid)
    assert api.wait(tid, second)["task_status"] == 2
    result2 = api.v1_task(tid, pid)["jobResult"]
    assert result2["defectCount"] == sum(EXPECTED_COUNTS) - 2
    assert result2["fixed"] == 2 and result2["newUnsolvedDefectCount"] == 0

    # A failed run leaves the earlier results intact.
    third = api.run(tid, git_url=str(repo) + "-missing")
    assert api.wait(tid, third)["task_status"] == 1
    info = api.v1_task(tid, pid)
    assert info["lastJob"]["status"] == "failed"
    assert info["jobResult"] == result2
    r = api.http.get(
        "/v1/tasks",
        params={"project_id": pid, "job_status_types": "failed"},
        headers=api.admin.headers,
    )
    assert [t["id"] for t in r.json()["result"]["info"]] == [tid]


def test_gate_passes_on_a_clean_repository(api: Api, repo_factory) -> None:  # type: ignore[no-untyped-def]
    repo = repo_factory({"clean.py": CLEAN_PY})
    pid = api.project()
    tid = api.create_task(pid, git_url=str(repo))
    assert api.wait(tid, api.run(tid))["task_status"] == 2
    result = api.v1_task(tid, pid)["jobResult"]
    assert result["reviewResult"] == "success" and result["defectCount"] == 0
    r = api.http.get(f"/v2/{pid}/tasks", headers=api.admin.headers)
    assert r.json()["tasks"][0]["last_check_time"].endswith("Z")


def test_unfetchable_repository_fails_with_a_reason_and_no_secret(api: Api, tmp_path: Path) -> None:
    pid = api.project()
    port = socket.socket()
    port.bind(("127.0.0.1", 0))
    closed = port.getsockname()[1]
    port.close()
    tid = api.create_task(pid, git_url=f"https://127.0.0.1:{closed}/team/repo.git",
                          username="robot", access_token="tok-SECRET-123")  # fmt: skip
    exec_id = api.run(tid)
    assert api.wait(tid, exec_id)["task_status"] == 1
    message = api.v1_task(tid, pid)["lastJob"]["process"]["message"]
    assert "[ERROR]" in message and "tok-SECRET-123" not in message
    missing = tmp_path / "nonexistent" / "repo"  # under the tests' local repository root
    tid2 = api.create_task(pid, git_url=str(missing))
    assert api.wait(tid2, api.run(tid2))["task_status"] == 1
    message = api.v1_task(tid2, pid)["lastJob"]["process"]["message"]
    assert str(missing) in message and "repository not found or not accessible" in message
    # Git's closing advice is not a reason, and a failed first fetch leaves no empty clone.
    assert "and the repository exists" not in message
    assert not bare_clone_path(api.runtime.settings.cache_dir, str(missing), pid).exists()


def test_one_check_at_a_time_and_stop(api: Api, hanging_remote: str) -> None:
    pid = api.project()
    tid = api.create_task(pid, git_url=hanging_remote)
    exec_id = api.run(tid)
    deadline = time.monotonic() + 60
    while not _processes_mentioning(hanging_remote):
        assert time.monotonic() < deadline, "git never started"
        time.sleep(0.1)
    r = api.http.post(f"/v2/tasks/{tid}/run", headers=api.admin.headers)
    assert r.status_code == 409
    assert r.json()["error_code"] == "CC.00050015" and exec_id in r.json()["error_msg"]
    progress = api.http.get(f"/v2/tasks/{tid}/progress", headers=api.admin.headers).json()
    assert progress["task_status"] == 0 and progress["progress"]["ratio"].endswith("%")
    r = api.http.post(f"/v2/tasks/{tid}/stop", headers=api.admin.headers)
    assert r.status_code == 200
    assert api.wait(tid, exec_id, timeout=30)["task_status"] == 3
    assert _processes_mentioning(hanging_remote) == []
    assert api.v1_task(tid, pid)["lastJob"]["status"] == "aborted"
    # Stopped, it can run again.
    assert api.http.post(f"/v2/tasks/{tid}/run", headers=api.admin.headers).status_code == 200
    api.http.post(f"/v2/tasks/{tid}/stop", headers=api.admin.headers)


def test_run_body_validation_and_unknown_ids(api: Api) -> None:
    pid = api.project()
    tid = api.create_task(pid)
    h = api.admin.headers
    r = api.http.post(f"/v2/tasks/{tid}/run", json={"ref": "sideways"}, headers=h)
    assert r.status_code == 400 and "ref" in r.json()["error_msg"]
    r = api.http.post(f"/v2/tasks/{tid}/run", json={"git_url": "ext::sh"}, headers=h)
    assert r.status_code == 400 and "git_url" in r.json()["error_msg"]
    r = api.http.post(
        f"/v2/tasks/{tid}/run", content=b"[1,", headers={**h, "Content-Type": "application/json"}
    )
    assert r.status_code == 400
    for method, path in (("POST", "/v2/tasks/{}/run"), ("POST", "/v2/tasks/{}/stop"),
                         ("GET", "/v2/tasks/{}/progress"), ("DELETE", "/v2/tasks/{}")):  # fmt: skip
        r = api.http.request(method, path.format("0" * 32), headers=h)
        assert r.status_code == 404, path
        r = api.http.request(method, path.format("bad id"), headers=h)
        assert r.status_code == 400, path
    r = api.http.get(f"/v2/tasks/{tid}/progress", headers=h)
    assert r.status_code == 404  # never executed
    # A merge request's ref on a task that names no merge request (test_incremental.py).
    r = api.http.post(f"/v2/tasks/{tid}/run", json={"ref": "pull"}, headers=h)
    assert r.status_code == 400 and "merge_id" in r.json()["error_msg"]
    r = api.http.post(f"/v2/tasks/{tid}/run", json={"unknown": 1}, headers=h)
    assert r.status_code == 200
    api.http.post(f"/v2/tasks/{tid}/stop", headers=h)


def test_include_paths_and_excludes_are_honoured(api: Api, repo_factory) -> None:  # type: ignore[no-untyped-def]
    repo = repo_factory({"pkg/bad.py": BAD_PY, "pkg/clean.py": CLEAN_PY, "tools/bad.py": BAD_PY})
    pid = api.project()
    excluded = api.create_task(pid, git_url=str(repo), exclude="pkg/bad.py,tools")
    included = api.create_task(pid, git_url=str(repo), include_paths="tools")
    for tid in (excluded, included):
        assert api.wait(tid, api.run(tid))["task_status"] == 2
    assert api.v1_task(excluded, pid)["jobResult"]["fileTotal"] == 1
    assert api.v1_task(excluded, pid)["jobResult"]["defectCount"] == 0
    result = api.v1_task(included, pid)["jobResult"]
    assert (result["fileTotal"], result["defectCount"]) == (1, sum(EXPECTED_COUNTS))
    assert api.v1_task(included, pid)["configTemplate"]["includePaths"] == "tools"
