"""Defects of a checked task: detail page, statistic and summary, through HTTP."""

from __future__ import annotations

import re
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from opencheck.engine.clone_paths import bare_clone_path
from opencheck.store.db import unit_of_work
from opencheck.store.models import DefectTriage, Execution, Task, TaskDefect
from tests.api.test_executions import BAD_PY, CLEAN_PY
from tests.conftest import Api
from tests.support import make_repo

pytestmark = pytest.mark.slow

# (rule, line, severity code) of BAD_PY under the default rules, in the endpoint's order.
# The shell=True call (S602) and eval (S307) are security hotspots, graded suggestion.
EXPECTED = [
    ("ruff:F821", 15, "0"),
    ("ruff:F401", 1, "2"),
    ("ruff:B006", 5, "2"),
    ("ruff:E722", 8, "2"),
    ("ruff:F841", 16, "2"),
    ("ruff:S602", 7, "3"),
    ("ruff:S307", 10, "3"),
    ("ruff:E711", 14, "3"),
]
TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")

DEFECT_KEYS = {
    "defect_id",
    "defect_checker_name",
    "defect_status",
    "ignore_reason",
    "is_hotspot",
    "rule_system_tags",
    "rule_name",
    "line_number",
    "defect_content",
    "defect_level",
    "file_path",
    "created_at",
    "issue_key",
    "fragment",
    "events",
}
EVENT_KEYS = {
    "events",
    "description",
    "fix_suggestions",
    "line",
    "end_line",
    "code_context_start_line",
    "main",
    "path",
    "tag",
    "main_buggy_code",
    "code_context",
}
SUMMARY_TYPES: dict[str, type] = {
    "task_id": str,
    "task_name": str,
    "creator_id": str,
    "git_url": str,
    "git_branch": str,
    "last_check_time": str,
    "code_line_total": int,
    "code_line": int,
    "code_quality": float,
    "issue_count": int,
    "risk_coefficient": float,
    "duplication_ratio": str,
    "complexity_count": int,
    "duplicated_lines": int,
    "comment_lines": int,
    "comment_ratio": str,
    "duplicated_blocks": int,
    "last_exec_time": str,
    "check_type": str,
    "created_at": str,
    "cyclomatic_complexity_per_method": str,
    "cyclomatic_complexity_per_file": str,
    "critical_count": str,
    "major_count": str,
    "minor_count": str,
    "suggestion_count": str,
    "info_count": str,
    "is_access": str,
    "trigger_type": str,
    "file_duplication_ratio": str,
}


@dataclass
class Checked:
    project_id: str
    task_id: str
    exec_id: str


def _check(api: Api, root: Any) -> Checked:
    repo = make_repo(root, {"pkg/bad.py": BAD_PY, "pkg/clean.py": CLEAN_PY})
    pid = api.project()
    tid = api.create_task(pid, git_url=str(repo), git_branch="main")
    exec_id = api.run(tid)
    assert api.wait(tid, exec_id)["task_status"] == 2
    return Checked(pid, tid, exec_id)


@pytest.fixture(scope="module")
def checked(api: Api, tmp_path_factory: pytest.TempPathFactory) -> Checked:
    return _check(api, tmp_path_factory.mktemp("defects") / "repo")


def _get(api: Api, task_id: str, what: str, headers: dict[str, str] | None = None, **params: Any):  # type: ignore[no-untyped-def]
    return api.http.get(
        f"/v2/tasks/{task_id}/{what}",
        params=params,
        headers=api.admin.headers if headers is None else headers,
    )


def _detail(api: Api, task_id: str, **params: Any) -> dict[str, Any]:
    r = _get(api, task_id, "defects-detail", **params)
    assert r.status_code == 200, r.text
    return dict(r.json())


