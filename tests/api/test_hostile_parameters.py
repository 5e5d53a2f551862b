"""Parameters a fuzzer would send get a CodeArts 4xx (or an empty page), never a 500."""

from __future__ import annotations

import pytest

from tests.conftest import Api

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    "repo_url", ["github.com/org/repo", "not a url", "::", "-x", "ext::sh", "https://"]
)
def test_any_repo_url_filter_answers_without_a_server_error(api: Api, repo_url: str) -> None:
    pid = api.project()
    r = api.http.get("/v1/tasks", params={"project_id": pid, "repo_url": repo_url},
                     headers=api.admin.headers)  # fmt: skip
    assert r.status_code in (200, 400), r.text
    if r.status_code == 400:
        assert r.json()["error_code"] == "CC.00050000"


def test_a_host_path_repo_url_matches_the_https_task(api: Api) -> None:
    pid = api.project()
    tid = api.create_task(pid, git_url="https://github.com/org/filter-me.git")
    r = api.http.get("/v1/tasks", params={"project_id": pid, "repo_url": "github.com/org/filter-me"},
                     headers=api.admin.headers)  # fmt: skip
    assert r.status_code == 200 and [t["id"] for t in r.json()["result"]["info"]] == [tid]


@pytest.mark.parametrize("page", [str(2**63 // 10), str(2**63), "9" * 40])
def test_a_page_past_any_end_is_empty(api: Api, page: str) -> None:
    pid = api.project()
    api.create_task(pid)
    r = api.http.get("/v1/tasks", params={"project_id": pid, "page": page},
                     headers=api.admin.headers)  # fmt: skip
    assert r.status_code == 200, r.text
    assert r.json()["result"]["info"] == [] and r.json()["result"]["total"] == 1


@pytest.mark.parametrize("ruleset_id", ["not-an-id", "x" * 40, "ABCDEF0123456789ABCDEF0123456789"])
def test_a_malformed_rule_set_id_is_a_400(api: Api, ruleset_id: str) -> None:
    pid = api.project()
    r = api.http.get(f"/v2/{pid}/ruleset/{ruleset_id}/rules", headers=api.admin.headers)
    assert r.status_code == 400 and r.json()["error_code"] == "CC.00050000", r.text
    r = api.http.delete(f"/v2/{pid}/ruleset/{ruleset_id}", headers=api.admin.headers)
    assert r.status_code == 400, r.text
    r = api.http.get(f"/v2/{pid}/ruleset/{'0' * 32}/rules", headers=api.admin.headers)
    assert r.status_code == 404


def test_a_405_names_the_allowed_methods(api: Api) -> None:
    r = api.http.put("/v3/auth/tokens", headers=api.admin.headers)
    assert r.status_code == 405 and r.json()["error_code"] == "CC.00050405"
    assert set(r.headers["Allow"].split(", ")) == {"POST", "DELETE"}, r.headers
    r = api.http.patch("/v2/tasks/" + "0" * 32, headers=api.admin.headers)
    assert r.status_code == 405 and "DELETE" in r.headers["Allow"]


@pytest.mark.parametrize(
    ("method", "path", "params"),
    [
        ("GET", "/v3/projects", {"name": "a\x00b"}),
        ("GET", "/v1/tasks", {"project_id": "p", "repo_url": "https://h/x\x00"}),
        ("GET", "/v2/tasks/%00/run-logs", {}),
    ],
)
def test_a_nul_in_path_or_query_is_a_400(api: Api, method: str, path: str, params: dict) -> None:
    r = api.http.request(method, path, params=params, headers=api.admin.headers)
    assert r.status_code == 400 and r.json()["error_code"] == "CC.00050000", r.text


def test_a_nul_in_a_body_is_a_400_and_stores_nothing(api: Api) -> None:
    pid = api.project()
    payload = {"git_url": "https://example.com/a/b.git", "git_branch": "main",
               "language": ["python"], "task_name": "x\x00y"}  # fmt: skip
    r = api.http.post(f"/v2/{pid}/task", json=payload, headers=api.admin.headers)
    assert r.status_code == 400 and r.json()["error_code"] == "CC.00050000", r.text
    r = api.http.get("/v1/tasks", params={"project_id": pid}, headers=api.admin.headers)
    assert r.json()["result"]["total"] == 0
