"""Files an analyser could not check, through HTTP: notices, not defects; listed with reasons."""

from __future__ import annotations

import pytest

from tests.conftest import Api
from tests.support import make_repo

pytestmark = pytest.mark.slow

GOOD = "def add(a, b):\n    return a + b\n"
BROKEN = "def add(a, b):\n    return a +\n"


def test_a_file_that_does_not_parse_is_listed_unchecked_not_graded(
    api: Api, tmp_path_factory: pytest.TempPathFactory
) -> None:
    repo = make_repo(
        tmp_path_factory.mktemp("unchecked") / "repo", {"ok.py": GOOD, "broken.py": BROKEN}
    )
    pid = api.project()
    tid = api.create_task(pid, git_url=str(repo), git_branch="main", language=["python"])
    exec_id = api.run(tid)
    assert api.wait(tid, exec_id)["task_status"] == 2

    # No syntax-error defect: the parse failure is a notice, and the gate is not failed by it.
    assert not [d for d in api.defects(tid) if d["defect_checker_name"].endswith("syntax-error")]
    info = api.v1_task(tid, pid)
    assert info["jobResult"]["reviewResult"] == "success"
    message = info["lastJob"]["process"]["message"]
    assert "ruff could not parse 1 files" in message
    assert "[WARNING] 1 files were not fully checked" in message
    assert "[WARNING] Partial result: 1 files not fully checked (see the file list)" in message

    r = api.http.get(
        f"/v2/{pid}/tasks/{tid}/listpathtree",
        params={"current_path": ""},
        headers=api.admin.headers,
    )
    assert r.status_code == 200, r.text
    nodes = {n["file_path"]: n for n in r.json()["info"]}
    assert nodes["broken.py"]["unchecked_reason"].startswith("ruff: could not parse line 2")
    assert nodes["broken.py"]["code_role"] == "main"
    # Analysed, though not by every analyser: not left out like generated code.
    assert nodes["broken.py"]["checkbox_status"] == "unchecked"
    assert nodes["ok.py"]["unchecked_reason"] is None

    r = api.http.get(f"/v2/{pid}/tasks/{tid}/metrics-summary", headers=api.admin.headers)
    assert r.status_code == 200, r.text
    metric = r.json()["metric_info"]
    assert metric["unchecked_files_total"] == "1"
    assert int(metric["unchecked_code_lines"]) == 2
    assert int(metric["checked_code_lines"]) + 2 == int(metric["code_size"])
