"""POST /v2/{project_id}/task, DELETE /v2/tasks/{task_id}, GET /v2/{project_id}/tasks."""

from __future__ import annotations

import re

import pytest

from tests.conftest import Api

HEX32 = re.compile(r"^[0-9a-f]{32}$")
TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def test_create_returns_a_32_hex_id_and_default_name(api: Api) -> None:
    pid = api.project()
    tid = api.create_task(pid, git_url="git@example.com:team/My-Repo.git", git_branch="dev")
    assert HEX32.match(tid)
    r = api.http.get(f"/v2/{pid}/tasks", headers=api.admin.headers)
    [task] = r.json()["tasks"]
    assert task["task_name"] == "My-Repo_dev"
    assert task["git_url"] == "git@example.com:team/My-Repo.git"
    assert task["git_branch"] == "dev"
    assert task["creator_id"] == api.admin.user_id
    assert TIME.match(task["created_at"])
    assert task["last_check_time"] is None


def test_optional_name_group_and_rule_sets(api: Api) -> None:
    pid = api.project()
    gid = api.group(pid)
    tid = api.create_task(
        pid, task_name="nightly", task_group_id=gid, language=None,
        rule_sets=[{"language": "python"}, {"language": "Java"}],
    )  # fmt: skip
    info = api.v1_task(tid, pid)
    assert info["name"] == "nightly"
    assert info["taskGroupId"] == gid
    assert sorted(rs["language"] for rs in info["ruleSets"]) == ["Java", "Python"]
    assert all(HEX32.match(rs["ruleSetId"]) for rs in info["ruleSets"])


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({}, "git_url is required"),
        ({"git_url": "https://e.com/a.git"}, "git_branch is required"),
        ({"git_url": "ext::sh -c touch% /tmp/pwned", "git_branch": "main", "language": ["python"]},
         "git_url is invalid"),
        ({"git_url": "--upload-pack=touch /tmp/x", "git_branch": "main", "language": ["python"]},
         "git_url is invalid"),
        ({"git_url": "https://e.com/a.git", "git_branch": "-x", "language": ["python"]}, "git_branch"),
        ({"git_url": "https://e.com/a.git", "git_branch": "a..b", "language": ["python"]}, "git_branch"),
        ({"git_url": "https://e.com/a.git", "git_branch": "main"}, "language or rule_sets"),
        ({"git_url": "https://e.com/a.git", "git_branch": "main", "language": ["cobol"]}, "cobol"),
        ({"git_url": "https://e.com/a.git", "git_branch": "main", "language": "python"}, "language"),
        ({"git_url": 5, "git_branch": "main", "language": ["python"]}, "git_url"),
        ({"git_url": "https://e.com/a.git", "git_branch": "main", "language": ["python"],
          "username": "bob"}, "username and access_token"),
        ({"git_url": "https://e.com/a.git", "git_branch": "main", "language": ["python"],
          "task_group_id": "0" * 32}, "task group"),
        ({"git_url": "https://e.com/a.git", "git_branch": "main", "language": ["python"],
          "include_paths": "src,../etc"}, "include_paths"),
        ({"git_url": "https://e.com/a.git", "git_branch": "main", "language": ["python"],
          "exclude": "/abs"}, "exclude"),
    ],
)  # fmt: skip
def test_create_rejects_bad_bodies(api: Api, body: dict[str, object], fragment: str) -> None:
    pid = api.project()
    r = api.http.post(f"/v2/{pid}/task", json=body, headers=api.admin.headers)
    assert r.status_code in (400, 404), r.text
    assert r.json()["error_code"].startswith("CC.")
    assert fragment in r.json()["error_msg"]


def test_create_rejects_unknown_rule_set_and_project(api: Api) -> None:
    pid = api.project()
    body = {"git_url": "https://e.com/a.git", "git_branch": "main",
            "rule_sets": [{"language": "python", "ruleset_id": "f" * 32}]}  # fmt: skip
    r = api.http.post(f"/v2/{pid}/task", json=body, headers=api.admin.headers)
    assert r.status_code == 404
    r = api.http.post(f"/v2/{'a' * 32}/task", json=body, headers=api.admin.headers)
    assert r.status_code == 404
    assert r.json()["error_code"] == "CC.00050013"
    r = api.http.post("/v2/not-an-id/task", json=body, headers=api.admin.headers)
    assert r.status_code == 400


