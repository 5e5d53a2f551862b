"""An execution's report through HTTP, in the formats `opencheck scan` writes, validated."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest

from tests.api.test_defect_lifecycle import FIRST, Task
from tests.cli.test_scan_formats import GITLAB_SCHEMA, sarif_schema

pytestmark = pytest.mark.slow


def test_reports_of_an_execution(api: Any, repo_factory: Any) -> None:
    task = Task(api, repo_factory({"app.py": FIRST}))
    job = task.check()
    ignored = task.by_line()["import sys"]
    task.triage(ignored, "2", reason="kept for plugins")
    url = f"/v2/tasks/{task.tid}/report"
    r = api.http.get(url, params={"format": "sarif", "job_id": job}, headers=api.admin.headers)
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/sarif+json")
    log = r.json()
    jsonschema.Draft4Validator(sarif_schema()).validate(log)
    results = log["runs"][0]["results"]
    assert len(results) == 4
    prints = {res["partialFingerprints"]["opencheck/v2"] for res in results}
    assert prints == {d["issue_key"] for d in api.defects(task.tid)}
    assert sum("suppressions" in res for res in results) == 1  # ignored in triage
    r = api.http.get(url, params={"format": "gitlab"}, headers=api.admin.headers)
    issues = r.json()
    jsonschema.validate(issues, GITLAB_SCHEMA)
    assert {i["location"]["path"] for i in issues} == {"app.py"}
    r = api.http.get(url, params={"format": "json"}, headers=api.admin.headers)
    document = json.loads(r.text)
    assert document["format"] == "opencheck-report" and len(document["findings"]) == 4
    assert document["gate"]["passed"] is False
    r = api.http.get(url, params={"format": "pdf"}, headers=api.admin.headers)
    assert r.status_code == 400 and "format" in r.json()["error_msg"]
    r = api.http.get(url, params={"job_id": "0" * 32}, headers=api.admin.headers)
    assert r.status_code == 404