def test_detail_lists_every_defect_in_order_with_the_wire_keys(api: Api, checked: Checked) -> None:
    body = _detail(api, checked.task_id, limit=200)
    assert body["total"] == len(EXPECTED)
    got = [
        (d["defect_checker_name"], int(d["line_number"]), d["defect_level"])
        for d in body["defects"]
    ]
    assert got == EXPECTED
    lines = BAD_PY.splitlines()
    ids = set()
    for d in body["defects"]:
        assert set(d) == DEFECT_KEYS
        assert all(
            isinstance(d[k], str) for k in DEFECT_KEYS - {"fragment", "events", "ignore_reason"}
        )
        assert d["ignore_reason"] is None
        assert d["defect_id"].isdigit()
        ids.add(d["defect_id"])
        assert d["defect_status"] == "0"
        assert d["file_path"] == "pkg/bad.py"
        assert TIME.fullmatch(d["created_at"])
        assert d["issue_key"] and d["defect_content"] and d["rule_name"]
        number = int(d["line_number"])
        line = lines[number - 1]
        # Two lines before and after the defect, read back from the checked commit.
        around = range(max(1, number - 2), min(len(lines), number + 2) + 1)
        assert [f["line_num"] for f in d["fragment"]] == [str(n) for n in around]
        assert [f["line_content"] for f in d["fragment"]] == [lines[n - 1] for n in around]
        assert [f["end_offset"] for f in d["fragment"]] == [len(lines[n - 1]) for n in around]
        [main] = [f for f in d["fragment"] if f["line_num"] == d["line_number"]]
        assert isinstance(main["start_offset"], int) and main["start_offset"] >= 1
        [event] = d["events"]
        assert set(event) == EVENT_KEYS
        assert event["main"] is True and event["tag"] == "main" and event["events"] == []
        assert event["line"] == event["end_line"] == event["code_context_start_line"]
        assert event["line"] == int(d["line_number"])
        assert event["path"] == d["file_path"]
        assert event["description"] == d["defect_content"]
        assert event["main_buggy_code"] == event["code_context"] == line
        assert event["fix_suggestions"] == []
    assert len(ids) == len(EXPECTED)
    security = next(d for d in body["defects"] if d["defect_checker_name"] == "ruff:S602")
    assert "security" in security["rule_system_tags"].split(",")


def test_detail_paging(api: Api, checked: Checked) -> None:
    first = _detail(api, checked.task_id)
    assert first["total"] == 8 and len(first["defects"]) == 8  # default limit 10
    page = _detail(api, checked.task_id, offset=3, limit=2)
    assert page["total"] == 8
    assert [d["defect_checker_name"] for d in page["defects"]] == ["ruff:E722", "ruff:F841"]
    last = _detail(api, checked.task_id, offset=7, limit=5)
    assert [d["defect_checker_name"] for d in last["defects"]] == ["ruff:E711"]
    assert _detail(api, checked.task_id, offset=8) == {"defects": [], "total": 8}
    assert _detail(api, checked.task_id, offset=999999, limit=200) == {"defects": [], "total": 8}
    assert len(_detail(api, checked.task_id, limit=1)["defects"]) == 1


def test_detail_filters(api: Api, checked: Checked) -> None:
    critical = _detail(api, checked.task_id, severity="0")
    assert critical["total"] == 1
    assert {d["defect_level"] for d in critical["defects"]} == {"0"}
    two = _detail(api, checked.task_id, severity="0,3")
    assert [d["defect_checker_name"] for d in two["defects"]] == [
        "ruff:F821",
        "ruff:S602",
        "ruff:S307",
        "ruff:E711",
    ]
    assert _detail(api, checked.task_id, severity="1")["total"] == 0
    assert _detail(api, checked.task_id, severity="2", status_ids="0")["total"] == 4
    assert _detail(api, checked.task_id, status_ids="1") == {"defects": [], "total": 0}
    assert _detail(api, checked.task_id, status_ids="1,2") == {"defects": [], "total": 0}
    assert _detail(api, checked.task_id, status_ids="0,1,2")["total"] == 8
    named = _detail(api, checked.task_id, job_id=checked.exec_id, limit=200)
    assert named == _detail(api, checked.task_id, limit=200)


@pytest.mark.parametrize(
    "params",
    [
        {"offset": "-1"},
        {"offset": "1000000"},
        {"offset": "x"},
        {"limit": "0"},
        {"limit": "201"},
        {"limit": "ten"},
        {"severity": "5"},
        {"severity": "0,critical"},
        {"status_ids": "3"},
        {"status_ids": "0,,9"},
        {"job_id": "not-an-id"},
    ],
)
def test_detail_bad_parameters_are_400(api: Api, checked: Checked, params: dict[str, str]) -> None:
    r = _get(api, checked.task_id, "defects-detail", **params)
    assert r.status_code == 400, r.text
    assert r.json()["error_code"] == "CC.00050000"
    assert next(iter(params)) in r.json()["error_msg"]


