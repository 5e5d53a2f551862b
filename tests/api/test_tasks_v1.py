"""GET /v1/tasks: every filter, ordering and paging edge, permissions and the field set."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import func, select

from opencheck.services import execution_states, task_list_columns
from opencheck.store.db import unit_of_work
from opencheck.store.models import Execution, Task, utcnow
from tests.conftest import Api


def _finish(
    api: Api, task_id: str, status: str, review: str | None = None, minutes_ago: int = 0
) -> str:
    """Give a task a last execution in a given state (setup through the database)."""
    when = utcnow() - timedelta(minutes=minutes_ago)
    with unit_of_work(api.runtime.sessions) as s:
        e = Execution(task_id=task_id, job_type="FULL", status=status, executor="admin",
                      git_url="x", git_branch="main", review_result=review, progress=100,
                      created_at=when, started_at=when, finished_at=when)  # fmt: skip
        s.add(e)
        s.flush()
        # The task's copies are kept as the services keep them (services.task_list_columns).
        task_list_columns.queued(s, e)
        task_list_columns.moved(s, e.id, status, started_at=when)
        if status == "success":
            task_list_columns.result_stored(s, task_id, e.id, review)
        return e.id


def _ids(api: Api, **params: object) -> list[str]:
    r = api.http.get("/v1/tasks", params=params, headers=api.admin.headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["httpStatus"] == "OK" and body["status"] == "success"
    return [t["id"] for t in body["result"]["info"]]


@pytest.fixture
def fleet(api: Api) -> dict[str, str]:
    """Six tasks in one project, one per run state."""
    pid = api.project()
    gid = api.group(pid)
    t = {
        "never": api.create_task(pid, task_name="alpha never", git_url="git@git.example.com:team/alpha.git"),
        "ok": api.create_task(pid, task_name="beta ok", git_url="https://git.example.com/team/beta.git",
                              task_group_id=gid),
        "gate_error": api.create_task(pid, task_name="gamma_gate", git_url="ssh://git@git.example.com/team/beta",
                                      git_branch="dev"),
        "failed": api.create_task(pid, task_name="delta 100%", git_branch="dev"),
        "aborted": api.create_task(pid, task_name="epsilon"),
        "running": api.create_task(pid, task_name="zeta"),
    }  # fmt: skip
    _finish(api, t["ok"], "success", "success", minutes_ago=50)
    _finish(api, t["gate_error"], "success", "error", minutes_ago=40)
    _finish(api, t["failed"], "failed", minutes_ago=30)
    _finish(api, t["aborted"], "aborted", minutes_ago=20)
    _finish(api, t["running"], "running", minutes_ago=10)
    t["pid"], t["gid"] = pid, gid
    return t


def test_job_status_filters(api: Api, fleet: dict[str, str]) -> None:
    pid = fleet["pid"]
    assert _ids(api, project_id=pid, job_status_types="never_execute") == [fleet["never"]]
    assert _ids(api, project_id=pid, job_status_types="failed") == [fleet["failed"]]
    assert _ids(api, project_id=pid, job_status_types="aborted") == [fleet["aborted"]]
    assert _ids(api, project_id=pid, job_status_types="executing") == [fleet["running"]]
    assert set(_ids(api, project_id=pid, job_status_types="success")) == {
        fleet["ok"],
        fleet["gate_error"],
    }
    both = _ids(api, project_id=pid, job_status_types="failed,never_execute")
    assert set(both) == {fleet["failed"], fleet["never"]}
    # Several statuses are counted one by one: a repeated one is counted once.
    params = {"project_id": pid, "job_status_types": "failed,executing,failed", "page_size": 1}
    r = api.http.get("/v1/tasks", params=params, headers=api.admin.headers)
    assert r.json()["result"]["total"] == 2 and len(r.json()["result"]["info"]) == 1


def test_review_result_filter(api: Api, fleet: dict[str, str]) -> None:
    pid = fleet["pid"]
    assert _ids(api, project_id=pid, review_result_types="success") == [fleet["ok"]]
    assert _ids(api, project_id=pid, review_result_types="error") == [fleet["gate_error"]]
    assert len(_ids(api, project_id=pid, review_result_types="success,error")) == 2


def test_order_by_execute_time(api: Api, fleet: dict[str, str]) -> None:
    pid = fleet["pid"]
    ran = ["ok", "gate_error", "failed", "aborted", "running"]
    assert _ids(api, project_id=pid, order_by_execute_time="up") == [fleet[k] for k in ran] + [
        fleet["never"]
    ]
    down = [fleet[k] for k in reversed(ran)] + [fleet["never"]]
    assert _ids(api, project_id=pid, order_by_execute_time="down") == down


def test_search_group_branch(api: Api, fleet: dict[str, str]) -> None:
    pid = fleet["pid"]
    assert _ids(api, project_id=pid, search="BETA") == [fleet["ok"]]
    assert _ids(api, project_id=pid, search="100%") == [fleet["failed"]]  # % is literal
    assert _ids(api, project_id=pid, search="a_g") == [fleet["gate_error"]]  # _ is literal
    assert _ids(api, project_id=pid, task_classification_id=fleet["gid"]) == [fleet["ok"]]
    assert set(_ids(api, project_id=pid, branch="dev")) == {fleet["gate_error"], fleet["failed"]}


def test_search_folds_any_letter_and_follows_a_rename(api: Api) -> None:
    pid = api.project()
    tid = api.create_task(pid, task_name="Überprüfung ÆON")
    assert _ids(api, project_id=pid, search="über") == [tid]  # SQLite's lower() folds ASCII only
    assert _ids(api, project_id=pid, search="PRÜFUNG æon") == [tid]
    body = {"task_advanced_settings": [{"key": "taskName", "value": "Zweite Größe"}]}
    r = api.http.post(f"/v2/{pid}/tasks/{tid}/settings", json=body, headers=api.admin.headers)
    assert r.status_code == 200, r.text
    assert _ids(api, project_id=pid, search="über") == []
    assert _ids(api, project_id=pid, search="GRÖSSE") == []  # folded, not case-folded: ß stays
    assert _ids(api, project_id=pid, search="GRÖßE") == [tid]


@pytest.mark.parametrize(
    "url",
    ["https://git.example.com/team/beta.git", "git@git.example.com:team/beta.git",
     "ssh://git@GIT.example.com:22/team/beta", "http://git.example.com/team/beta/"],
)  # fmt: skip
def test_repo_url_matches_ssh_and_https_forms(api: Api, fleet: dict[str, str], url: str) -> None:
    pid = fleet["pid"]
    got = set(_ids(api, project_id=pid, repo_url=url))
    assert got == {fleet["ok"], fleet["gate_error"]}
    assert set(_ids(api, project_id=pid, repo_url=url, repo_url_full_match="false")) == got


def test_repo_url_full_match(api: Api, fleet: dict[str, str]) -> None:
    pid = fleet["pid"]
    url = "https://git.example.com/team/beta.git"
    assert _ids(api, project_id=pid, repo_url=url, repo_url_full_match="true") == [fleet["ok"]]
    assert _ids(api, project_id=pid, repo_url=url + "x", repo_url_full_match="true") == []


def test_paging(api: Api, fleet: dict[str, str]) -> None:
    pid = fleet["pid"]
    everything = _ids(api, project_id=pid, page_size=200)
    assert len(everything) == 6
    pages = [_ids(api, project_id=pid, page=p, page_size=4) for p in (1, 2, 3)]
    assert pages[0] + pages[1] == everything and pages[2] == []
    r = api.http.get(
        "/v1/tasks", params={"project_id": pid, "page_size": 1}, headers=api.admin.headers
    )
    assert r.json()["result"]["total"] == 6 and len(r.json()["result"]["info"]) == 1


def test_the_unfiltered_list_counts_every_task(api: Api, fleet: dict[str, str]) -> None:
    r = api.http.get("/v1/tasks", headers=api.admin.headers)
    with unit_of_work(api.runtime.sessions) as s:
        everything = s.scalar(select(func.count()).select_from(Task))
    assert everything >= 6 and r.json()["result"]["total"] == everything  # it once said 1


def test_totals_are_the_filtered_tasks(api: Api, fleet: dict[str, str]) -> None:
    pid = fleet["pid"]
    for params in ({"job_status_types": "success"}, {"job_status_types": "failed,never_execute"},
                   {"job_status_types": "executing,aborted"}, {"review_result_types": "error"},
                   {"branch": "dev"}, {"branch": "dev", "job_status_types": "failed"}, {}):  # fmt: skip
        query = {"project_id": pid, **params}
        r = api.http.get("/v1/tasks", params=query, headers=api.admin.headers)
        listed = _ids(api, page_size=200, **query)
        assert r.json()["result"]["total"] == len(listed) > 0, params


def test_a_search_pages_counts_and_orders_like_the_whole_list(
    api: Api, fleet: dict[str, str]
) -> None:
    pid = fleet["pid"]
    named_a = {fleet[k] for k in ("never", "ok", "gate_error", "failed", "running")}
    for order in ("up", "down", None):
        params = {"project_id": pid, **({"order_by_execute_time": order} if order else {})}
        whole = [i for i in _ids(api, **params) if i in named_a]
        assert _ids(api, search="A", **params) == whole, order
    for page, expected in ((1, 2), (3, 1), (4, 0)):
        params = {"project_id": pid, "search": "a", "page": page, "page_size": 2}
        r = api.http.get("/v1/tasks", params=params, headers=api.admin.headers)
        result = r.json()["result"]
        assert (len(result["info"]), result["total"]) == (expected, 5), page


@pytest.mark.parametrize(
    "params",
    [{"page": 0}, {"page": "a"}, {"page_size": 0}, {"page_size": 201}, {"project_id": "xyz"},
     {"review_result_types": "maybe"}, {"job_status_types": "success,done"},
     {"order_by_execute_time": "sideways"}, {"repo_url_full_match": "yes"}],
)  # fmt: skip
def test_bad_parameters_are_400(api: Api, params: dict[str, object]) -> None:
    r = api.http.get("/v1/tasks", params=params, headers=api.admin.headers)
    assert r.status_code == 400
    assert r.json()["error_code"] == "CC.00050000"
    assert next(iter(params)) in r.json()["error_msg"]


def test_credentials_are_checked_before_the_parameters(api: Api) -> None:
    r = api.http.get("/v1/tasks", params={"page": 0})
    assert (r.status_code, r.json()["error_code"]) == (401, "CC.00000003"), r.text
    r = api.http.get("/v1/tasks", params={"page": 0}, headers={"X-Auth-Token": "not-a-token"})
    assert r.status_code == 401


def test_simultaneous_list_requests_are_each_answered(api: Api, fleet: dict[str, str]) -> None:
    # A process serves one list request at a time; the rest wait their turn, none is refused.
    def listed(n: int) -> tuple[int, int]:
        with httpx.Client(base_url=str(api.http.base_url), timeout=60) as client:
            r = client.get("/v1/tasks", params={"page_size": 1 + n % 6}, headers=api.admin.headers)
            return r.status_code, len(r.json()["result"]["info"])

    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(listed, range(48)))
    assert answers == [(200, 1 + n % 6) for n in range(48)]


def test_unknown_project_and_operator_header(api: Api) -> None:
    r = api.http.get("/v1/tasks", params={"project_id": "a" * 32}, headers=api.admin.headers)
    assert r.status_code == 404
    r = api.http.get("/v1/tasks", headers={**api.admin.headers, "operator": "x" * 129})
    assert r.status_code == 400


def test_a_project_filter_tells_unknown_from_forbidden_and_empty(api: Api) -> None:
    member, outsider = api.user(), api.user()
    empty = api.project({"owner": member})
    full = api.project({"owner": member})
    api.create_task(full, member)
    unknown = "b" * 32
    for caller in (member, outsider, api.admin):  # an unknown project is a 404 for anyone
        r = api.http.get("/v1/tasks", params={"project_id": unknown}, headers=caller.headers)
        assert (r.status_code, r.json()["error_code"]) == (404, "CC.00050013")
    for caller in (member, api.admin):  # known and listable: an empty page, a page past the end
        for params in ({"project_id": empty}, {"project_id": full, "page": 5}):
            r = api.http.get("/v1/tasks", params=params, headers=caller.headers)
            assert r.status_code == 200
            assert r.json()["result"] == {"info": [], "total": 0 if "page" not in params else 1}
    for pid in (empty, full):
        r = api.http.get("/v1/tasks", params={"project_id": pid}, headers=outsider.headers)
        assert r.status_code == 403


def test_visibility_and_permissions_for_operator(api: Api) -> None:
    owner, viewer, outsider = api.user(), api.user(), api.user()
    pid = api.project({"owner": owner, "viewer": viewer})
    tid = api.create_task(pid, owner)
    r = api.http.get("/v1/tasks", headers=owner.headers)
    [info] = r.json()["result"]["info"]
    assert info["id"] == tid
    assert (info["canRead"], info["canEdit"], info["canExecute"], info["canDelete"]) == (True,) * 4
    r = api.http.get("/v1/tasks", headers={**owner.headers, "operator": viewer.name})
    [info] = r.json()["result"]["info"]
    assert (info["canRead"], info["canEdit"], info["canExecute"], info["canDelete"]) == (
        True, False, False, False)  # fmt: skip
    assert api.http.get("/v1/tasks", headers=outsider.headers).json()["result"] == {
        "info": [],
        "total": 0,
    }
    r = api.http.get("/v1/tasks", params={"project_id": pid}, headers=outsider.headers)
    assert r.status_code == 403


def test_followed_is_per_user(api: Api) -> None:
    a, b = api.user(), api.user()
    pid = api.project({"developer": a, "viewer": b})
    tid = api.create_task(pid, a)
    assert api.http.put(f"/v2/tasks/{tid}/follow", headers=a.headers).status_code == 200
    fa = api.http.get("/v1/tasks", headers=a.headers).json()["result"]["info"][0]["isFollowed"]
    fb = api.http.get("/v1/tasks", headers=b.headers).json()["result"]["info"][0]["isFollowed"]
    assert (fa, fb) == (True, False)
    api.http.delete(f"/v2/tasks/{tid}/follow", headers=a.headers)
    assert (
        api.http.get("/v1/tasks", headers=a.headers).json()["result"]["info"][0]["isFollowed"]
        is False
    )


def test_field_set_of_a_never_run_task(api: Api) -> None:
    pid = api.project()
    tid = api.create_task(pid, git_url="https://github.com/team/repo.git")
    info = api.v1_task(tid, pid)
    template = info["configTemplate"]
    assert info["lastJob"] is None
    assert info["ruleType"] == "basic"
    assert info["region"] == "test-region"
    assert template["repoType"] == "GitHub"
    assert template["resource_pool_type"] == "default"
    assert template["id"] == info["configTemplateId"]
    assert [
        (g["name"], g["isCheck"], g["value"], g["compareType"]) for g in template["reviewData"]
    ] == [
        ("Number of critical issues.", 1, 0, "≤"),
        ("Number of major issues.", 1, 0, "≤"),
        ("Number of minor issues.", 0, 0, "≤"),
        ("Number of suggestions.", 0, 0, "≤"),
    ]
    assert '"isCheck":1' in template["reviewDataJson"]
    assert info["jobResult"]["reviewResult"] == "" and info["jobResult"]["codeLine"] == 0


def test_rule_sets_of_each_task_by_language(api: Api) -> None:
    pid = api.project()
    several = api.create_task(pid, language=None, rule_sets=[{"language": lang} for lang in
                              ("python", "Java", "cpp", "JavaScript")])  # fmt: skip
    one = api.create_task(pid)
    for tid in (several, one):
        listed = api.v1_task(tid, pid)["ruleSets"]
        r = api.http.get(f"/v2/{pid}/tasks/{tid}/rulesets", headers=api.admin.headers)
        own = {(i["language"], i["template_id"]) for i in r.json() if i["type"] == "selected"}
        assert [(i["language"], i["ruleSetId"]) for i in listed] == sorted(own)
    assert len(api.v1_task(several, pid)["ruleSets"]) == 4


def test_each_task_shows_its_own_gate_on_one_page(api: Api) -> None:
    # The list renders each distinct stored gate once and shares it: keyed by the gate itself.
    pid = api.project()
    kept, changed = api.create_task(pid), api.create_task(pid)
    gate = [{"name": "Number of minor issues", "isCheck": 1, "compareType": "≤", "value": 7}]
    body = {"task_advanced_settings": [{"key": "reviewData", "value": json.dumps(gate)}]}
    r = api.http.post(f"/v2/{pid}/tasks/{changed}/settings", json=body, headers=api.admin.headers)
    assert r.status_code == 200, r.text
    r = api.http.get("/v1/tasks", params={"project_id": pid}, headers=api.admin.headers)
    shown = {i["id"]: i["configTemplate"] for i in r.json()["result"]["info"]}
    minor = {
        tid: [(g["isCheck"], g["value"]) for g in t["reviewData"] if "minor" in g["name"]]
        for tid, t in shown.items()
    }
    assert minor == {kept: [(0, 0)], changed: [(1, 7)]}
    assert '"value":7' in shown[changed]["reviewDataJson"]
    assert '"value":7' not in shown[kept]["reviewDataJson"]


def test_a_page_past_the_end_keeps_the_total(api: Api, fleet: dict[str, str]) -> None:
    # The total is a column of the page's rows; an empty page asks for it on its own.
    pid = fleet["pid"]
    for params in ({}, {"job_status_types": "failed,never_execute"}, {"branch": "dev"},
                   {"repo_url": "https://git.example.com/team/beta.git"}):  # fmt: skip
        query = {"project_id": pid, "page_size": 200, **params}
        listed = _ids(api, **query)
        r = api.http.get("/v1/tasks", params={**query, "page": 50}, headers=api.admin.headers)
        assert r.json()["result"] == {"info": [], "total": len(listed)}, params
        assert listed, params


def test_a_line_logged_after_the_end_shows_in_the_next_list(api: Api) -> None:
    # Rendered log texts are kept between requests, by the lines they were rendered from.
    pid = api.project()
    tid = api.create_task(pid)
    eid = _finish(api, tid, "failed")
    with unit_of_work(api.runtime.sessions) as s:
        execution_states.log(s, eid, "[ERROR] the lease ran out")
    assert api.v1_task(tid, pid)["lastJob"]["process"]["message"].endswith("lease ran out\n")
    with unit_of_work(api.runtime.sessions) as s:
        execution_states.log(s, eid, "a reaped worker wrote once more")
    lines = api.v1_task(tid, pid)["lastJob"]["process"]["message"].splitlines()
    assert lines[-2].endswith("[ERROR] the lease ran out")
    assert lines[-1].endswith("a reaped worker wrote once more")


def test_a_search_of_several_characters_finds_every_name_holding_it(api: Api) -> None:
    # Such a search reads the tasks of its rarest three-character piece (services.task_search).
    pid = api.project()
    names = ["svc-alpha-main", "svc-alpha-dev", "svc-beta-main", "Überprüfung", "100%_done", "ab"]
    ids = {name: api.create_task(pid, task_name=name) for name in names}
    renamed = ids["svc-beta-main"]
    body = {"task_advanced_settings": [{"key": "taskName", "value": "svc-gamma-main"}]}
    r = api.http.post(f"/v2/{pid}/tasks/{renamed}/settings", json=body, headers=api.admin.headers)
    assert r.status_code == 200, r.text
    names[2] = "svc-gamma-main"
    for search in ("alpha", "ALPHA-m", "svc-", "beta", "gamma", "PRÜF", "0%_", "%_d", "ab", "zzz"):
        expected = {ids.get(n, renamed) for n in names if search.lower() in n.lower()}
        r = api.http.get("/v1/tasks", params={"project_id": pid, "search": search},
                         headers=api.admin.headers)  # fmt: skip
        result = r.json()["result"]
        assert {i["id"] for i in result["info"]} == expected, search
        assert result["total"] == len(expected), search
