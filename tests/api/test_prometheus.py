"""GET /metrics over HTTP: real figures after a real check, queues per pool, who may read it."""

from __future__ import annotations

from collections.abc import Iterator
from ipaddress import ip_network
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select

from opencheck.api.app import create_app
from opencheck.config import Settings
from opencheck.runtime import Runtime
from opencheck.store.db import unit_of_work
from opencheck.store.models import AnalyserRun
from tests.api.test_executions import BAD_PY
from tests.conftest import Api
from tests.support import LiveServer, postgres_database

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def scrape(http: httpx.Client, headers: dict[str, str] | None = None) -> Samples:
    """Every sample of GET /metrics, parsed by prometheus_client's own parser."""
    r = http.get("/metrics", headers=headers)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/plain; version=0.0.4")
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(r.text)
        for s in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


@pytest.mark.slow
def test_a_real_check_shows_in_the_metrics(api: Api, repo_factory: Any) -> None:
    before = scrape(api.http)  # from loopback, without a token
    tid = api.create_task(api.project(), git_url=str(repo_factory({"app/bad.py": BAD_PY})))
    exec_id = api.run(tid)
    assert api.wait(tid, exec_id)["task_status"] == 2
    assert api.http.get("/no/such/path").status_code == 404
    after = scrape(api.http)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("opencheck_executions", status="success") == 1
    assert value(after, "opencheck_executions", status="running") >= 0  # every status listed
    assert grew("opencheck_check_duration_seconds_gcount", status="success") == 1
    assert grew("opencheck_check_duration_seconds_gsum", status="success") > 0
    assert value(after, "opencheck_metrics_window_seconds") == 24 * 3600

    with unit_of_work(api.runtime.sessions) as s:
        runs = s.scalars(select(AnalyserRun).where(AnalyserRun.execution_id == exec_id)).all()
        stored = {(r.analyser, r.language): (r.seconds, r.files, r.failed) for r in runs}
    assert stored[("ruff", "Python")][1:] == (1, False)
    for (analyser, language), (seconds, _, _) in stored.items():
        labels = {"analyser": analyser, "language": language}
        assert grew("opencheck_analyser_duration_seconds_gcount", **labels) == 1
        assert grew("opencheck_analyser_duration_seconds_gsum", **labels) == pytest.approx(seconds)
        assert grew("opencheck_analyser_failures", **labels) == 0

    run = {"method": "POST", "route": "/v2/tasks/{task_id}/run"}
    assert grew("opencheck_http_requests_total", **run, status="200") == 1
    assert grew("opencheck_http_request_duration_seconds_count", **run) == 1
    progress = {"method": "GET", "route": "/v2/tasks/{task_id}/progress"}
    assert grew("opencheck_http_request_duration_seconds_count", **progress) >= 1
    unmatched = {"method": "GET", "route": "unmatched", "status": "404"}
    assert grew("opencheck_http_requests_total", **unmatched) == 1
    routes = {dict(labels).get("route", "") for _, labels in after}
    assert not any(tid in route or exec_id in route for route in routes)  # templates only


@pytest.fixture
def guarded_api(backend: str, tmp_path: Path) -> Iterator[Api]:
    """A server with no queue (runs stay queued) whose /metrics trusts only 10.0.0.0/8."""

    def serve(url: str) -> Iterator[Api]:
        settings = Settings(
            data_dir=tmp_path / "data",
            database_url=url,
            local_repo_roots=(tmp_path,),
            metrics_allowed_addresses=(ip_network("10.0.0.0/8"),),
        )
        runtime = Runtime.build(settings)
        try:
            with LiveServer(create_app(runtime, start_queue=False)) as live:
                api = Api(live, runtime)
                yield api
                api.http.close()
        finally:
            runtime.close()

    if backend == "sqlite":
        yield from serve("")
        return
    with postgres_database() as url:
        yield from serve(url)


def test_from_an_unlisted_address_metrics_need_a_token(guarded_api: Api) -> None:
    api = guarded_api
    for headers in ({}, {"X-Auth-Token": "oc_not-a-token"}):
        r = api.http.get("/metrics", headers=headers)
        assert r.status_code == 401
        assert r.json()["error_code"] == "CC.00000003" and r.json()["error_msg"]
    viewer = api.user()  # any valid token, an administrator's or not
    assert value(scrape(api.http, viewer.headers), "opencheck_queue_length", pool="default") == 0


def test_queued_executions_are_counted_per_pool(guarded_api: Api, repo_factory: Any) -> None:
    api = guarded_api
    pid = api.project()
    repo = str(repo_factory({"a.py": "x = 1\n"}))
    pooled = api.create_task(pid, git_url=repo, resource_pool_id="pool-a")
    api.run(pooled)
    api.run(api.create_task(pid, git_url=repo))
    api.run(api.create_task(pid, git_url=repo, resource_pool_id=""))
    samples = scrape(api.http, api.admin.headers)
    assert value(samples, "opencheck_queue_length", pool="pool-a") == 1
    assert value(samples, "opencheck_queue_length", pool="default") == 2
    assert value(samples, "opencheck_executions", status="queued") == 3
    assert value(samples, "opencheck_executions", status="success") == 0
