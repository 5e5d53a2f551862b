"""One tenant never reaches another's code: local paths, the repository cache, URL secrets."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from opencheck.engine.clone_paths import bare_clone_path
from opencheck.store.db import unit_of_work
from opencheck.store.models import Execution, Task
from tests.conftest import Api

pytestmark = pytest.mark.slow

SECRET_FILE = 'API_KEY = "b-private-7f3a9c"\nimport os\n'


def _error(r: httpx.Response, status: int, code: str) -> dict[str, str]:
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"error_code", "error_msg"} and body["error_code"] == code, body
    return dict(body)


def _create(api: Api, pid: str, caller: object, url: str) -> httpx.Response:
    body = {"git_url": url, "git_branch": "main", "language": ["python"]}
    return api.http.post(f"/v2/{pid}/task", json=body, headers=caller.headers)  # type: ignore[attr-defined]


def test_another_projects_cached_clone_cannot_be_checked(api: Api, repo_factory) -> None:  # type: ignore[no-untyped-def]
    owner_b = api.user()
    pid_b = api.project({"owner": owner_b})
    repo_b = repo_factory({"app.py": SECRET_FILE}, name="private-b")
    tid_b = api.create_task(pid_b, owner_b, git_url=str(repo_b))
    assert api.wait(tid_b, api.run(tid_b, owner_b))["task_status"] == 2
    cache = api.runtime.settings.cache_dir.resolve()
    b_clone = bare_clone_path(cache, str(repo_b), pid_b)
    assert (b_clone / "HEAD").exists()  # B's fetch is in the cache

    dev_a = api.user()
    pid_a = api.project({"developer": dev_a})
    for url in (
        str(b_clone),
        f"file://{b_clone}",
        "/proc/self/cwd",
        f"/proc/self/root{b_clone}",
        "file:///proc/self/cwd/../repos",
        str(api.runtime.settings.data_dir.resolve()),
        "/dev/shm",
    ):
        body = _error(_create(api, pid_a, dev_a, url), 400, "CC.00050000")
        assert "git_url" in body["error_msg"], body


def test_the_run_body_one_off_url_needs_edit_and_the_url_rules(api: Api, repo_factory) -> None:  # type: ignore[no-untyped-def]
    dev, tester = api.user(), api.user()
    pid = api.project({"developer": dev, "tester": tester})
    repo = repo_factory({"a.py": "x = 1\n"})
    tid = api.create_task(pid, dev, git_url=str(repo))
    run = f"/v2/tasks/{tid}/run"
    other = {"git_url": str(repo), "git_branch": "main"}
    _error(api.http.post(run, json=other, headers=tester.headers), 403, "CC.00050010")
    _error(
        api.http.post(run, json={"git_branch": "dev"}, headers=tester.headers), 403, "CC.00050010"
    )
    cache = {"git_url": str(api.runtime.settings.cache_dir.resolve())}
    _error(api.http.post(run, json=cache, headers=dev.headers), 400, "CC.00050000")
    _error(api.http.post(run, json={"git_url": "/proc/1/cwd"}, headers=dev.headers), 400,
           "CC.00050000")  # fmt: skip
    # The tester may still run the task as it is configured.
    assert api.wait(tid, api.run(tid, tester))["task_status"] == 2


def test_a_password_in_the_url_is_moved_into_the_encrypted_credentials(api: Api) -> None:
    owner, viewer = api.user(), api.user()
    pid = api.project({"owner": owner, "viewer": viewer})
    leaky = "https://robot:tok-5e3cr3t@git.example.com/team/repo.git"
    tid = api.create_task(pid, owner, git_url=leaky)
    listed = api.http.get(f"/v2/{pid}/tasks", headers=viewer.headers)
    assert listed.status_code == 200 and "tok-5e3cr3t" not in listed.text, listed.text
    v1 = api.http.get("/v1/tasks", params={"project_id": pid}, headers=viewer.headers)
    assert v1.status_code == 200 and "tok-5e3cr3t" not in v1.text
    assert "https://git.example.com/team/repo.git" in v1.text
    with unit_of_work(api.runtime.sessions) as s:
        task = s.get(Task, tid)
        assert task is not None and task.git_url == "https://git.example.com/team/repo.git"
        assert task.username_enc and task.access_token_enc
        assert api.runtime.cipher.decrypt(task.username_enc) == "robot"
        assert api.runtime.cipher.decrypt(task.access_token_enc) == "tok-5e3cr3t"
    # A one-off URL with a token in the body: the execution keeps only the clean URL.
    exec_id = api.run(tid, owner, git_url="https://x-token:tok-2@git.example.com/o/r.git")
    with unit_of_work(api.runtime.sessions) as s:
        execution = s.get(Execution, exec_id)
        assert execution is not None and execution.git_url == "https://git.example.com/o/r.git"
        assert execution.credentials_enc
        assert "tok-2" in api.runtime.cipher.decrypt(execution.credentials_enc)
    api.wait(tid, exec_id)


def test_local_repositories_are_off_unless_a_root_allows_them(tmp_path: Path) -> None:
    from opencheck.config import Settings, from_env
    from opencheck.errors import InvalidParameter
    from opencheck.services.tasks import validate_git_url

    repo = tmp_path / "repos" / "r"
    repo.mkdir(parents=True)
    closed = Settings(data_dir=tmp_path / "data")
    with pytest.raises(InvalidParameter, match="OPENCHECK_LOCAL_REPO_ROOTS"):
        validate_git_url(str(repo), closed.local_repos)
    env = {"OPENCHECK_LOCAL_REPO_ROOTS": f"/nonexistent-root:{tmp_path / 'repos'}"}
    opened = from_env(env).with_overrides(data_dir=tmp_path / "data")
    assert validate_git_url(f"file://{repo}", opened.local_repos)[0] == f"file://{repo}"
    assert validate_git_url("https://example.com/r.git", closed.local_repos)[1] is None
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (tmp_path / "repos" / "link").symlink_to(outside)
    with pytest.raises(InvalidParameter, match="must lie under"):
        validate_git_url(str(tmp_path / "repos" / "link"), opened.local_repos)
