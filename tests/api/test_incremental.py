"""Incremental checks through HTTP: merge requests by both `ref` kinds, one commit, everything
since the last passing check; only defects on changed lines are reported and counted, and an
incremental execution never fixes the task's defects."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import Api
from tests.support import commit, git

pytestmark = pytest.mark.slow

BASE = "import os\n\n\ndef load(text):\n    return eval(text)\n"
# The change adds one function with an undefined name (F821, critical) and leaves the rest.
CHANGED = BASE + "\n\ndef later():\n    return missing_name\n"


def _mr_repo(repo_factory: Any) -> tuple[Path, str, str]:
    """main with BASE; a request head (not a branch) that adds CHANGED's function."""
    repo: Path = repo_factory({"app.py": BASE})
    base = git(repo, "rev-parse", "HEAD")
    git(repo, "checkout", "-q", "-b", "feature")
    head = commit(repo, {"app.py": CHANGED}, "add later()")
    git(repo, "checkout", "-q", "main")
    git(repo, "branch", "-q", "-D", "feature")
    git(repo, "update-ref", "refs/pull/7/head", head)
    git(repo, "update-ref", "refs/merge-requests/8/head", head)
    return repo, base, head


def _rules(api: Api, task_id: str, job_id: str) -> list[tuple[str, int]]:
    r = api.http.get(
        f"/v2/tasks/{task_id}/defects-detail",
        params={"job_id": job_id, "limit": 100, "status_ids": "0,1,2"},
        headers=api.admin.headers,
    )
    assert r.status_code == 200, r.text
    return sorted((d["rule_name"], int(d["line_number"])) for d in r.json()["defects"])


def _progress(api: Api, task_id: str, job_id: str) -> dict[str, Any]:
    body = api.wait(task_id, job_id)
    assert body["task_status"] == 2, body
    return dict(body)


def _v1_job(api: Api, project_id: str, task_id: str) -> dict[str, Any]:
    task = api.v1_task(task_id, project_id)
    return dict(task["lastJob"])  # type: ignore[arg-type]


@pytest.mark.parametrize(("ref", "merge_id"), [("pull", "7"), ("merge_request", "8")])
def test_a_merge_request_check_reports_only_what_it_introduced(
    api: Api, repo_factory: Any, ref: str, merge_id: str
) -> None:
    repo, _, head = _mr_repo(repo_factory)
    pid = api.project()
    inc_config = {"merge_id": merge_id, "git_target_branch": "main"}
    tid = api.create_task(pid, git_url=str(repo), task_type="inc", inc_config=inc_config)
    job = api.run(tid, ref=ref)
    _progress(api, tid, job)
    found = _rules(api, tid, job)
    assert [line for _, line in found] == [9], found  # the eval on line 5 did not change
    log = api.http.get(f"/v2/{pid}/tasks/{tid}/log-detail", headers=api.admin.headers).json()
    texts = [entry["display_name"] for entry in log["log_info"]]
    assert any("1 files changed (4 lines, 0 renamed); only those are checked" in t for t in texts)
    assert f"Checked out commit {head}" in texts
    assert _v1_job(api, pid, tid)["jobType"] == "INC_GIT"


def test_incremental_checks_never_fix_and_gate_only_the_change(api: Api, repo_factory: Any) -> None:
    repo: Path = repo_factory({"app.py": BASE})
    pid = api.project()
    tid = api.create_task(pid, git_url=str(repo))
    full = api.run(tid)
    assert _progress(api, tid, full)
    before = [d["defect_id"] for d in api.defects(tid)]
    # One commit that adds a critical defect, checked alone: the old ones are not re-reported.
    change = commit(repo, {"app.py": CHANGED}, "add later()")
    one = api.run(tid, job_type="INC_COMMIT", commit_id=change)
    _progress(api, tid, one)
    assert [line for _, line in _rules(api, tid, one)] == [9]
    gate = api.http.get(f"/v2/tasks/{tid}/defects-summary", params={"job_id": one},
                        headers=api.admin.headers)  # fmt: skip
    assert gate.status_code == 200, gate.text
    # The task's latest full result is still the full check, its defects unfixed.
    assert [d["defect_id"] for d in api.defects(tid)] == before
    # Since the last check that passed the gate (the full one; INC_COMMIT failed it).
    commit(repo, {"README.md": "docs\n"}, "docs")
    since = api.run(tid, job_type="INC_LAST_SUCCESS_COMMIT")
    assert _progress(api, tid, since)["task_status"] == 2
    assert _rules(api, tid, since) == [("undefined-name", 9)]


