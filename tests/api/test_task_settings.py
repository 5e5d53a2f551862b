"""Task settings and ignored paths through HTTP (the SDK's calls are in tests/compat)."""

from __future__ import annotations

import json

import pytest

from tests.conftest import Api

pytestmark = pytest.mark.slow

FILES = {
    "src/app.py": "import os\n\n\ndef f(x):\n    if x == None:\n        return 1\n",
    "legacy/old.py": "import sys\n\n\ndef g(y):\n    if y == None:\n        return 2\n",
    "legacy/deep/older.py": "import json\n",
}


def _settings(api: Api, pid: str, tid: str, caller: object = None) -> dict[str, str]:
    headers = (caller or api.admin).headers  # type: ignore[attr-defined]
    r = api.http.get(f"/v2/{pid}/tasks/{tid}/settings", params={"limit": 50}, headers=headers)
    assert r.status_code == 200, r.text
    return {item["key"]: item["value"] for item in r.json()["info"]}


def test_settings_are_read_and_changed(api: Api) -> None:
    dev, tester = api.user(), api.user()
    pid = api.project({"developer": dev, "tester": tester})
    tid = api.create_task(pid, dev, task_name="first")
    shown = _settings(api, pid, tid, tester)
    assert shown["taskName"] == "first" and shown["customImage"] == ""
    assert json.loads(shown["reviewData"])[0]["isCheck"] == 1
    url = f"/v2/{pid}/tasks/{tid}/settings"
    gate = [{"name": "Number of minor issues", "isCheck": 1, "compareType": "≤", "value": 5}]
    body = {"task_advanced_settings": [
        {"key": "taskName", "value": "renamed"}, {"key": "includePaths", "value": "src"},
        {"key": "reviewData", "value": json.dumps(gate)}]}  # fmt: skip
    r = api.http.post(url, json=body, headers=tester.headers)
    assert r.status_code == 403, r.text
    r = api.http.post(url, json=body, headers=dev.headers)
    assert r.status_code == 200 and r.json() is None, r.text
    shown = _settings(api, pid, tid)
    assert shown["taskName"] == "renamed" and shown["includePaths"] == "src"
    review = {item["name"]: item for item in json.loads(shown["reviewData"])}
    assert review["Number of minor issues"]["isCheck"] == 1
    assert review["Number of minor issues"]["value"] == 5
    assert review["Number of critical issues"]["isCheck"] == 1  # left out: kept
    for bad in ({"key": "customImage", "value": "my/image"}, {"key": "nope", "value": "x"},
                {"key": "reviewData", "value": "[{]"}, {"key": "includePaths", "value": "../x"}):  # fmt: skip
        r = api.http.post(url, json={"task_advanced_settings": [bad]}, headers=dev.headers)
        assert r.status_code == 400 and r.json()["error_code"] == "CC.00050000", (bad, r.text)


def test_ignored_paths_show_at_once_and_leave_the_next_check(api: Api, repo_factory) -> None:  # type: ignore[no-untyped-def]
    pid = api.project()
    tid = api.create_task(pid, git_url=str(repo_factory(FILES)))
    api.wait(tid, api.run(tid))
    assert {d["file_path"] for d in api.defects(tid)} >= {"src/app.py", "legacy/old.py"}
    url = f"/v2/{pid}/tasks/{tid}/config-ignorepath"
    body = {"ignore_path_settings": [{"file_path": "legacy/", "checkbox_status": "all"}]}
    r = api.http.post(url, json=body, headers=api.admin.headers)
    assert r.status_code == 200, r.text
    tree = api.http.get(f"/v2/{pid}/tasks/{tid}/listpathtree", headers=api.admin.headers).json()
    states = {node["file_path"]: node["checkbox_status"] for node in tree["info"]}
    assert states["legacy"] == "all" and states["src"] == "unchecked"
    assert _settings(api, pid, tid)["excludePaths"] == "legacy"
    api.wait(tid, api.run(tid))
    assert {d["file_path"] for d in api.defects(tid)} == {"src/app.py"}
    body = {"ignore_path_settings": [{"file_path": "legacy", "checkbox_status": "unchecked"},
                                     {"file_path": "legacy/deep", "checkbox_status": "all"}]}  # fmt: skip
    assert api.http.post(url, json=body, headers=api.admin.headers).status_code == 200
    tree = api.http.get(f"/v2/{pid}/tasks/{tid}/listpathtree", headers=api.admin.headers).json()
    states = {node["file_path"]: node["checkbox_status"] for node in tree["info"]}
    assert states["legacy"] == "half"
    for bad in ("../etc", "/abs"):
        body = {"ignore_path_settings": [{"file_path": bad, "checkbox_status": "all"}]}
        assert api.http.post(url, json=body, headers=api.admin.headers).status_code == 400
    body = {"ignore_path_settings": [{"file_path": "x", "checkbox_status": "maybe"}]}
    assert api.http.post(url, json=body, headers=api.admin.headers).status_code == 400
