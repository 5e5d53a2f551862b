"""Defects across executions, through HTTP: a user fixes one, introduces another, ignores a
third and defers a fourth, and each next execution reports exactly that in jobResult, the
defects statistic and the check record; ignores expire; suppressions in the code go into the
history; a regression is reopened."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Api
from tests.support import commit

pytestmark = pytest.mark.slow

# Four defects: two unused imports (minor), two undefined names (critical).
FIRST = """\
import os
import sys


def one():
    return missing_one


def two():
    return missing_two
"""
# os fixed, a new undefined name added; sys, missing_one and missing_two stay.
SECOND = FIRST.replace("import os\n", "") + "\n\ndef three():\n    return missing_three\n"


def _wire(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class Task:
    def __init__(self, api: Api, repo: Path) -> None:
        self.api, self.repo = api, repo
        self.pid = api.project()
        self.tid = api.create_task(self.pid, git_url=str(repo))

    def check(self) -> str:
        job = self.api.run(self.tid)
        assert self.api.wait(self.tid, job)["task_status"] == 2
        return job

    def by_line(self) -> dict[str, dict[str, Any]]:
        """The latest result's defects by their code line."""
        return {d["events"][0]["code_context"].strip(): d for d in self.api.defects(self.tid)}

    def triage(self, defect: dict[str, Any], status: str, **extra: object) -> None:
        r = self.api.http.put(
            f"/v2/tasks/{self.tid}/defect-status",
            json={"defect_id": str(defect["defect_id"]), "defect_status": status, **extra},
            headers=self.api.admin.headers,
        )
        assert r.status_code == 200, r.text

    def job_result(self) -> dict[str, int]:
        result = self.api.v1_task(self.tid, self.pid)["jobResult"]
        keys = ("newUnsolvedDefectCount", "unsolvedDefectCount", "fixed", "dismissed",
                "DELAYSTATUS_COUNT", "FATAL", "GENERAL", "reviewResult")  # fmt: skip
        return {key: result[key] for key in keys}  # type: ignore[index]

    def statistic(self) -> dict[str, Any]:
        r = self.api.http.get(f"/v2/tasks/{self.tid}/defects-statistic",
                              headers=self.api.admin.headers)  # fmt: skip
        assert r.status_code == 200, r.text
        return dict(r.json())

    def records(self) -> list[dict[str, int]]:
        r = self.api.http.get(f"/v2/{self.pid}/tasks/{self.tid}/checkrecord",
                              headers=self.api.admin.headers)  # fmt: skip
        return [record["issue_counts"] for record in r.json()["data"]]

    def log(self) -> list[str]:
        r = self.api.http.get(f"/v2/{self.pid}/tasks/{self.tid}/log-detail",
                              headers=self.api.admin.headers)  # fmt: skip
        return [entry["display_name"] for entry in r.json()["log_info"]]


def _counts(new: int, unsolved: int, fixed: int, dismissed: int, delayed: int, fatal: int,
            general: int, gate: str) -> dict[str, object]:  # fmt: skip
    return {"newUnsolvedDefectCount": new, "unsolvedDefectCount": unsolved, "fixed": fixed,
            "dismissed": dismissed, "DELAYSTATUS_COUNT": delayed, "FATAL": fatal,
            "GENERAL": general, "reviewResult": gate}  # fmt: skip


def test_fix_one_introduce_one_ignore_one_defer_one(api: Api, repo_factory: Any) -> None:
    task = Task(api, repo_factory({"app.py": FIRST}))
    task.check()
    assert task.job_result() == _counts(4, 4, 0, 0, 0, 2, 2, "error")
    first = task.by_line()
    assert set(first) == {"import os", "import sys", "return missing_one", "return missing_two"}

    task.triage(first["import sys"], "2", reason="kept for the plugins")
    later = _wire(datetime.now(UTC) + timedelta(days=30))
    task.triage(first["return missing_one"], "0", expires_at=later, reason="next sprint")
    # Triage moves the latest result's counters and gate at once; the deferred one is not gated.
    assert task.job_result() == _counts(3, 3, 0, 1, 1, 2, 1, "error")
    task.triage(first["return missing_two"], "1")
    assert task.job_result() == _counts(2, 2, 0, 1, 1, 1, 1, "success")

    commit(task.repo, {"app.py": SECOND}, "fix os, add three()")
    task.check()
    second = task.by_line()
    assert set(second) == {"import sys", "return missing_one", "return missing_two",
                           "return missing_three"}  # fmt: skip
    for line in ("import sys", "return missing_one", "return missing_two"):
        assert second[line]["defect_id"] == first[line]["defect_id"], line
    # missing_two was marked resolved but is reported again: unresolved, and new again.
    assert second["return missing_two"]["defect_status"] == "0"
    assert task.job_result() == _counts(2, 3, 1, 1, 1, 3, 0, "error")
    statistic = task.statistic()
    assert statistic["status"] == {"unresolved": 3, "resolved": 0, "dismissed": 1}
    assert statistic["severity"]["critical"] == 3
    assert task.records()[0] == {"critical": 3, "serious": 0, "normal": 0, "prompt": 0}


def test_ignores_expire_and_suppressions_enter_the_history(api: Api, repo_factory: Any) -> None:
    task = Task(api, repo_factory({"app.py": FIRST}))
    task.check()
    first = task.by_line()
    soon = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=2)
    task.triage(first["import sys"], "2", expires_at=_wire(soon), reason="until the release")
    assert task.job_result()["dismissed"] == 1
    time.sleep(max(0.0, (soon - datetime.now(UTC)).total_seconds()) + 0.2)
    hushed = FIRST.replace("missing_two\n", "missing_two  # noqa: F821 generated at runtime\n")
    commit(task.repo, {"app.py": hushed}, "suppress missing_two")
    task.check()
    log = task.log()
    assert "1 ignored defects count again: their ignore expired" in log
    assert "1 defects newly suppressed in the code: ignored" in log
    after = task.by_line()
    assert after["import sys"]["defect_status"] == "0"
    suppressed = next(d for line, d in after.items() if line.startswith("return missing_two"))
    assert suppressed["defect_status"] == "2"
    assert task.job_result()["dismissed"] == 1
    # Taking the suppression out makes the defect count again, with a history row.
    commit(task.repo, {"app.py": FIRST}, "unsuppress")
    task.check()
    assert "1 defects lost their suppression: unresolved again" in task.log()
    assert task.by_line()["return missing_two"]["defect_status"] == "0"
    assert task.job_result()["dismissed"] == 0


def test_bad_triage_gets_the_documented_error(api: Api, repo_factory: Any) -> None:
    task = Task(api, repo_factory({"app.py": FIRST}))
    task.check()
    defect = task.by_line()["import os"]
    url = f"/v2/tasks/{task.tid}/defect-status"
    past = _wire(datetime.now(UTC) - timedelta(days=1))
    for body, named in (
        ({"defect_status": "3"}, "defect_status"),
        ({"defect_status": "2", "expires_at": "tomorrow"}, "expires_at"),
        ({"defect_status": "2", "expires_at": past}, "expires_at"),
        ({"defect_status": "1", "expires_at": _wire(datetime.now(UTC) + timedelta(days=1))},
         "expires_at"),
    ):  # fmt: skip
        r = api.http.put(url, json={"defect_id": str(defect["defect_id"]), **body},
                         headers=api.admin.headers)  # fmt: skip
        assert r.status_code == 400, (body, r.text)
        assert r.json()["error_code"] == "CC.00050000" and named in r.json()["error_msg"], r.text
