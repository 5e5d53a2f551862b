"""Metrics summary and path tree of a checked task, through HTTP."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pytest

from opencheck.api.schemas.v2_metrics import NOT_COMPUTED
from tests.api.test_defects import TIME
from tests.api.test_executions import BAD_PY, CLEAN_PY
from tests.conftest import Api
from tests.support import make_repo

pytestmark = pytest.mark.slow

TOP_KEYS = {
    "task_id",
    "task_name",
    "creator_id",
    "git_url",
    "git_branch",
    "last_check_time",
    "last_exec_time",
    "check_type",
    "created_at",
    "metric_info",
}
COMPUTED = {
    # BAD_PY: 13 code + 4 blank lines, twice; CLEAN_PY: 3 code, 1 comment, 3 blank.
    "code_size": "29",
    "raw_lines": "41",
    "files_total": "3",
    "folders_total": "2",  # pkg, pkg/sub
    "lines_per_file": "13.67",
    "redundant_code_total": "0",
    "redundant_code_kloc": "0.00",
    # Every file parsed and was checked by every analyser.
    "checked_code_lines": "29",
    "unchecked_code_lines": "0",
    "unchecked_files_total": "0",
    # run() and check() of BAD_PY twice, add() of CLEAN_PY: complexity 2, 2, 2, 2, 1.
    "methods_total": "5",
    "cyclomatic_complexity_total": "9",
    "cyclomatic_complexity_per_method": "1.80",
    "maximum_cyclomatic_complexity": "2",
    "huge_cyclomatic_complexity_total": "0",
    "huge_cyclomatic_complexity_ratio": "0.00%",
    "cca_cyclomatic_complexity_total": "9",
    "cca_cyclomatic_complexity_per_method": "1.80",
    "maximum_cca_cyclomatic_complexity": "2",
    "huge_cca_cyclomatic_complexity_total": "0",
    "cyclomatic_complexity_adequacy": "100.00%",
    "maximum_depth": "1",
    "huge_depth_total": "0",
    "huge_depth_ratio": "0.00%",
    "method_lines": "24",  # (6 + 5) * 2 + 2
    "lines_per_method": "4.80",
    "huge_method_total": "0",
    "huge_method_ratio": "0.00%",
    "huge_headerfile_total": "0",
    "huge_headerfile_ratio": "0.00%",
    "huge_non_headerfile_total": "0",
    "huge_non_headerfile_ratio": "0.00%",
    "huge_folder_total": "0",
    "huge_folder_ratio": "0.00%",
    # bad.py and sub/worse.py are the same 17 lines (13 significant ones: one block each).
    "file_duplication_total": "2",
    "file_duplication_ratio": "66.67%",
    "non_hfile_duplication_total": "2",
    "non_hfile_duplication_ratio": "66.67%",
    "code_duplication_total": "2",
    "code_duplication_ratio": "82.93%",  # 34 of 41 lines
    "non_hfile_code_duplication_total": "34",
    "non_hfile_code_duplication_ratio": "82.93%",
}


@dataclass
class Checked:
    project_id: str
    task_id: str
    exec_id: str


@pytest.fixture(scope="module")
def checked(api: Api, tmp_path_factory: pytest.TempPathFactory) -> Checked:
    files = {"pkg/bad.py": BAD_PY, "pkg/clean.py": CLEAN_PY, "pkg/sub/worse.py": BAD_PY}
    repo = make_repo(tmp_path_factory.mktemp("metrics") / "repo", files)
    pid = api.project()
    tid = api.create_task(pid, git_url=str(repo), git_branch="main")
    exec_id = api.run(tid)
    assert api.wait(tid, exec_id)["task_status"] == 2
    return Checked(pid, tid, exec_id)


def _get(  # type: ignore[no-untyped-def]
    api: Api,
    project_id: str,
    task_id: str,
    what: str,
    headers: dict[str, str] | None = None,
    **params: Any,
):
    return api.http.get(
        f"/v2/{project_id}/tasks/{task_id}/{what}",
        params=params,
        headers=api.admin.headers if headers is None else headers,
    )


def _ok(api: Api, checked: Checked, what: str, **params: Any) -> dict[str, Any]:
    r = _get(api, checked.project_id, checked.task_id, what, **params)
    assert r.status_code == 200, r.text
    return dict(r.json())


def test_metrics_summary_keys_types_and_values(api: Api, checked: Checked) -> None:
    body = _ok(api, checked, "metrics-summary")
    assert set(body) == TOP_KEYS
    assert all(isinstance(body[k], str) for k in TOP_KEYS - {"metric_info"})
    assert body["task_id"] == checked.task_id
    assert body["git_branch"] == "main" and body["check_type"] == "source"
    for key in ("last_check_time", "last_exec_time", "created_at"):
        assert TIME.fullmatch(body[key]), (key, body[key])
    info = body["metric_info"]
    assert set(info) == set(COMPUTED) | set(NOT_COMPUTED)
    assert all(type(v) is str for v in info.values())
    assert {k: info[k] for k in COMPUTED} == COMPUTED
    assert all(info[k] == "0" for k in NOT_COMPUTED)
    assert _ok(api, checked, "metrics-summary", job_id=checked.exec_id) == body


def test_path_tree_lists_every_checked_file(api: Api, checked: Checked) -> None:
    root = _ok(api, checked, "listpathtree")
    assert root == {
        "info": [
            {
                "file_name": "pkg",
                "file_path": "pkg",
                "is_leaf": False,
                "checkbox_status": "unchecked",
                "code_role": "main",
                "unchecked_reason": None,
            }
        ],
        "total": 1,
    }
    pkg = _ok(api, checked, "listpathtree", current_path="pkg")
    assert [(n["file_name"], n["file_path"], n["is_leaf"]) for n in pkg["info"]] == [
        ("sub", "pkg/sub", False),
        ("bad.py", "pkg/bad.py", True),
        ("clean.py", "pkg/clean.py", True),  # checked, without a defect
    ]
    assert pkg["total"] == 3
    assert _ok(api, checked, "listpathtree", current_path="/pkg/sub/") == {
        "info": [
            {
                "file_name": "worse.py",
                "file_path": "pkg/sub/worse.py",
                "is_leaf": True,
                "checkbox_status": "unchecked",
                "code_role": "main",
                "unchecked_reason": None,
            }
        ],
        "total": 1,
    }
    page = _ok(api, checked, "listpathtree", current_path="pkg", offset=1, limit=1)
    assert [n["file_name"] for n in page["info"]] == ["bad.py"] and page["total"] == 3
    assert _ok(api, checked, "listpathtree", current_path="pkg/bad.py") == {"info": [], "total": 0}
    assert _ok(api, checked, "listpathtree", current_path="nowhere") == {"info": [], "total": 0}


@pytest.mark.parametrize(
    "params", [{"offset": "-1"}, {"limit": "0"}, {"limit": "1001"}, {"limit": "x"}]
)
def test_path_tree_bad_parameters_are_400(
    api: Api, checked: Checked, params: dict[str, str]
) -> None:
    r = _get(api, checked.project_id, checked.task_id, "listpathtree", **params)
    assert r.status_code == 400, r.text
    assert r.json()["error_code"] == "CC.00050000"
    assert next(iter(params)) in r.json()["error_msg"]


@pytest.mark.parametrize("what", ["metrics-summary", "listpathtree"])
def test_project_task_and_permission_errors(api: Api, checked: Checked, what: str) -> None:
    pid, tid = checked.project_id, checked.task_id
    malformed = _get(api, "not-a-project", tid, what)
    assert malformed.status_code == 400, malformed.text
    assert malformed.json()["error_code"] == "CC.00050000"
    assert "project_id" in malformed.json()["error_msg"]
    unknown_project = _get(api, uuid.uuid4().hex, tid, what)
    assert unknown_project.status_code == 404, unknown_project.text
    assert unknown_project.json()["error_code"] == "CC.00050013"
    other_project = _get(api, api.project(), tid, what)
    assert other_project.status_code == 404, other_project.text
    assert other_project.json()["error_code"] == "CC.00050404"
    unknown_task = _get(api, pid, uuid.uuid4().hex, what)
    assert unknown_task.status_code == 404, unknown_task.text
    assert unknown_task.json()["error_code"] == "CC.00050404"
    assert _get(api, pid, "bad-task", what).status_code == 400
    never_pid = api.project()
    never = _get(api, never_pid, api.create_task(never_pid), what)
    assert never.status_code == 404, never.text
    assert "no successful execution" in never.json()["error_msg"]
    assert _get(api, pid, tid, what, job_id=uuid.uuid4().hex).status_code == 404
    assert _get(api, pid, tid, what, job_id="nope").status_code == 400
    outsider = _get(api, pid, tid, what, headers=api.user().headers)
    assert outsider.status_code == 403, outsider.text
    assert outsider.json()["error_code"] == "CC.00050010"
    assert _get(api, pid, tid, what, headers={}).status_code == 401
