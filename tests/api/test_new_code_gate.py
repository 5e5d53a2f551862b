"""New-code gating through HTTP: a task whose gate judges new code only passes with legacy
defects, fails when a change adds one, and follows its baseline setting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.api.test_defect_lifecycle import FIRST, Task
from tests.support import commit

pytestmark = pytest.mark.slow

ADDED = FIRST + "\n\ndef three():\n    return missing_three\n"


def _set(task: Task, **settings: str) -> Any:
    items = [{"key": key, "value": value} for key, value in settings.items()]
    return task.api.http.post(
        f"/v2/{task.pid}/tasks/{task.tid}/settings",
        json={"task_advanced_settings": items},
        headers=task.api.admin.headers,
    )


def _gate(task: Task) -> str:
    return str(task.job_result()["reviewResult"])


def test_a_new_code_gate_holds_the_line_from_its_baseline(api: Any, repo_factory: Any) -> None:
    task = Task(api, repo_factory({"app.py": FIRST}))
    assert _set(task, gateScope="new").status_code == 200
    task.check()  # the first full check is the baseline: everything in it is old code
    assert task.job_result()["FATAL"] == 2 and _gate(task) == "success"

    commit(task.repo, {"app.py": ADDED}, "add three()")
    second = task.check()
    assert task.job_result()["FATAL"] == 3 and _gate(task) == "error"  # one new critical

    tomorrow = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%d")
    assert _set(task, newCodeSince=tomorrow).status_code == 200
    assert _gate(task) == "success"  # judged again at once: nothing is newer than tomorrow
    assert _set(task, newCodeSince=second).status_code == 200
    assert _gate(task) == "success"  # three() was first seen by the baseline itself
    assert _set(task, newCodeSince="first").status_code == 200
    assert _gate(task) == "error"
    assert _set(task, gateScope="full").status_code == 200
    assert _gate(task) == "error"

    shown = task.api.http.get(f"/v2/{task.pid}/tasks/{task.tid}/settings",
                              params={"limit": 100}, headers=api.admin.headers).json()  # fmt: skip
    values = {item["key"]: item["value"] for item in shown["info"]}
    assert values["gateScope"] == "full" and values["newCodeSince"] == "first"
    listed = api.v1_task(task.tid, task.pid)
    assert listed["gateScope"] == "full" and listed["newCodeSince"] == "first"


def test_bad_new_code_settings_get_the_documented_error(api: Any, repo_factory: Any) -> None:
    task = Task(api, repo_factory({"app.py": FIRST}))
    other = Task(api, repo_factory({"app.py": FIRST}, name="other"))
    other_job = other.check()
    for key, value in (("gateScope", "partial"), ("newCodeSince", "yesterday"),
                       ("newCodeSince", "2026-02-30"), ("newCodeSince", other_job)):  # fmt: skip
        r = _set(task, **{key: value})
        assert r.status_code == 400, (key, value, r.text)
        assert r.json()["error_code"] == "CC.00050000" and key in r.json()["error_msg"]
