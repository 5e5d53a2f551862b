"""Rule thresholds through HTTP: a rule set's `rule_config_list`, a task's check parameters
(v2, v3, config-parameters), and a real check that reports by them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import Api, Caller
from tests.engine.analyzers.test_ruff import BRANCHY

pytestmark = pytest.mark.slow

CFG_KEY = "ruff:C901.max-complexity"
# Cyclomatic complexity 4: under the default threshold (20), over a threshold of 3.
GRADE = BRANCHY


def _python_set(api: Api, pid: str) -> str:
    r = api.http.get(f"/v2/{pid}/rulesets", params={"category": "0"}, headers=api.admin.headers)
    return next(s["template_id"] for s in r.json()["info"] if s["language"] == "Python")


def _c901(api: Api) -> str:
    r = api.http.get("/v2/rules", params={"rule_languages": "python", "limit": 1000},
                     headers=api.admin.headers)  # fmt: skip
    return next(x["rule_id"] for x in r.json()["info"] if x["rule_name"] == "complex-structure")


def _complex_findings(api: Api, tid: str, caller: Caller) -> list[str]:
    api.wait(tid, api.run(tid, caller))
    return [d["file_path"] for d in api.defects(tid) if d["defect_checker_name"] == "ruff:C901"]


def _params(api: Api, caller: Caller, pid: str, tid: str, rsid: str, v: str = "v2") -> Any:
    r = api.http.get(f"/{v}/{pid}/tasks/{tid}/ruleset/{rsid}/check-parameters",
                     params={"language": "python"}, headers=caller.headers)  # fmt: skip
    assert r.status_code == 200, r.text
    return r.json()


def _configure(api: Api, caller: Caller, pid: str, tid: str, **body: Any) -> httpx.Response:
    payload = {"check_id": 0, "language": "python", "status": "on", **body}
    return api.http.post(f"/v2/{pid}/tasks/{tid}/config-parameters", json=payload,
                         headers=caller.headers)  # fmt: skip


def test_a_rule_set_threshold_changes_what_the_check_reports(api: Api, repo_factory) -> None:  # type: ignore[no-untyped-def]
    dev = api.user()
    pid = api.project({"developer": dev})
    c901 = _c901(api)
    body = {"project_id": pid, "template_name": "strict", "language": "python",
            "is_default": "1", "rule_ids": "", "template_id": _python_set(api, pid),
            "custom_attributes": [{"attribute": "threshold", "rules": [{"rule_id": c901,
            "rule_config_list": [{"option_key": "max-complexity", "option_value": "3"}]}]}]}  # fmt: skip
    r = api.http.post("/v2/ruleset", json=body, headers=dev.headers)
    assert r.status_code == 200, r.text
    strict = r.json()["template_id"]
    r = api.http.get(f"/v2/{pid}/ruleset/{strict}/rules", params={"types": "2", "limit": 1000},
                     headers=dev.headers)  # fmt: skip
    (rule,) = [x for x in r.json()["info"] if x["rule_id"] == c901]
    (config,) = rule["rule_config_list"]
    assert config["option_key"] == "max-complexity" and config["option_value"] == "3"
    assert config["default_value"] == "20" and config["template_id"] == strict
    assert isinstance(config["id"], int) and isinstance(config["rule_id"], int)

    repo = repo_factory({"app/grade.py": GRADE})
    default_task = api.create_task(pid, dev, git_url=str(repo))
    strict_task = api.create_task(pid, dev, git_url=str(repo),
                                  rule_sets=[{"language": "python", "ruleset_id": strict}])  # fmt: skip
    assert _complex_findings(api, default_task, dev) == []
    assert _complex_findings(api, strict_task, dev) == ["app/grade.py"]

    body["custom_attributes"][0]["rules"][0]["rule_config_list"][0]["option_value"] = "0"
    body["template_name"] = "broken"
    r = api.http.post("/v2/ruleset", json=body, headers=dev.headers)
    assert r.status_code == 400 and "range 1-200" in r.json()["error_msg"], r.text


def test_a_task_s_own_threshold_wins_until_switched_off(api: Api, repo_factory) -> None:  # type: ignore[no-untyped-def]
    dev, viewer = api.user(), api.user()
    pid = api.project({"developer": dev, "viewer": viewer})
    rsid = _python_set(api, pid)
    tid = api.create_task(pid, dev, git_url=str(repo_factory({"app/grade.py": GRADE})))

    (group,) = _params(api, viewer, pid, tid, rsid)
    assert group["name"] == "ruff" and isinstance(group["check_id"], int)
    (config,) = group["checker_configs"]
    assert config["cfg_key"] == CFG_KEY and config["status"] == "off"
    assert config["value"] == "20" and config["type"] == 0 and config["is_required"] == 0
    assert _complex_findings(api, tid, dev) == []

    setting = {"cfg_key": CFG_KEY, "status": "on", "cfg_value": "3"}
    r = _configure(api, viewer, pid, tid, ruleset_id=rsid, task_check_settings=[setting])
    assert r.status_code == 403, r.text
    r = _configure(api, dev, pid, tid, ruleset_id=rsid, task_check_settings=[setting])
    assert r.status_code == 200 and r.json() is None, r.text
    v3 = _params(api, dev, pid, tid, rsid, "v3")
    assert v3["total"] == 1
    (config,) = v3["data"][0]["checker_configs"]
    assert (config["status"], config["value"], config["default_value"]) == ("on", "3", "20")
    assert _complex_findings(api, tid, dev) == ["app/grade.py"]

    off = {"cfg_key": CFG_KEY, "status": "off"}
    r = _configure(api, dev, pid, tid, ruleset_id=rsid, task_check_settings=[off])
    assert r.status_code == 200, r.text
    (config,) = _params(api, dev, pid, tid, rsid)[0]["checker_configs"]
    assert (config["status"], config["value"]) == ("off", "20")
    assert _complex_findings(api, tid, dev) == []
    # The rule set's own switch `off` drops every value the task set for it.
    assert _configure(api, dev, pid, tid, ruleset_id=rsid, task_check_settings=[setting]).is_success
    r = _configure(api, dev, pid, tid, ruleset_id=rsid, status="off", task_check_settings=[])
    assert r.status_code == 200, r.text
    (config,) = _params(api, dev, pid, tid, rsid)[0]["checker_configs"]
    assert (config["status"], config["value"]) == ("off", "20")


@pytest.mark.parametrize(
    ("change", "status", "fragment"),
    [
        ({"task_check_settings": [{"cfg_key": "ruff:F401.x", "status": "on", "cfg_value": "1"}]},
         400, "not a Python parameter"),
        ({"task_check_settings": [{"cfg_key": CFG_KEY, "status": "on", "cfg_value": "999"}]},
         400, "range 1-200"),
        ({"task_check_settings": [{"cfg_key": CFG_KEY, "status": "on"}]}, 400, "cfg_value"),
        ({"task_check_settings": [{"cfg_key": CFG_KEY, "status": "maybe"}]}, 400, "status"),
        ({"language": "go"}, 400, "is for Python"),
        ({"ruleset_id": "0" * 32}, 404, "not found"),
    ],
)  # fmt: skip
def test_bad_check_parameters_are_refused(
    api: Api, tmp_path: Path, change: dict[str, Any], status: int, fragment: str
) -> None:
    pid = api.project()
    rsid = _python_set(api, pid)
    tid = api.create_task(pid)
    body = {"ruleset_id": rsid, "task_check_settings": [], **change}
    r = _configure(api, api.admin, pid, tid, **body)
    assert r.status_code == status and fragment in r.json()["error_msg"], r.text


def test_check_parameters_of_a_set_the_task_does_not_use_or_without_language(api: Api) -> None:
    pid = api.project()
    tid = api.create_task(pid, language=["go"])
    rsid = _python_set(api, pid)
    url = f"/v2/{pid}/tasks/{tid}/ruleset/{rsid}/check-parameters"
    r = api.http.get(url, params={"language": "python"}, headers=api.admin.headers)
    assert r.status_code == 400 and "does not use" in r.json()["error_msg"], r.text
    r = api.http.get(url, headers=api.admin.headers)
    assert r.status_code == 400 and "language" in r.json()["error_msg"], r.text
    other = api.project()
    r = api.http.get(f"/v2/{other}/tasks/{tid}/ruleset/{rsid}/check-parameters",
                     params={"language": "python"}, headers=api.admin.headers)  # fmt: skip
    assert r.status_code == 404, r.text
