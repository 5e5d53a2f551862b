"""Security hotspots through HTTP: marked, listed for review apart, never counted by the gate."""

from __future__ import annotations

import pytest

from opencheck.engine.analyzers.registry import all_rules
from opencheck.services.rule_catalog import wire_rule_id
from tests.conftest import Api
from tests.support import make_repo

pytestmark = pytest.mark.slow


def _python_hotspot():  # type: ignore[no-untyped-def]
    """A Python hotspot rule of the catalog, in the default set, with a bad example."""
    return next(
        r
        for r in all_rules()
        if r.language == "Python" and r.hotspot and r.default and r.bad_example
    )


def test_a_hotspot_is_listed_for_review_and_never_fails_the_gate(
    api: Api, tmp_path_factory: pytest.TempPathFactory
) -> None:
    hotspot = _python_hotspot()
    repo = make_repo(tmp_path_factory.mktemp("hotspot") / "repo", {"app.py": hotspot.bad_example})
    pid = api.project()
    # Even graded critical by a project rule set, a hotspot is not a proven problem.
    r = api.http.get(f"/v2/{pid}/rulesets", params={"category": "0"}, headers=api.admin.headers)
    system = next(s["template_id"] for s in r.json()["info"] if s["language"] == "Python")
    r = api.http.post(
        "/v2/ruleset",
        json={
            "project_id": pid,
            "template_name": "hotspots-critical",
            "language": "Python",
            "is_default": "1",
            "template_id": system,
            "rule_ids": "",
            "custom_attributes": [
                {
                    "attribute": "severity",
                    "rules": [{"rule_id": wire_rule_id(hotspot.id), "value": "0"}],
                }
            ],
        },
        headers=api.admin.headers,
    )
    assert r.status_code == 200, r.text
    ruleset = r.json()["template_id"]
    r = api.http.post(f"/v2/{pid}/ruleset/{ruleset}/python/default", headers=api.admin.headers)
    assert r.status_code == 200, r.text
    tid = api.create_task(pid, git_url=str(repo), git_branch="main", language=["python"])
    exec_id = api.run(tid)
    assert api.wait(tid, exec_id)["task_status"] == 2

    found = api.defects(tid)
    marked = [d for d in found if d["defect_checker_name"] == hotspot.id]
    assert marked and all(d["is_hotspot"] == "1" and d["defect_level"] == "0" for d in marked)
    assert all(d["is_hotspot"] == "0" for d in found if d["defect_checker_name"] != hotspot.id)

    def listed(value: str) -> set[str]:
        r = api.http.get(
            f"/v2/tasks/{tid}/defects-detail",
            params={"hotspot": value, "limit": 200},
            headers=api.admin.headers,
        )
        assert r.status_code == 200, r.text
        return {d["defect_id"] for d in r.json()["defects"]}

    assert listed("1") == {d["defect_id"] for d in marked}
    assert listed("0") == {d["defect_id"] for d in found} - listed("1")
    assert listed("0,1") == {d["defect_id"] for d in found}
    r = api.http.get(
        f"/v2/tasks/{tid}/defects-detail", params={"hotspot": "2"}, headers=api.admin.headers
    )
    assert r.status_code == 400 and r.json()["error_code"] == "CC.00050000"

    others_severe = [d for d in found if d["is_hotspot"] == "0" and d["defect_level"] in ("0", "1")]
    result = api.v1_task(tid, pid)["jobResult"]
    assert result["FATAL"] >= len(marked)  # counted as found, at the severity it was given
    assert result["reviewResult"] == ("error" if others_severe else "success")
