"""Rules, rule sets, project defaults and task bindings, through HTTP; a real check uses them."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.api.test_executions import BAD_PY, EXPECTED_COUNTS
from tests.conftest import Api, Caller

pytestmark = pytest.mark.slow

ID = re.compile(r"[0-9a-f]{32}")


def _error(r: httpx.Response, status: int, code: str) -> None:
    assert r.status_code == status, r.text
    assert r.json()["error_code"] == code, r.text
    assert r.headers["X-Request-Id"]


def _python_rules(api: Api) -> dict[str, dict[str, str]]:
    r = api.http.get(
        "/v2/rules", params={"rule_languages": "python", "limit": 1000}, headers=api.admin.headers
    )
    assert r.status_code == 200, r.text
    return {f"{rule['rule_set']}:{rule['rule_name']}": rule for rule in r.json()["info"]}


def _rule_id(api: Api, code: str) -> str:
    """The API id of a ruff rule given its code (`F401`), found through the rule list."""
    names = {
        "F401": "unused-import",
        "E711": "none-comparison",
        "F841": "unused-variable",
        "E712": "true-false-comparison",
    }
    return _python_rules(api)[f"ruff:{names[code]}"]["rule_id"]


def _system_python(api: Api, pid: str) -> str:
    r = api.http.get(f"/v2/{pid}/rulesets", params={"category": "0"}, headers=api.admin.headers)
    assert r.status_code == 200, r.text
    return next(s["template_id"] for s in r.json()["info"] if s["language"] == "Python")


def _create(api: Api, caller: Caller, **body: object) -> httpx.Response:
    return api.http.post("/v2/ruleset", json=body, headers=caller.headers)


def test_list_rules_filters_and_paging(api: Api) -> None:
    h = api.admin.headers
    everything = api.http.get("/v2/rules", params={"limit": 1000}, headers=h).json()
    total = everything["total"]
    assert total == len(everything["info"]) >= 40
    first = everything["info"][0]
    assert set(first) == {
        "rule_set",
        "rule_id",
        "rule_language",
        "rule_name",
        "rule_severity",
        "rule_tages",
        "right_example",
        "error_example",
        "revise_opinion",
        "rule_desc",
    }
    assert all(ID.fullmatch(rule["rule_id"]) for rule in everything["info"])
    keys = {(rule["rule_language"], rule["rule_id"]) for rule in everything["info"]}
    assert len(keys) == total  # an id is unique within a language
    python = _python_rules(api)
    assert python["ruff:unused-import"]["rule_severity"] == "2"
    assert python["ruff:unused-import"]["rule_tages"] == "unused-code"
    assert "import" in python["ruff:unused-import"]["error_example"]
    assert python["ruff:unused-import"]["right_example"]
    assert {r["rule_language"] for r in python.values()} == {"Python"}

    severe = api.http.get("/v2/rules", params={"rule_severity": "0,3", "limit": 1000}, headers=h)
    assert severe.status_code == 200
    assert {r["rule_severity"] for r in severe.json()["info"]} <= {"0", "3"}
    assert 0 < severe.json()["total"] < total

    page = api.http.get("/v2/rules", params={"offset": 1, "limit": 2}, headers=h).json()
    assert page["total"] == total and page["info"] == everything["info"][1:3]
    tail = api.http.get("/v2/rules", params={"offset": total - 1}, headers=h).json()
    assert tail["info"] == everything["info"][-1:]
    past = api.http.get("/v2/rules", params={"offset": total}, headers=h).json()
    assert past == {"info": [], "total": total}

    for bad in (
        {"limit": 0},
        {"limit": 1001},
        {"offset": -1},
        {"offset": "x"},
        {"rule_severity": "0,9"},
        {"rule_languages": "klingon"},
    ):
        _error(api.http.get("/v2/rules", params=bad, headers=h), 400, "CC.00050000")
    _error(api.http.get("/v2/rules"), 401, "CC.00000003")


def test_rule_sets_from_creation_to_a_real_check(api: Api, repo_factory) -> None:  # type: ignore[no-untyped-def]
    dev, viewer, outsider = api.user(), api.user(), api.user()
    pid = api.project({"developer": dev, "viewer": viewer})
    system = _system_python(api, pid)
    f401, e711, f841, e712 = (_rule_id(api, c) for c in ("F401", "E711", "F841", "E712"))

    # From scratch: only the named rules are enabled.
    r = _create(
        api,
        dev,
        project_id=pid,
        template_name="only-unused_1.0",
        language="python",
        is_default="0",
        rule_ids=f"{f401},{f841}",
    )
    assert r.status_code == 200, r.text
    scratch = r.json()["template_id"]
    assert ID.fullmatch(scratch)
    rules_url = f"/v2/{pid}/ruleset/{scratch}/rules"
    enabled = api.http.get(rules_url, params={"types": "2"}, headers=viewer.headers).json()
    assert {r["rule_id"] for r in enabled["info"]} == {f401, f841}
    assert all(r["checked"] == "1" for r in enabled["info"])
    everything = api.http.get(rules_url, params={"types": "1"}, headers=dev.headers).json()
    disabled = api.http.get(rules_url, params={"types": "3", "limit": 1}, headers=dev.headers)
    assert disabled.json()["total"] == everything["total"] - 2
    assert disabled.json()["info"][0]["checked"] == "0"
    assert "rule_tages" in disabled.json()["info"][0]

    # From the system set, without F401 and with E711 raised to critical.
    r = _create(
        api,
        dev,
        project_id=pid,
        template_name="strict",
        language="Python",
        is_default="1",
        template_id=system,
        rule_ids="",
        uncheck_ids=f401,
        custom_attributes=[
            {
                "attribute": "severity",
                "rules": [{"rule_id": e711, "value": "0"}, {"rule_id": e712, "value": "4"}],
            }
        ],
    )
    assert r.status_code == 200, r.text
    strict = r.json()["template_id"]
    rules = {
        x["rule_id"]: x
        for x in api.http.get(
            f"/v2/{pid}/ruleset/{strict}/rules", params={"limit": 1000}, headers=dev.headers
        ).json()["info"]
    }
    assert rules[e711]["rule_severity"] == "0" and rules[e711]["checked"] == "1"
    assert rules[f401]["checked"] == "0" and rules[f841]["checked"] == "1"
    assert rules[e712]["rule_severity"] == "4"  # info is a level a rule can be graded to

    # Listing: system sets first, then the project's; categories by creator.
    listed = api.http.get(f"/v2/{pid}/rulesets", headers=viewer.headers).json()
    by_id = {s["template_id"]: s for s in listed["info"]}
    assert listed["total"] == len(listed["info"])
    assert (
        by_id[scratch]["creator_name"] == dev.name and by_id[scratch]["creator_id"] == dev.user_id
    )
    assert by_id[scratch]["rule_ids"].split(",") == sorted(
        [f401, f841], key=by_id[scratch]["rule_ids"].split(",").index
    )
    assert by_id[system]["is_default_template"] == "1" and by_id[system]["is_default"] == "1"
    assert by_id[strict]["is_default_template"] == "0" and by_id[strict]["is_used"] == "0"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", by_id[strict]["template_create_time"])
    mine = api.http.get(f"/v2/{pid}/rulesets", params={"category": "1"}, headers=dev.headers)
    assert {s["template_id"] for s in mine.json()["info"]} == {scratch, strict}
    others = api.http.get(f"/v2/{pid}/rulesets", params={"category": "2"}, headers=viewer.headers)
    assert {s["template_id"] for s in others.json()["info"]} == {scratch, strict}
    paged = api.http.get(
        f"/v2/{pid}/rulesets", params={"offset": 1, "limit": 1}, headers=dev.headers
    ).json()
    assert paged["info"] == listed["info"][1:2] and paged["total"] == listed["total"]

    # The project default for Python becomes `strict`; a new task uses it.
    r = api.http.post(f"/v2/{pid}/ruleset/{strict}/python/default", headers=dev.headers)
    assert r.status_code == 200, r.text
    by_id = {
        s["template_id"]: s
        for s in api.http.get(f"/v2/{pid}/rulesets", headers=dev.headers).json()["info"]
    }
    assert (
        by_id[strict]["is_devcloud_project_default"] == "1" and by_id[strict]["is_default"] == "1"
    )
    assert by_id[system]["is_default"] == "0"
    repo = repo_factory({"pkg/bad.py": BAD_PY})
    tid = api.create_task(pid, dev, git_url=str(repo), git_branch="main")
    bound = api.http.get(f"/v2/{pid}/tasks/{tid}/rulesets", headers=viewer.headers)
    assert bound.status_code == 200, bound.text
    assert isinstance(bound.json(), list)
    selected = [s for s in bound.json() if s["type"] == "selected"]
    assert selected == [
        {
            "template_id": strict,
            "language": "Python",
            "template_name": "strict",
            "type": "selected",
            "status": "0",
        }
    ]
    assert {s["template_id"] for s in bound.json() if s["type"] == "optional"} >= {system, scratch}

    # A real check: F401 is gone and E711 is critical.
    exec_id = api.run(tid, dev)
    assert api.wait(tid, exec_id)["task_status"] == 2
    result = api.v1_task(tid, pid)["jobResult"]
    critical, major, minor, suggestion = EXPECTED_COUNTS
    assert (result["FATAL"], result["CRITICAL"], result["GENERAL"], result["PROMPT"]) == (
        critical + 1,
        major,
        minor - 1,
        suggestion - 1,
    )

    # Deleting: a set in use is refused, as are system sets; an unused custom set goes.
    _error(api.http.delete(f"/v2/{pid}/ruleset/{strict}", headers=dev.headers), 409, "CC.00050409")
    _error(api.http.delete(f"/v2/{pid}/ruleset/{system}", headers=dev.headers), 400, "CC.00050000")
    _error(
        api.http.delete(f"/v2/{pid}/ruleset/{scratch}", headers=viewer.headers), 403, "CC.00050010"
    )
    r = api.http.delete(f"/v2/{pid}/ruleset/{scratch}", headers=dev.headers)
    assert r.status_code == 200 and r.json() is None
    remaining = api.http.get(f"/v2/{pid}/rulesets", headers=dev.headers).json()["info"]
    assert scratch not in {s["template_id"] for s in remaining}
    _error(api.http.delete(f"/v2/{pid}/ruleset/{scratch}", headers=dev.headers), 404, "CC.00050404")

    # Moving the task back to the system set frees `strict`.
    body = [{"language": "python", "rule_set_id": system, "if_use": "1", "status": "1"}]
    r = api.http.put(f"/v2/tasks/{tid}/ruleset", json=body, headers=dev.headers)
    assert r.status_code == 200, r.text
    v3 = api.http.get(f"/v3/{pid}/tasks/{tid}/rulesets", headers=viewer.headers).json()
    assert [s["template_id"] for s in v3["info"] if s["type"] == "selected"] == [system]
    assert v3["total"] == len(v3["info"])
    one = api.http.get(f"/v3/{pid}/tasks/{tid}/rulesets", params={"limit": 1}, headers=dev.headers)
    assert one.json()["info"] == v3["info"][:1] and one.json()["total"] == v3["total"]
    r = api.http.delete(f"/v2/{pid}/ruleset/{strict}", headers=dev.headers)
    assert r.status_code == 200, r.text

    # The project default is gone with the set: new tasks use the system set again.
    tid2 = api.create_task(pid, dev, git_url=str(repo), git_branch="main")
    bound = api.http.get(f"/v2/{pid}/tasks/{tid2}/rulesets", headers=dev.headers).json()
    assert [s["template_id"] for s in bound if s["type"] == "selected"] == [system]
    _ = outsider


def test_put_task_rule_set(api: Api) -> None:
    dev, tester = api.user(), api.user()
    pid = api.project({"developer": dev, "tester": tester})
    system = _system_python(api, pid)
    f401 = _rule_id(api, "F401")
    custom = _create(
        api, dev, project_id=pid, template_name="mine", language="py", is_default="0", rule_ids=f401
    ).json()["template_id"]
    tid = api.create_task(pid, dev)
    url = f"/v2/tasks/{tid}/ruleset"
    body = [{"language": "Python", "rule_set_id": custom, "if_use": "1", "status": "1"}]
    _error(api.http.put(url, json=body, headers=tester.headers), 403, "CC.00050010")
    r = api.http.put(url, json=body, headers=dev.headers)
    assert r.status_code == 200 and r.json() is None
    bound = api.http.get(f"/v2/{pid}/tasks/{tid}/rulesets", headers=tester.headers).json()
    assert [s["template_id"] for s in bound if s["type"] == "selected"] == [custom]

    # Unbinding the only language is refused; bad bodies are 400s; unknown ids 404s.
    off = [{"language": "python", "rule_set_id": custom, "if_use": "0", "status": "1"}]
    _error(api.http.put(url, json=off, headers=dev.headers), 400, "CC.00050000")
    for bad in (
        {"language": "python", "rule_set_id": custom, "if_use": "1", "status": "1"},
        [{"language": "python", "rule_set_id": custom, "status": "1"}],
        [{"language": "python", "rule_set_id": custom, "if_use": "2", "status": "1"}],
        [{"language": "java", "rule_set_id": custom, "if_use": "1", "status": "1"}],
        [],
    ):
        _error(api.http.put(url, json=bad, headers=dev.headers), 400, "CC.00050000")
    missing = [{"language": "python", "rule_set_id": "0" * 32, "if_use": "1", "status": "1"}]
    _error(api.http.put(url, json=missing, headers=dev.headers), 404, "CC.00050404")
    _error(
        api.http.put(f"/v2/tasks/{'0' * 32}/ruleset", json=body, headers=dev.headers),
        404,
        "CC.00050404",
    )
    # Another project's custom set is invisible here.
    other = api.project({"developer": dev})
    foreign = [{"language": "python", "rule_set_id": custom, "if_use": "1", "status": "1"}]
    tid_other = api.create_task(other, dev)
    _error(
        api.http.put(f"/v2/tasks/{tid_other}/ruleset", json=foreign, headers=dev.headers),
        404,
        "CC.00050404",
    )
    assert system


def test_rule_set_errors(api: Api) -> None:
    dev, viewer, outsider = api.user(), api.user(), api.user()
    pid = api.project({"developer": dev, "viewer": viewer})
    system = _system_python(api, pid)
    f401 = _rule_id(api, "F401")
    good = {
        "project_id": pid,
        "template_name": "ok",
        "language": "python",
        "is_default": "0",
        "rule_ids": f401,
    }
    _error(_create(api, viewer, **good), 403, "CC.00050010")
    _error(_create(api, outsider, **good), 403, "CC.00050010")
    _error(_create(api, dev, **{**good, "project_id": "f" * 32}), 404, "CC.00050013")
    for change in (
        {"template_name": "has space"},
        {"template_name": ""},
        {"language": "klingon"},
        {"is_default": "2"},
        {"is_default": 0},
        {"rule_ids": ""},
        {"rule_ids": "0" * 32},
        {"is_default": "1"},  # without template_id
        {
            "custom_attributes": [
                {"attribute": "severity", "rules": [{"rule_id": f401, "value": "7"}]}
            ]
        },
    ):
        _error(_create(api, dev, **{**good, **change}), 400, "CC.00050000")
    missing = {k: v for k, v in good.items() if k != "rule_ids"}
    _error(_create(api, dev, **missing), 400, "CC.00050000")
    _error(
        _create(api, dev, **{**good, "is_default": "1", "template_id": "0" * 32}),
        404,
        "CC.00050404",
    )
    java = api.http.get(f"/v2/{pid}/rulesets", params={"category": "0"}, headers=dev.headers)
    java_id = next(s["template_id"] for s in java.json()["info"] if s["language"] == "Java")
    _error(
        _create(api, dev, **{**good, "is_default": "1", "template_id": java_id}),
        400,
        "CC.00050000",
    )

    h = dev.headers
    _error(api.http.get(f"/v2/{pid}/rulesets", headers=outsider.headers), 403, "CC.00050010")
    _error(api.http.get(f"/v2/{'f' * 32}/rulesets", headers=h), 404, "CC.00050013")
    _error(
        api.http.get(f"/v2/{pid}/rulesets", params={"category": "5"}, headers=h), 400, "CC.00050000"
    )
    _error(
        api.http.get(f"/v2/{pid}/rulesets", params={"limit": "0"}, headers=h), 400, "CC.00050000"
    )
    rules = f"/v2/{pid}/ruleset/{system}/rules"
    _error(api.http.get(rules, params={"types": "4"}, headers=h), 400, "CC.00050000")
    _error(api.http.get(rules, headers=outsider.headers), 403, "CC.00050010")
    _error(api.http.get(f"/v2/{pid}/ruleset/{'0' * 32}/rules", headers=h), 404, "CC.00050404")
    tagged = api.http.get(rules, params={"tags": "security", "limit": 1000}, headers=h).json()
    assert tagged["total"] > 0 and tagged["total"] == len(tagged["info"])

    default = f"/v2/{pid}/ruleset/{system}/java/default"
    _error(api.http.post(default, headers=h), 400, "CC.00050000")
    _error(
        api.http.post(f"/v2/{pid}/ruleset/{system}/python/default", headers=viewer.headers),
        403,
        "CC.00050010",
    )
    _error(
        api.http.post(f"/v2/{pid}/ruleset/{'0' * 32}/python/default", headers=h), 404, "CC.00050404"
    )
    r = api.http.post(f"/v2/{pid}/ruleset/{system}/python/default", headers=h)
    assert r.status_code == 200 and r.json() is None

    tid = api.create_task(pid, dev)
    other = api.project({"developer": dev})
    _error(api.http.get(f"/v2/{other}/tasks/{tid}/rulesets", headers=h), 404, "CC.00050404")
    _error(
        api.http.get(f"/v2/{pid}/tasks/{tid}/rulesets", headers=outsider.headers),
        403,
        "CC.00050010",
    )
    _error(
        api.http.get(f"/v3/{pid}/tasks/{tid}/rulesets", params={"limit": "0"}, headers=h),
        400,
        "CC.00050000",
    )


def test_every_rule_carries_its_examples(api: Api) -> None:
    r = api.http.get("/v2/rules", params={"limit": 1000}, headers=api.admin.headers)
    assert r.status_code == 200, r.text
    rules = r.json()["info"]
    assert len({rule["rule_language"] for rule in rules}) == 19
    # Every id cppcheck can emit beyond the curated catalog is listed from `cppcheck --errorlist`
    # so that none of its findings is dropped; those findings carry cppcheck's own message, and
    # the listed rules have no examples of their own. Every other rule has both examples.
    listed = [rule for rule in rules if "(cppcheck check " in rule["rule_desc"]]
    assert len(listed) > 200 and all(rule["rule_set"] == "cppcheck" for rule in listed)
    curated = [rule for rule in rules if rule not in listed]
    missing = [rule["rule_name"] for rule in curated if not rule["error_example"]]
    assert missing == []
    assert all(rule["right_example"] for rule in curated)
    # The fix is the description's last sentence.
    assert all(rule["revise_opinion"] for rule in rules)
    assert all(rule["rule_desc"].endswith(rule["revise_opinion"]) for rule in rules)