def test_credentials_are_never_returned(api: Api) -> None:
    pid = api.project()
    tid = api.create_task(pid, username="robot", access_token="s3cr3t-token-value")
    for r in (
        api.http.get(f"/v2/{pid}/tasks", headers=api.admin.headers),
        api.http.get("/v1/tasks", params={"project_id": pid}, headers=api.admin.headers),
    ):
        assert "s3cr3t-token-value" not in r.text
    with api.runtime.db.connect() as conn:
        from sqlalchemy import text

        stored = conn.execute(
            text("SELECT access_token_enc FROM tasks WHERE id = :i"), {"i": tid}
        ).scalar()
    assert stored and "s3cr3t" not in stored


def test_delete(api: Api) -> None:
    pid = api.project()
    tid = api.create_task(pid)
    r = api.http.delete(f"/v2/tasks/{tid}", headers=api.admin.headers)
    assert r.status_code == 200
    assert api.http.get(f"/v2/{pid}/tasks", headers=api.admin.headers).json()["total"] == 0
    r = api.http.delete(f"/v2/tasks/{tid}", headers=api.admin.headers)
    assert r.status_code == 404
    assert set(r.json()) == {"error_code", "error_msg"}


def test_list_paging_edges(api: Api) -> None:
    pid = api.project()
    ids = [api.create_task(pid, task_name=f"t{i}") for i in range(5)]
    get = lambda **q: api.http.get(f"/v2/{pid}/tasks", params=q, headers=api.admin.headers)  # noqa: E731
    body = get().json()
    assert body["total"] == 5
    assert [t["task_id"] for t in body["tasks"]] == ids[::-1]  # newest first
    assert [t["task_id"] for t in get(offset=1, limit=2).json()["tasks"]] == ids[::-1][1:3]
    assert get(offset=5, limit=100).json() == {"tasks": [], "total": 5}
    assert len(get(offset=0, limit=1).json()["tasks"]) == 1
    for bad in (
        {"limit": 0},
        {"limit": 101},
        {"offset": -1},
        {"offset": 1_000_000},
        {"limit": "x"},
    ):
        r = get(**bad)
        assert r.status_code == 400, bad
        assert r.json()["error_code"] == "CC.00050000"
        assert next(iter(bad)) in r.json()["error_msg"]


def test_members_of_one_project_cannot_touch_another(api: Api) -> None:
    alice, bob = api.user(), api.user()
    pa = api.project({"owner": alice})
    pb = api.project({"owner": bob})
    tb = api.create_task(pb, bob)
    assert api.http.get(f"/v2/{pb}/tasks", headers=alice.headers).status_code == 403
    r = api.http.post(f"/v2/{pb}/task", json={"git_url": "https://e.com/a.git", "git_branch": "m",
                      "language": ["python"]}, headers=alice.headers)  # fmt: skip
    assert r.status_code == 403
    assert r.json()["error_code"] == "CC.00050010"
    assert api.http.post(f"/v2/tasks/{tb}/run", headers=alice.headers).status_code == 403
    assert api.http.delete(f"/v2/tasks/{tb}", headers=alice.headers).status_code == 403
    assert api.http.get(f"/v2/tasks/{tb}/progress", headers=alice.headers).status_code == 403
    assert api.http.get(f"/v2/{pa}/tasks", headers=alice.headers).status_code == 200


def test_viewer_can_list_but_not_create_run_or_delete(api: Api) -> None:
    viewer = api.user()
    pid = api.project({"viewer": viewer})
    tid = api.create_task(pid)
    assert api.http.get(f"/v2/{pid}/tasks", headers=viewer.headers).status_code == 200
    r = api.http.post(f"/v2/tasks/{tid}/run", headers=viewer.headers)
    assert r.status_code == 403
    assert "codeartscheck:task:execute" in r.json()["error_msg"]
    assert api.http.delete(f"/v2/tasks/{tid}", headers=viewer.headers).status_code == 403