@pytest.mark.parametrize("what", ["defects-detail", "defects-statistic", "defects-summary"])
def test_unknown_unchecked_and_forbidden(api: Api, checked: Checked, what: str) -> None:
    unknown = _get(api, uuid.uuid4().hex, what)
    assert unknown.status_code == 404, unknown.text
    assert unknown.json()["error_code"] == "CC.00050404"
    never = api.create_task(api.project())
    r = _get(api, never, what)
    assert r.status_code == 404, r.text
    assert "no successful execution" in r.json()["error_msg"]
    missing_job = _get(api, checked.task_id, what, job_id=uuid.uuid4().hex)
    assert missing_job.status_code == 404, missing_job.text
    outsider = api.user()
    r = _get(api, checked.task_id, what, headers=outsider.headers)
    assert r.status_code == 403, r.text
    assert r.json()["error_code"] == "CC.00050010"
    assert _get(api, checked.task_id, what, headers={}).status_code == 401


def test_statistic_counts(api: Api, checked: Checked) -> None:
    r = _get(api, checked.task_id, "defects-statistic")
    assert r.status_code == 200, r.text
    assert r.json() == {
        "severity": {"critical": 1, "major": 0, "minor": 4, "suggestion": 3, "info": 0},
        "status": {"unresolved": 8, "resolved": 0, "dismissed": 0},
    }
    named = _get(api, checked.task_id, "defects-statistic", job_id=checked.exec_id)
    assert named.json() == r.json()


def test_summary_types_and_counts(api: Api, checked: Checked) -> None:
    r = _get(api, checked.task_id, "defects-summary")
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == set(SUMMARY_TYPES)
    for key, kind in SUMMARY_TYPES.items():
        assert type(body[key]) is kind, (key, body[key])
    assert body["task_id"] == checked.task_id
    assert body["git_branch"] == "main"
    # BAD_PY: 13 code, 4 blank; CLEAN_PY: 3 code (docstring counts), 1 comment, 3 blank.
    assert body["code_line"] == 16
    assert body["code_line_total"] == 24
    assert body["comment_lines"] == 1
    assert body["comment_ratio"] == "5.88%"  # 1 / (16 + 1)
    assert body["issue_count"] == 8
    severities = ("critical_count", "major_count", "minor_count", "suggestion_count", "info_count")
    assert [body[k] for k in severities] == ["1", "0", "4", "3", "0"]
    assert body["is_access"] == "error"  # default gate: critical <= 0 fails
    assert body["check_type"] == "source" and body["trigger_type"] == "manual"
    for key in ("last_check_time", "last_exec_time", "created_at"):
        assert TIME.fullmatch(body[key]), key
    assert body["code_quality"] == 0.0 and body["risk_coefficient"] == 0.0
    # run() 2, check() 2, add() 1; no block of ten lines is repeated.
    assert body["complexity_count"] == 5
    assert body["cyclomatic_complexity_per_method"] == "1.67"
    assert body["cyclomatic_complexity_per_file"] == "2.50"
    assert body["duplicated_lines"] == body["duplicated_blocks"] == 0
    assert body["duplication_ratio"] == body["file_duplication_ratio"] == "0.00%"
    named = _get(api, checked.task_id, "defects-summary", job_id=checked.exec_id)
    assert named.json() == body


def _set_status(api: Api, task_id: str, ids: list[str], status: str, **extra: Any) -> Any:
    body = {"defect_id": ",".join(ids), "defect_status": status, **extra}
    return api.http.put(f"/v2/tasks/{task_id}/defect-status", json=body, headers=api.admin.headers)


def _ids_of(api: Api, task_id: str, *rules: str) -> list[str]:
    listed = _detail(api, task_id, limit=200, status_ids="0,1,2")["defects"]
    return [d["defect_id"] for d in listed if d["defect_checker_name"] in rules]


