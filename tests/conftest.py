"""Fixtures: a real OpenCheck (SQLite and PostgreSQL) served over HTTP on loopback."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from opencheck.api.app import create_app
from opencheck.config import Settings
from opencheck.runtime import Runtime
from opencheck.services import auth, projects
from opencheck.store.db import unit_of_work
from tests.support import LiveServer, make_repo, postgres_database

TERMINAL = ("success", "failed", "aborted")


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _settings(data_dir: Path, url: str, repo_root: Path) -> Settings:
    # Tests build their repositories in their own temporary folders, under `repo_root`.
    return Settings(
        data_dir=data_dir,
        database_url=url,
        workers=2,
        poll_interval=0.2,
        region="test-region",
        local_repo_roots=(repo_root,),
        webhook_allowed_hosts=("127.0.0.1",),  # the tests' webhook receivers
    )


@pytest.fixture(scope="session")
def runtime(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runtime]:
    data_dir = tmp_path_factory.mktemp(f"data-{backend}")
    root = tmp_path_factory.getbasetemp()
    if backend == "sqlite":
        rt = Runtime.build(_settings(data_dir, "", root))
        yield rt
        rt.close()
        return
    with postgres_database() as url:
        rt = Runtime.build(_settings(data_dir, url, root))
        yield rt
        rt.close()


@pytest.fixture(scope="session")
def server(runtime: Runtime) -> Iterator[LiveServer]:
    with LiveServer(create_app(runtime)) as live:
        yield live


@dataclass
class Caller:
    """A user with a token, talking to the live server."""

    name: str
    user_id: str
    headers: dict[str, str]


class Api:
    """Test driver: sets up users and projects directly, then speaks HTTP like any client."""

    def __init__(self, server: LiveServer, runtime: Runtime) -> None:
        self.runtime = runtime
        self.http = httpx.Client(base_url=server.url, timeout=60)
        self.admin = self.user(is_admin=True)

    def user(self, *, is_admin: bool = False, ttl: timedelta = timedelta(hours=1)) -> Caller:
        name = f"u{uuid.uuid4().hex[:10]}"
        with unit_of_work(self.runtime.sessions) as s:
            user = auth.create_user(s, name=name, password="pw-" + name, is_admin=is_admin)
            token, _ = auth.issue_token(s, user=user, ttl=ttl)
            return Caller(name, user.id, {"X-Auth-Token": token})

    def access_key(self, caller: Caller) -> tuple[str, str]:
        """A new AK/SK pair of `caller`, for SDK-HMAC-SHA256 signatures."""
        with unit_of_work(self.runtime.sessions) as s:
            user = auth.get_user_by_name_or_raise(s, name=caller.name)
            return auth.create_access_key(s, user=user, cipher=self.runtime.cipher)

    def project(self, members: dict[str, Caller] | None = None) -> str:
        """A new project; `members` maps role → caller."""
        with unit_of_work(self.runtime.sessions) as s:
            project = projects.create_project(s, name=f"p-{uuid.uuid4().hex[:8]}")
            for role, caller in (members or {}).items():
                user = auth.get_user_by_name_or_raise(s, name=caller.name)
                projects.add_member(s, project_id=project.id, user=user, role=role)
            return project.id

    def group(self, project_id: str, name: str = "group") -> str:
        with unit_of_work(self.runtime.sessions) as s:
            return projects.create_group(s, project_id=project_id, name=name).id

    def create_task(self, project_id: str, caller: Caller | None = None, **body: object) -> str:
        payload = {"git_url": "https://example.com/team/repo.git", "git_branch": "main"}
        payload.setdefault("language", ["python"])  # type: ignore[arg-type]
        payload.update(body)  # type: ignore[arg-type]
        r = self.http.post(
            f"/v2/{project_id}/task", json=payload, headers=(caller or self.admin).headers
        )
        assert r.status_code == 200, r.text
        return str(r.json()["task_id"])

    def run(self, task_id: str, caller: Caller | None = None, **body: object) -> str:
        r = self.http.post(
            f"/v2/tasks/{task_id}/run", json=body or None, headers=(caller or self.admin).headers
        )
        assert r.status_code == 200, r.text
        return str(r.json()["exec_id"])

    def wait(self, task_id: str, exec_id: str, timeout: float = 180) -> dict[str, object]:
        """Poll progress until the execution ends; returns the last progress body."""
        deadline = time.monotonic() + timeout
        while True:
            r = self.http.get(
                f"/v2/tasks/{task_id}/progress",
                params={"job_id": exec_id},
                headers=self.admin.headers,
            )
            assert r.status_code == 200, r.text
            body = r.json()
            if body["task_status"] != 0:
                return dict(body)
            assert time.monotonic() < deadline, f"execution {exec_id} did not finish: {body}"
            time.sleep(0.1)

    def defects(self, task_id: str, limit: int = 200) -> list[dict[str, Any]]:
        """Every defect of the task's latest result, whatever its status (defects-detail)."""
        r = self.http.get(
            f"/v2/tasks/{task_id}/defects-detail",
            params={"limit": limit, "status_ids": "0,1,2"},
            headers=self.admin.headers,
        )
        assert r.status_code == 200, r.text
        return list(r.json()["defects"])

    def v1_task(self, task_id: str, project_id: str) -> dict[str, object]:
        r = self.http.get(
            "/v1/tasks",
            params={"project_id": project_id, "page_size": 200},
            headers=self.admin.headers,
        )
        assert r.status_code == 200, r.text
        return next(t for t in r.json()["result"]["info"] if t["id"] == task_id)


@pytest.fixture(scope="session")
def api(server: LiveServer, runtime: Runtime) -> Iterator[Api]:
    driver = Api(server, runtime)
    yield driver
    driver.http.close()


@pytest.fixture
def repo_factory(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Build a git repository in this test's temp dir."""

    def build(files: dict[str, str], name: str = "repo", branch: str = "main") -> Path:
        return make_repo(tmp_path / name, files, branch)

    return build
