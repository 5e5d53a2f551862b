"""The task list's kept counts equal a count of the tasks after every kind of change, on both
databases, and merging their rows (also by two processes at once) keeps every total."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from opencheck.config import Settings
from opencheck.runtime import Runtime
from opencheck.services import auth, projects, task_counts, task_list_columns, tasks
from opencheck.services import task_list_statements as statements
from opencheck.services.task_queries import TaskQuery, _shape, _values
from opencheck.services.tasks import NewTask
from opencheck.store.db import unit_of_work
from opencheck.store.models import Execution, TaskCount
from tests.support import postgres_database

FILTERS = [
    TaskQuery(),
    *(TaskQuery(job_statuses=(s,)) for s in ("success", "failed", "aborted", "executing")),
    TaskQuery(job_statuses=("never_execute",)),
    TaskQuery(job_statuses=("failed", "never_execute", "failed")),
    TaskQuery(review_results=("error",)),
    TaskQuery(review_results=("success", "error")),
    TaskQuery(branch="main"),
    TaskQuery(branch="dev"),
]


@pytest.fixture(params=["sqlite", "postgresql"])
def runtime(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Runtime]:
    if request.param == "sqlite":
        built = Runtime.build(Settings(data_dir=tmp_path / "data"))
        yield built
        built.close()
        return
    with postgres_database() as url:
        built = Runtime.build(Settings(data_dir=tmp_path / "data", database_url=url))
        yield built
        built.close()


class Fleet:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        with unit_of_work(runtime.sessions) as s:
            user = auth.create_user(s, name="root", password="pw", is_admin=True)
            self.principal = auth.Principal(user.id, user.name, True)
            self.projects = [projects.create_project(s, name=f"p{i}").id for i in range(2)]

    def task(self, project: int, branch: str) -> str:
        new = NewTask(
            git_url="https://example.com/a/b.git", git_branch=branch, languages=["python"]
        )
        with unit_of_work(self.runtime.sessions) as s:
            return tasks.create_task(s, principal=self.principal, new=new,
                                     project_id=self.projects[project], cipher=self.runtime.cipher,
                                     local_repos=self.runtime.settings.local_repos).id  # fmt: skip

    def execution(self, task_id: str) -> str:
        """Queued, as services.executions queues one."""
        with unit_of_work(self.runtime.sessions) as s:
            e = Execution(task_id=task_id, job_type="full", status="quering", executor="root",
                          git_url="x", git_branch="main")  # fmt: skip
            s.add(e)
            s.flush()
            task_list_columns.queued(s, e)
            return e.id

    def move(self, execution_id: str, status: str, review: str | None = None) -> None:
        with unit_of_work(self.runtime.sessions) as s:
            execution = s.get_one(Execution, execution_id)
            execution.status = status  # what services.execution_states writes beside the task's
            task_list_columns.moved(s, execution_id, status)
            if status == "success":
                task_list_columns.result_stored(s, execution.task_id, execution_id, review)

    def assert_counts_match(self) -> None:
        with unit_of_work(self.runtime.sessions) as s:
            conn = s.connection()
            for query in FILTERS:
                facets = _shape(query, None, None).facets(query.branch)
                assert facets is not None, query
                for scope in ([self.projects[0]], self.projects, [], None):  # None: all projects
                    counted = _count(s, query, scope)
                    assert task_counts.total(conn, facets, scope) == counted, (query, scope)


def _count(s: Session, query: TaskQuery, scope: list[str] | None) -> int:
    """Counted as the list counts what the kept counts do not cover, one status at a time."""
    statuses = tuple(dict.fromkeys(query.job_statuses)) or (None,)
    counted = 0
    for status in statuses:
        one = TaskQuery(**{**vars(query), "job_statuses": (status,) if status else ()})
        shape = _shape(one, scope, None)
        stmt = statements.matching(shape).with_only_columns(
            func.count(), maintain_column_froms=True
        )
        counted += s.scalar(stmt.order_by(None), _values(one, shape, scope, None, 0)) or 0
    return counted


def test_counts_follow_creation_runs_verdicts_and_deletion(runtime: Runtime) -> None:
    fleet = Fleet(runtime)
    a, b, c = fleet.task(0, "main"), fleet.task(0, "dev"), fleet.task(1, "main")
    fleet.assert_counts_match()
    first = fleet.execution(a)
    fleet.assert_counts_match()  # never executed → executing
    fleet.move(first, "running")
    fleet.move(first, "success", "error")
    fleet.move(fleet.execution(b), "failed")
    fleet.move(fleet.execution(c), "aborted")
    fleet.assert_counts_match()
    second = fleet.execution(a)  # the latest is running; the verdict stays the last result's
    fleet.assert_counts_match()
    fleet.move(second, "success", "success")
    with unit_of_work(runtime.sessions) as s:
        task_list_columns.review_changed(s, second, "error")  # triage changed the verdict
    fleet.assert_counts_match()
    with unit_of_work(runtime.sessions) as s:
        tasks.delete_task(s, principal=fleet.principal, task_id=a)
    fleet.assert_counts_match()
    with unit_of_work(runtime.sessions) as s:
        assert task_counts.merge(s) > 0
    fleet.assert_counts_match()
    with unit_of_work(runtime.sessions) as s:
        pairs = s.execute(select(TaskCount.project_id, TaskCount.facet)).all()
        assert len(pairs) == len(set(pairs))  # one row per project and filter
        assert task_counts.merge(s) == 0


def test_a_failed_change_leaves_the_counts_as_they_were(runtime: Runtime) -> None:
    fleet = Fleet(runtime)
    task = fleet.task(0, "main")
    with pytest.raises(RuntimeError), unit_of_work(runtime.sessions) as s:
        task_list_columns.queued(s, Execution(id="x" * 32, task_id=task, status="quering"))
        raise RuntimeError("the check could not be queued")
    fleet.assert_counts_match()


def test_two_processes_merging_at_once_keep_every_total(tmp_path: Path) -> None:
    with postgres_database() as url:
        runtime = Runtime.build(Settings(data_dir=tmp_path / "data", database_url=url))
        try:
            fleet = Fleet(runtime)
            for n in range(6):
                fleet.move(fleet.execution(fleet.task(n % 2, "main")), "failed")
            first = runtime.sessions()
            assert task_counts.merge(first) > 0  # holds its deleted rows' locks
            other = threading.Thread(target=_merge, args=(runtime,))
            other.start()
            other.join(timeout=1)
            assert other.is_alive()  # waits for the first merge's rows
            first.commit()
            first.close()
            other.join(timeout=30)
            fleet.assert_counts_match()
        finally:
            runtime.close()


def _merge(runtime: Runtime) -> None:
    with unit_of_work(runtime.sessions) as s:
        task_counts.merge(s)


def test_a_merge_reads_a_bounded_number_of_rows_and_still_converges(runtime: Runtime) -> None:
    fleet = Fleet(runtime)
    for n in range(5):
        fleet.move(fleet.execution(fleet.task(n % 2, "main")), "failed")
    merges = 0
    while True:
        with unit_of_work(runtime.sessions) as s:
            removed = task_counts.merge(s, max_rows=3)
        assert removed <= 2  # of 3 rows read, at most 2 go
        if not removed:
            break
        merges += 1
        fleet.assert_counts_match()
    assert merges > 5
    _assert_one_row_per_pair(runtime)


def _assert_one_row_per_pair(runtime: Runtime) -> None:
    with unit_of_work(runtime.sessions) as s:
        pairs = s.execute(select(TaskCount.project_id, TaskCount.facet)).all()
        assert len(pairs) == len(set(pairs))