def test_statuses_after_triage(api: Api, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Resolved and ignored defects leave the default page and the severity counts."""
    own = _check(api, tmp_path / "repo")
    before = api.v1_task(own.task_id, own.project_id)["lastJob"]["jobResult"]
    for rules, status in ((("ruff:S602",), "1"), (("ruff:E711", "ruff:F401"), "2")):
        r = _set_status(api, own.task_id, _ids_of(api, own.task_id, *rules), status,
                        reason="reviewed")  # fmt: skip
        assert r.status_code == 200 and r.json() is None, r.text
    stat = _get(api, own.task_id, "defects-statistic").json()
    assert stat == {
        "severity": {"critical": 1, "major": 0, "minor": 3, "suggestion": 1, "info": 0},
        "status": {"unresolved": 5, "resolved": 1, "dismissed": 2},
    }
    assert _detail(api, own.task_id)["total"] == 5
    resolved = _detail(api, own.task_id, status_ids="1")
    assert [(d["defect_checker_name"], d["defect_status"]) for d in resolved["defects"]] == [
        ("ruff:S602", "1")
    ]
    ignored = _detail(api, own.task_id, status_ids="2")
    assert [d["defect_checker_name"] for d in ignored["defects"]] == ["ruff:F401", "ruff:E711"]
    assert _detail(api, own.task_id, status_ids="1,2", severity="3")["total"] == 2
    summary = _get(api, own.task_id, "defects-summary").json()
    assert summary["issue_count"] == 5
    assert summary["critical_count"] == "1" and summary["suggestion_count"] == "1"
    after = api.v1_task(own.task_id, own.project_id)["lastJob"]["jobResult"]
    assert after["defectCount"] == before["defectCount"] - 3 == 5
    assert (before["dismissed"], after["dismissed"]) == (0, 2)
    # Triage follows the defect into the next execution; a resolved one reported again is
    # unresolved again, which its history says.
    api.wait(own.task_id, api.run(own.task_id))
    again = _get(api, own.task_id, "defects-statistic").json()
    assert again["status"] == {"unresolved": 6, "resolved": 0, "dismissed": 2}
    with unit_of_work(api.runtime.sessions) as s:
        history = s.execute(
            select(DefectTriage.user_name, DefectTriage.from_status, DefectTriage.to_status,
                   DefectTriage.reason)
            .join(TaskDefect, TaskDefect.id == DefectTriage.defect_id)
            .where(TaskDefect.task_id == own.task_id)
            .order_by(DefectTriage.id)
        ).all()  # fmt: skip
    admin = api.admin.name
    assert [tuple(row)[:3] for row in history] == [
        (admin, 0, 1), (admin, 0, 2), (admin, 0, 2), ("OpenCheck", 1, 0)]  # fmt: skip
    assert history[0][3] == "reviewed" and history[3][3].startswith("reported again by")


def test_bad_triage_is_refused(api: Api, checked: Checked, tmp_path: Path) -> None:
    (some,) = _ids_of(api, checked.task_id, "ruff:F821")
    other = _check(api, tmp_path / "other-repo")
    for ids, status, code in (
        ([some], "5", 400), (["x1"], "1", 400), (["999999999"], "1", 404),
        ([some], "1", None),
    ):  # fmt: skip
        target = other.task_id if code is None else checked.task_id
        r = _set_status(api, target, ids, status)
        assert r.status_code == (code or 404), r.text  # another task's defect is unknown there
    viewer = api.user()
    pid = api.project({"viewer": viewer})
    tid = api.create_task(pid)
    r = api.http.put(f"/v2/tasks/{tid}/defect-status", json={"defect_id": "1",
                     "defect_status": "1"}, headers=viewer.headers)  # fmt: skip
    assert r.status_code == 403, r.text


def test_fragment_is_the_stored_line_once_the_clone_is_gone(api: Api, tmp_path: Path) -> None:
    own = _check(api, tmp_path / "repo")
    with unit_of_work(api.runtime.sessions) as s:
        execution = s.get(Execution, own.exec_id)
        assert execution is not None
        url = execution.git_url
        task = s.get(Task, execution.task_id)
        assert task is not None
        scope = task.project_id
    shutil.rmtree(bare_clone_path(api.runtime.settings.cache_dir, url, scope))
    body = _detail(api, own.task_id, limit=200)
    assert body["total"] == len(EXPECTED)
    lines = BAD_PY.splitlines()
    for d in body["defects"]:
        [fragment] = d["fragment"]
        assert fragment["line_num"] == d["line_number"]
        assert fragment["line_content"] == lines[int(d["line_number"]) - 1]
