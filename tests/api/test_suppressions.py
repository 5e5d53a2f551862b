"""Suppressions in the code through HTTP: ignored with their reasons, counted nowhere."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api
from tests.support import make_repo

pytestmark = pytest.mark.slow

APP_PY = """\
import os  # noqa: F401
import sys  # opencheck-ignore[ruff:F401]: re-exported for plugins
import json


def run(cmd):
    return eval(cmd)  # nosec B307
"""
STALE_PY = "value = 1  # opencheck-ignore[ruff:F841]: stale\n"
APP_JS = "export function stop() {\n  debugger; // eslint-disable-line no-debugger\n}\n"
COPY_C = (
    "#include <string.h>\n"
    "void copy(char *d, const char *fmt, const char *s) {\n"
    "  sprintf(d, fmt, s); /* flawfinder: ignore */\n"
    "}\n"
)
IGNORED = {
    ("ruff:F401", "pkg/app.py", "1", "# noqa: F401 on line 1"),
    (
        "ruff:F401",
        "pkg/app.py",
        "2",
        "opencheck-ignore[ruff:F401] on line 2: re-exported for plugins",
    ),
    ("ruff:S307", "pkg/app.py", "7", "# nosec B307 on line 7"),
    ("oxlint:no-debugger", "web/app.js", "2", "eslint-disable-line no-debugger on line 2"),
    ("flawfinder:sprintf", "src/copy.c", "3", "flawfinder: ignore on line 3"),
}


@pytest.fixture(scope="module")
def checked(api: Api, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    files = {
        "pkg/app.py": APP_PY,
        "pkg/stale.py": STALE_PY,
        "web/app.js": APP_JS,
        "src/copy.c": COPY_C,
    }
    repo = make_repo(tmp_path_factory.mktemp("suppressions") / "repo", files)
    pid = api.project()
    languages = ["python", "javascript", "cpp"]
    tid = api.create_task(pid, git_url=str(repo), git_branch="main", language=languages)
    exec_id = api.run(tid)
    assert api.wait(tid, exec_id)["task_status"] == 2
    return pid, tid


def _get(api: Api, task_id: str, what: str, **params: Any) -> dict[str, Any]:
    r = api.http.get(f"/v2/tasks/{task_id}/{what}", params=params, headers=api.admin.headers)
    assert r.status_code == 200, r.text
    return dict(r.json())


def test_suppressed_defects_are_listed_as_ignored_with_their_reason(
    api: Api, checked: tuple[str, str]
) -> None:
    ignored = _get(api, checked[1], "defects-detail", status_ids="2", limit=200)
    found = {
        (d["defect_checker_name"], d["file_path"], d["line_number"], d["ignore_reason"])
        for d in ignored["defects"]
    }
    assert found == IGNORED
    assert {d["defect_status"] for d in ignored["defects"]} == {"2"}
    open_ = _get(api, checked[1], "defects-detail", limit=200)["defects"]
    assert all(d["defect_status"] == "0" and d["ignore_reason"] is None for d in open_)
    assert ("ruff:F401", "3") in {(d["defect_checker_name"], d["line_number"]) for d in open_}


def test_an_unmatched_marker_is_reported(api: Api, checked: tuple[str, str]) -> None:
    open_ = _get(api, checked[1], "defects-detail", limit=200)["defects"]
    [unused] = [d for d in open_ if d["defect_checker_name"] == "opencheck:unused-suppression"]
    assert (unused["file_path"], unused["line_number"], unused["defect_level"]) == (
        "pkg/stale.py",
        "1",
        "3",
    )
    assert "ruff:F841" in unused["defect_content"] and unused["rule_name"] == "unused-suppression"


def test_suppressed_defects_count_nowhere(api: Api, checked: tuple[str, str]) -> None:
    pid, tid = checked
    open_ = _get(api, tid, "defects-detail", limit=200)
    stat = _get(api, tid, "defects-statistic")
    assert stat["status"]["dismissed"] == len(IGNORED)
    assert stat["status"]["unresolved"] == open_["total"] == sum(stat["severity"].values())
    # The major defects (sprintf, debugger) and the eval hotspot are suppressed: the gate passes.
    assert stat["severity"]["critical"] == stat["severity"]["major"] == 0
    summary = _get(api, tid, "defects-summary")
    assert summary["issue_count"] == open_["total"] and summary["is_access"] == "success"
    result: Any = api.v1_task(tid, pid)["jobResult"]
    assert result["defectCount"] == result["newUnsolvedDefectCount"] == open_["total"]
