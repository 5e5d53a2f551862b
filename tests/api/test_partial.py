"""An analyser killed mid-run: the check still finishes, clearly marked as partial, via HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from opencheck.api.app import create_app
from opencheck.config import Settings
from opencheck.runtime import Runtime
from opencheck.store.db import unit_of_work
from opencheck.store.models import Execution
from tests.api.test_executions import BAD_PY
from tests.api.test_prometheus import scrape, value
from tests.conftest import Api
from tests.support import LiveServer

pytestmark = pytest.mark.slow

# sqlfluff checks under 400 lines/s: 2,000 lines keep it busy well past the timeout below,
# while ruff finishes the Python file in milliseconds.
SLOW_SQL = "SELECT a, b FROM t WHERE c = 1;\n" * 2000  # 64 KB, under the size cap
TIMEOUT = 3.0


@pytest.fixture
def short_timeout_api(tmp_path: Path) -> Iterator[Api]:
    settings = Settings(
        data_dir=tmp_path / "data",
        database_url="",
        workers=1,
        poll_interval=0.2,
        analyzer_timeout=TIMEOUT,
        local_repo_roots=(tmp_path,),
    )
    runtime = Runtime.build(settings)
    try:
        with LiveServer(create_app(runtime)) as live:
            api = Api(live, runtime)
            yield api
            api.http.close()
    finally:
        runtime.close()


def test_a_killed_analyser_gives_a_partial_clearly_marked_result(
    short_timeout_api: Api, repo_factory: Any
) -> None:
    api = short_timeout_api
    repo = repo_factory({"app/bad.py": BAD_PY, "db/big.sql": SLOW_SQL})
    pid = api.project()
    tid = api.create_task(pid, git_url=str(repo), language=["python", "sql"])
    exec_id = api.run(tid)
    assert api.wait(tid, exec_id)["task_status"] == 2  # the execution itself finishes

    paths = {d["file_path"] for d in api.defects(tid)}
    assert paths == {"app/bad.py"}  # ruff's part stands; sqlfluff's is missing, not "clean"

    message = api.v1_task(tid, pid)["lastJob"]["process"]["message"]
    assert f"sqlfluff failed on 1 files: timed out after {TIMEOUT:g}s" in message
    assert "[WARNING] Partial result: analysers failed: sqlfluff" in message
    with unit_of_work(api.runtime.sessions) as s:
        execution = s.get(Execution, exec_id)
        assert execution is not None and execution.partial
    samples = scrape(api.http)  # the failure is counted per analyser and language
    assert value(samples, "opencheck_analyser_failures", analyser="sqlfluff", language="SQL") == 1
    assert value(samples, "opencheck_analyser_failures", analyser="ruff", language="Python") == 0
