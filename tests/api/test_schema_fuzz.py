"""Schemathesis over every operation of the live server: no 5xx, no response off the document.

The document is the app's own /openapi.json (built once at collection); requests go over HTTP
to the session's live server, half of them with the ids of a real project and task whose
repository the test builds, so that runs, results and deletions are exercised, not only 404s.
"""

from __future__ import annotations

import tempfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import delete

from opencheck.api.app import create_app
from opencheck.config import Settings
from opencheck.runtime import Runtime
from opencheck.store.db import unit_of_work
from opencheck.store.models import LoginFailure
from tests.conftest import Api
from tests.support import LiveServer, make_repo

pytestmark = pytest.mark.slow

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def _document() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        runtime = Runtime.build(Settings(data_dir=Path(folder)))
        try:
            return create_app(runtime, start_queue=False).openapi()
        finally:
            runtime.close()


schema = schemathesis.openapi.from_dict(_document())


@pytest.fixture(scope="module")
def real_ids(api: Api, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    repo = make_repo(tmp_path_factory.mktemp("fuzz") / "repo", {
        "app.py": "import os\n\n\ndef f(x):\n    return eval(x)\n", "lib.js": "var a = 1;\n"})  # fmt: skip
    pid = api.project()
    tid = api.create_task(pid, git_url=str(repo), language=["python", "javascript"])
    api.wait(tid, api.run(tid))
    yield {"project_id": pid, "task_id": tid}
    with unit_of_work(api.runtime.sessions) as s:  # fuzzed logins must not lock later tests out
        s.execute(delete(LoginFailure))


@schema.parametrize()
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_error_and_no_schema_violation(
    case: Any, api: Api, server: LiveServer, real_ids: dict[str, str]
) -> None:
    params = case.path_parameters or {}
    # Deterministic per case (Hypothesis replays must send the same request).
    if zlib.crc32(repr(sorted(params.items())).encode()) % 2:
        for name in params.keys() & real_ids.keys():
            params[name] = real_ids[name]
    case.headers = {**(case.headers or {}), **api.admin.headers}
    response = case.call(base_url=server.url, timeout=60)
    case.validate_response(response, checks=CHECKS)
