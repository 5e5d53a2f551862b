"""Info is the fifth severity level on the wire: filters, statistic, summaries, /v1 jobResult."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.api.test_executions import BAD_PY, CLEAN_PY
from tests.conftest import Api
from tests.support import make_repo

pytestmark = pytest.mark.slow

# C#'s NotImplementedException: info, as Sonar grades it (S3717). Kotlin's todo-call was the example
# until it left the default set.
INFO_CS = "class Later { int F() { throw new NotImplementedException(); } }\n"
INFO_RULE = "oc-csharp:not-implemented"
# `is` with a literal (F632): a major bug.
MAJOR_PY = 'def same(x):\n    return x is "a"\n'
# BAD_PY gives critical 1, minor 4, suggestion 3 (see test_defects.EXPECTED).
FIVE_LEVELS = {"critical": 1, "major": 1, "minor": 4, "suggestion": 3, "info": 1}


@dataclass
class Checked:
    project_id: str
    task_id: str


def _check(api: Api, root: Any, files: dict[str, str]) -> Checked:
    repo = make_repo(root, files)
    pid = api.project()
    tid = api.create_task(pid, git_url=str(repo), git_branch="main", language=["python", "csharp"])
    exec_id = api.run(tid)
    assert api.wait(tid, exec_id)["task_status"] == 2
    return Checked(pid, tid)


@pytest.fixture(scope="module")
def five(api: Api, tmp_path_factory: pytest.TempPathFactory) -> Checked:
    """A check with findings at all five levels: BAD_PY, a major and an info finding."""
    files = {
        "pkg/bad.py": BAD_PY,
        "pkg/clean.py": CLEAN_PY,
        "pkg/same.py": MAJOR_PY,
        "src/Later.cs": INFO_CS,
    }
    return _check(api, tmp_path_factory.mktemp("five") / "repo", files)


def _get(api: Api, task_id: str, what: str, **params: Any) -> dict[str, Any]:
    r = api.http.get(f"/v2/tasks/{task_id}/{what}", params=params, headers=api.admin.headers)
    assert r.status_code == 200, r.text
    return dict(r.json())


def test_severity_4_filters_the_info_defects(api: Api, five: Checked) -> None:
    info = _get(api, five.task_id, "defects-detail", severity="4")
    assert info["total"] == 1
    [defect] = info["defects"]
    assert (defect["defect_checker_name"], defect["defect_level"]) == (INFO_RULE, "4")
    assert defect["file_path"] == "src/Later.cs" and defect["line_number"] == "1"
    mixed = _get(api, five.task_id, "defects-detail", severity="3,4", limit=200)
    assert [d["defect_level"] for d in mixed["defects"]] == ["3", "3", "3", "4"]  # worst first
    every = _get(api, five.task_id, "defects-detail", severity="0,1,2,3,4", limit=200)
    assert every["total"] == sum(FIVE_LEVELS.values())
    assert every == _get(api, five.task_id, "defects-detail", limit=200)


def test_severity_5_is_still_refused(api: Api, five: Checked) -> None:
    r = api.http.get(
        f"/v2/tasks/{five.task_id}/defects-detail",
        params={"severity": "4,5"},
        headers=api.admin.headers,
    )
    assert r.status_code == 400, r.text
    assert r.json()["error_code"] == "CC.00050000"
    assert "severity" in r.json()["error_msg"] and "4" in r.json()["error_msg"]


def test_statistic_has_an_info_bucket_and_adds_up(api: Api, five: Checked) -> None:
    stat = _get(api, five.task_id, "defects-statistic")
    assert stat["severity"] == FIVE_LEVELS
    assert sum(stat["severity"].values()) == stat["status"]["unresolved"]
    assert stat["status"] == {"unresolved": 10, "resolved": 0, "dismissed": 0}


def test_summary_counts_info_and_issue_count_adds_up(api: Api, five: Checked) -> None:
    summary = _get(api, five.task_id, "defects-summary")
    counts = {name: summary[f"{name}_count"] for name in FIVE_LEVELS}
    assert counts == {name: str(n) for name, n in FIVE_LEVELS.items()}
    assert summary["issue_count"] == sum(int(n) for n in counts.values())


def test_v1_job_result_counts_info_and_adds_up(api: Api, five: Checked) -> None:
    result: Any = api.v1_task(five.task_id, five.project_id)["jobResult"]
    levels = ("FATAL", "CRITICAL", "GENERAL", "PROMPT", "INFO")
    assert [result[k] for k in levels] == list(FIVE_LEVELS.values())
    assert result["defectCount"] == result["unsolvedDefectCount"] == sum(FIVE_LEVELS.values())
    assert result["newUnsolvedDefectCount"] == sum(FIVE_LEVELS.values())


def test_rules_can_be_listed_by_info_severity(api: Api) -> None:
    r = api.http.get(
        "/v2/rules",
        params={"rule_severity": "4", "rule_languages": "kotlin", "limit": 1000},
        headers=api.admin.headers,
    )
    assert r.status_code == 200, r.text
    rules = r.json()["info"]
    assert {x["rule_severity"] for x in rules} == {"4"}
    assert "todo-function-call" in {x["rule_name"] for x in rules}


def test_info_findings_never_fail_the_default_gate(api: Api, tmp_path: Any) -> None:
    only_info = _check(api, tmp_path / "repo", {"src/Later.cs": INFO_CS})
    stat = _get(api, only_info.task_id, "defects-statistic")
    assert stat["severity"] == {"critical": 0, "major": 0, "minor": 0, "suggestion": 0, "info": 1}
    assert _get(api, only_info.task_id, "defects-summary")["is_access"] == "success"
    result: Any = api.v1_task(only_info.task_id, only_info.project_id)["jobResult"]
    assert (result["INFO"], result["defectCount"], result["reviewResult"]) == (1, 1, "success")
