"""While the database is away the API answers 503 with the CodeArts body, never a 500."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import httpx
import psycopg

from opencheck.api.app import create_app
from opencheck.config import Settings
from opencheck.runtime import Runtime
from opencheck.services import auth
from opencheck.store.db import unit_of_work
from tests.support import PG_HOST, PG_PORT, PG_USER, LiveServer, postgres_database


def test_requests_get_503_while_the_database_is_gone(tmp_path: Path) -> None:
    with postgres_database() as url:
        runtime = Runtime.build(Settings(data_dir=tmp_path / "data", database_url=url))
        with unit_of_work(runtime.sessions) as s:
            user = auth.create_user(s, name="root", password="pw", is_admin=True)
            token, _ = auth.issue_token(s, user=user, ttl=timedelta(hours=1))
        name = url.rsplit("/", 1)[1]
        admin = f"host={PG_HOST} port={PG_PORT} user={PG_USER} dbname=postgres"
        with LiveServer(create_app(runtime, start_queue=False)) as server:
            headers = {"X-Auth-Token": token}
            assert (
                httpx.get(f"{server.url}/v2/tasks/{'0' * 32}/progress", headers=headers).status_code
                == 404
            )
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            r = httpx.get(f"{server.url}/v2/tasks/{'0' * 32}/progress", headers=headers)
        runtime.close()
    assert r.status_code == 503, r.text
    assert r.json() == {
        "error_code": "CC.00050012",
        "error_msg": "The service is busy; retry later",
    }
    assert r.headers["Retry-After"] == "5"