def test_bad_incremental_runs_get_the_documented_error(api: Api, repo_factory: Any) -> None:
    repo, _, _ = _mr_repo(repo_factory)
    pid = api.project()
    full = api.create_task(pid, git_url=str(repo))

    def run(task_id: str, **body: object) -> httpx.Response:
        return api.http.post(f"/v2/tasks/{task_id}/run", json=body, headers=api.admin.headers)

    for body, named in (
        ({"ref": "pull"}, "merge_id"),
        ({"ref": "branch"}, "ref"),
        ({"ref": "pull", "merge_id": "seven"}, "merge_id"),
        ({"job_type": "PARTIAL"}, "job_type"),
        ({"job_type": "INC_COMMIT", "commit_id": "abc"}, "commit_id"),
        ({"job_type": "INC_LAST_SUCCESS_COMMIT"}, "gate"),
    ):
        r = run(full, **body)
        assert r.status_code == 400, (body, r.text)
        assert r.json()["error_code"] == "CC.00050000" and named in r.json()["error_msg"]
    bad = api.http.post(
        f"/v2/{pid}/task",
        json={"git_url": str(repo), "git_branch": "main", "language": ["python"],
              "task_type": "inc", "inc_config": {"merge_id": "seven"}},
        headers=api.admin.headers,
    )  # fmt: skip
    assert bad.status_code == 400 and "merge_id" in bad.json()["error_msg"], bad.text
    # A merge request the repository does not have: the check fails and says why.
    missing = api.create_task(pid, git_url=str(repo), task_type="inc",
                              inc_config={"merge_id": "99"})  # fmt: skip
    job = api.run(missing, ref="pull")
    assert api.wait(missing, job)["task_status"] == 1
    log = api.http.get(f"/v2/{pid}/tasks/{missing}/log-detail", headers=api.admin.headers).json()
    errors = [e["display_name"] for e in log["log_info"] if e["level"] == "ERROR"]
    assert errors and "pull request 99" in errors[0], errors


def test_a_child_task_shares_its_parents_configuration_and_triage(
    api: Api, repo_factory: Any
) -> None:
    repo, _, _ = _mr_repo(repo_factory)
    pid = api.project()
    parent = api.create_task(pid, git_url=str(repo))
    _progress(api, parent, api.run(parent))
    child = api.create_task(pid, git_url=str(repo), task_type="inc",
                            inc_config={"parent_task_id": parent, "merge_id": "7"})  # fmt: skip
    h = api.admin.headers
    # The parent's settings are the child's: a path the parent excludes is not checked.
    r = api.http.post(f"/v2/{pid}/tasks/{child}/settings", headers=h,
                      json={"task_advanced_settings": [{"key": "excludePaths", "value": "x"}]})  # fmt: skip
    assert r.status_code == 200
    shown = api.http.get(f"/v2/{pid}/tasks/{parent}/settings", headers=h).json()["info"]
    assert {i["key"]: i["value"] for i in shown}["excludePaths"] == "x"
    job = api.run(child, ref="pull")
    _progress(api, child, job)
    r = api.http.get(f"/v2/tasks/{child}/defects-detail", params={"job_id": job}, headers=h)
    [introduced] = r.json()["defects"]
    # Ignored in the merge request: still ignored when the parent's full check sees it.
    r = api.http.put(f"/v2/tasks/{child}/defect-status", headers=h,
                     json={"defect_id": introduced["defect_id"], "defect_status": "2"})  # fmt: skip
    assert r.status_code == 200, r.text
    git(repo, "update-ref", "refs/heads/main", git(repo, "rev-parse", "refs/pull/7/head"))
    _progress(api, parent, api.run(parent))
    after = {d["defect_id"]: d for d in api.defects(parent)}
    assert after[introduced["defect_id"]]["defect_status"] == "2"
    # A parent with incremental tasks is not deleted from under them.
    r = api.http.delete(f"/v2/tasks/{parent}", headers=h)
    assert r.status_code == 400 and "incremental" in r.json()["error_msg"]
    bad = api.http.post(f"/v2/{pid}/task", headers=h, json={
        "git_url": str(repo), "git_branch": "main", "language": ["python"], "task_type": "inc",
        "inc_config": {"parent_task_id": child}})  # fmt: skip
    assert bad.status_code == 400 and "parent_task_id" in bad.json()["error_msg"]


def test_a_run_may_name_its_merge_request(api: Api, repo_factory: Any) -> None:
    repo, _, _ = _mr_repo(repo_factory)
    pid = api.project()
    tid = api.create_task(pid, git_url=str(repo))  # a full task: no merge_id of its own
    job = api.run(tid, ref="merge_request", merge_id="8")
    _progress(api, tid, job)
    assert [line for _, line in _rules(api, tid, job)] == [9]
    assert _v1_job(api, pid, tid)["jobType"] == "INC_GIT"
