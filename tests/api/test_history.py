"""A task's check history (checkrecord) and an execution's log (log-detail), through HTTP, on
real checks of a repository the test builds."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.api.test_defects import TIME
from tests.api.test_executions import BAD_PY, EXPECTED_COUNTS
from tests.conftest import Api, Caller
from tests.support import commit

pytestmark = pytest.mark.slow

# The second commit fixes the undefined name (F821, the only critical defect) and nothing else.
FIXED_PY = BAD_PY.replace("return undefined_name", "return None")
FIRST = dict(zip(("critical", "serious", "normal", "prompt"), EXPECTED_COUNTS, strict=True))
SECOND = FIRST | {"critical": 0}


def _get(api: Api, path: str, caller: Caller | None = None, **params: object) -> httpx.Response:
    return api.http.get(path, params=params, headers=(caller or api.admin).headers)


def _ok(r: httpx.Response) -> dict[str, Any]:
    assert r.status_code == 200, r.text
    return dict(r.json())


def _error(r: httpx.Response, status: int, code: str, names: str = "") -> None:
    assert r.status_code == status, r.text
    assert r.json()["error_code"] == code and names in r.json()["error_msg"], r.text


def _next_second() -> None:
    """Wire times have whole seconds: the next check starts in a later one."""
    time.sleep(1.05 - time.time() % 1)


def _two_checks(api: Api, repo_factory: Any) -> tuple[str, str, Path, list[str]]:
    """A task checked twice: BAD_PY, then with its critical defect fixed."""
    repo: Path = repo_factory({"pkg/bad.py": BAD_PY})
    pid = api.project()
    tid = api.create_task(pid, git_url=str(repo), git_branch="main")
    first = api.run(tid)
    assert api.wait(tid, first)["task_status"] == 2
    commit(repo, {"pkg/bad.py": FIXED_PY}, "fix the undefined name")
    _next_second()
    second = api.run(tid)
    assert api.wait(tid, second)["task_status"] == 2
    return pid, tid, repo, [first, second]


def test_checkrecord_counts_each_check_newest_first_in_a_window(api: Api, repo_factory) -> None:  # type: ignore[no-untyped-def]
    pid, tid, repo, _ = _two_checks(api, repo_factory)
    path = f"/v2/{pid}/tasks/{tid}/checkrecord"
    # A failed check has no results: it is not a record.
    failed = api.run(tid, git_url=str(repo) + "-missing")
    assert api.wait(tid, failed)["task_status"] == 1

    body = _ok(_get(api, path))
    assert set(body) == {"data", "total"} and body["total"] == 2
    assert [r["issue_counts"] for r in body["data"]] == [SECOND, FIRST]
    newest, oldest = body["data"]
    for record in body["data"]:
        assert set(record) == {"check_time", "check_end_time", "issue_counts"}
        assert TIME.fullmatch(record["check_time"]) and TIME.fullmatch(record["check_end_time"])
        assert record["check_time"] <= record["check_end_time"]
    assert oldest["check_time"] < newest["check_time"]

    # Paging: 0-based row offset, page size limit.
    page = _ok(_get(api, path, limit=1))
    assert page["total"] == 2 and [r["issue_counts"] for r in page["data"]] == [SECOND]
    page = _ok(_get(api, path, offset=1, limit=1))
    assert page["total"] == 2 and [r["issue_counts"] for r in page["data"]] == [FIRST]
    assert _ok(_get(api, path, offset=2)) == {"data": [], "total": 2}

    # The window is on the start time, both bounds included to the second.
    only_second = _ok(_get(api, path, start_time=newest["check_time"]))
    assert only_second == {"data": [newest], "total": 1}
    only_first = _ok(_get(api, path, end_time=oldest["check_time"]))
    assert only_first == {"data": [oldest], "total": 1}
    both = _ok(_get(api, path, start_time=oldest["check_time"], end_time=newest["check_time"]))
    assert both["total"] == 2
    future = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert _ok(_get(api, path, start_time=future, end_time=future)) == {"data": [], "total": 0}
    past = _ok(_get(api, path, start_time="2000-01-01T00:00:00Z", end_time="2001-01-01T00:00:00Z"))
    assert past == {"data": [], "total": 0}
    widest = _ok(
        _get(api, path, start_time="0001-01-01T00:00:00Z", end_time="9999-12-31T23:59:59Z")
    )
    assert widest == body


def test_checkrecord_counts_follow_triage(api: Api, repo_factory) -> None:  # type: ignore[no-untyped-def]
    pid, tid, _, _ = _two_checks(api, repo_factory)
    unused = next(d for d in api.defects(tid) if d["defect_checker_name"] == "ruff:F841")
    r = api.http.put(
        f"/v2/tasks/{tid}/defect-status",
        json={"defect_id": unused["defect_id"], "defect_status": "2"},
        headers=api.admin.headers,
    )
    assert r.status_code == 200, r.text
    # The ignored defect is the task's, so it stops counting in both checks that reported it.
    body = _ok(_get(api, f"/v2/{pid}/tasks/{tid}/checkrecord"))
    normal = FIRST["normal"] - 1
    assert [r["issue_counts"] for r in body["data"]] == [
        SECOND | {"normal": normal},
        FIRST | {"normal": normal},
    ]


def test_log_detail_has_the_lines_the_check_wrote(api: Api, repo_factory) -> None:  # type: ignore[no-untyped-def]
    pid, tid, repo, (first, second) = _two_checks(api, repo_factory)
    path = f"/v2/{pid}/tasks/{tid}/log-detail"
    latest = _ok(_get(api, path))
    assert latest == _ok(_get(api, path, execute_id=second))
    assert set(latest) == {"param_info", "log_info"}
    assert latest["param_info"] == {
        "url": str(repo),
        "branch": "main",
        "language": "Python",
        "exclude_dir": "",
        "encode": "UTF-8",
        "compile_config": "",
        "rule_template": "Python default rule set",
    }
    lines = latest["log_info"]
    assert all(set(e) == {"display_name", "log", "level", "analysis", "faq"} for e in lines)
    texts = [e["display_name"] for e in lines]
    assert texts[0] == f"Check queued by {api.admin.name}"
    assert texts[1].startswith("Running on server: ")
    stored = f"{sum(EXPECTED_COUNTS) - 1} defects stored (0 new, 1 fixed"
    assert f"{stored} since the last check)" in texts
    assert texts[-2:] == ["Quality gate passed", "all subJob finish!"]  # no critical left
    assert {e["level"] for e in lines} == {"INFO"}
    # Each entry's log is that line of the /v1 log text (seed 004's `message`).
    message = api.v1_task(tid, pid)["lastJob"]["process"]["message"]
    assert "".join(e["log"] + "\n" for e in lines) == message
    assert lines[0]["log"].endswith(f" GMT+00:00 Check queued by {api.admin.name}")

    earlier = [e["display_name"] for e in _ok(_get(api, path, execute_id=first))["log_info"]]
    stored = f"{sum(EXPECTED_COUNTS)} defects stored ({sum(EXPECTED_COUNTS)} new, 0 fixed"
    assert f"{stored} since the last check)" in earlier
    assert earlier[-2:] == ["Quality gate failed", "all subJob finish!"]

    # A failed check: its reason is an ERROR entry, and param_info names what it tried to fetch.
    failed = api.run(tid, git_url=str(repo) + "-missing")
    assert api.wait(tid, failed)["task_status"] == 1
    log = _ok(_get(api, path))
    assert log["param_info"]["url"] == str(repo) + "-missing"
    errors = [e for e in log["log_info"] if e["level"] == "ERROR"]
    assert errors and any("repository not found or not accessible" in e["log"] for e in errors)
    assert all("[ERROR] " in e["log"] for e in errors)


def test_history_permissions_and_bad_parameters(api: Api, repo_factory) -> None:  # type: ignore[no-untyped-def]
    owner, viewer, outsider = api.user(), api.user(), api.user()
    pid = api.project({"owner": owner, "viewer": viewer})
    other_pid = api.project({"owner": outsider})
    tid = api.create_task(pid, owner, git_url=str(repo_factory({"a.py": "x = 1\n"})))
    record, log = f"/v2/{pid}/tasks/{tid}/checkrecord", f"/v2/{pid}/tasks/{tid}/log-detail"
    # Never checked: no records, and no execution to show the log of.
    assert _ok(_get(api, record, viewer)) == {"data": [], "total": 0}
    _error(_get(api, log, viewer), 404, "CC.00050404")
    exec_id = api.run(tid, owner)
    assert api.wait(tid, exec_id)["task_status"] == 2
    assert _ok(_get(api, record, viewer))["total"] == 1
    assert _ok(_get(api, log, viewer, execute_id=exec_id))["log_info"]

    for path in (record, log):
        # Another tenant sees nothing, through either project's path (as the other task routes).
        _error(_get(api, path, outsider), 403, "CC.00050010")
        _error(_get(api, path.replace(pid, other_pid), outsider), 403, "CC.00050010")
        _error(_get(api, path.replace(pid, other_pid)), 404, "CC.00050404")  # not its project
        _error(_get(api, path.replace(pid, "0" * 32)), 404, "CC.00050013")
        _error(_get(api, path.replace(pid, "not-a-project")), 400, "CC.00050000", "project_id")
        _error(_get(api, path.replace(tid, "f" * 32)), 404, "CC.00050404")
        _error(_get(api, path.replace(tid, "bad")), 400, "CC.00050000", "task_id")
    r = _get(api, log, outsider, execute_id=exec_id)
    assert r.status_code == 403 and exec_id not in r.text

    _error(_get(api, log, execute_id="1" * 32), 404, "CC.00050404")
    _error(_get(api, log, execute_id="x"), 400, "CC.00050000", "execute_id")
    for params, name in (
        ({"limit": 0}, "limit"),
        ({"limit": 1001}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"offset": -1}, "offset"),
        ({"offset": 1_000_000}, "offset"),
        ({"start_time": "2026-11-30 20:00:00"}, "start_time"),
        ({"start_time": "2026-13-01T00:00:00Z"}, "start_time"),
        ({"start_time": "2026-1-1T0:0:0Z"}, "start_time"),
        ({"end_time": "1733000000"}, "end_time"),
        ({"end_time": ""}, "end_time"),
        ({"start_time": "2026-02-01T00:00:00Z", "end_time": "2026-01-01T00:00:00Z"}, "end_time"),
    ):
        _error(_get(api, record, **params), 400, "CC.00050000", name)
    assert len(_ok(_get(api, record, limit=1000, offset=999_999))["data"]) == 0
