"""A commit whose answer is lost (the connection dropped after the database committed): a
claim, the log and the results are tried again, and the retry finds what landed instead of
storing it twice or leaving the execution to its lease."""

from __future__ import annotations

import dataclasses
import itertools
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import exc as sa_exc
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from opencheck.config import Settings
from opencheck.runtime import Runtime
from opencheck.services import checks, execution_states, results
from opencheck.services.check_observer import ExecutionObserver
from opencheck.services.leases import Claim, WorkerId
from opencheck.store.db import unit_of_work
from opencheck.store.models import DefectOccurrence, Execution
from tests.services.conftest import make_task
from tests.support import make_repo, postgres_database


class _AnswerLost(Session):
    """Commits, and then raises what a dropped connection raises: every other time, and the
    first time a check's results are in the transaction."""

    commits = itertools.count()
    results_lost = 0

    def commit(self) -> None:
        with_results = self.info.get("results", False)
        super().commit()
        lost_results = with_results and not _AnswerLost.results_lost
        if next(self.commits) % 2 == 0 or lost_results:
            _AnswerLost.results_lost += lost_results
            raise sa_exc.OperationalError("COMMIT", {}, ConnectionResetError("answer lost"))


def _lossy(runtime: Runtime) -> sessionmaker[Session]:
    _AnswerLost.commits = itertools.count()
    _AnswerLost.results_lost = 0
    return sessionmaker(runtime.db, class_=_AnswerLost, expire_on_commit=False)


def _tag_results(monkeypatch: pytest.MonkeyPatch) -> None:
    """Mark the transactions that store a check's results (the real `results.store`)."""
    store = results.store

    def tagged(session: Session, **kwargs: Any) -> None:
        store(session, **kwargs)
        session.info["results"] = True

    monkeypatch.setattr(results, "store", tagged)


def _queued(runtime: Runtime, git_url: str) -> str:
    with unit_of_work(runtime.sessions) as s:
        task = make_task(s, runtime, git_url)
        execution = Execution(task_id=task.id, job_type="FULL", executor="root",
                              git_url=task.git_url, git_branch="main")  # fmt: skip
        return execution_states.queue(s, execution, "queued").id


def _log(runtime: Runtime, execution_id: str) -> list[str]:
    with unit_of_work(runtime.sessions) as s:
        return [r.text for r in execution_states.log_rows(s, execution_id)]


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> Iterator[str]:
    if request.param == "sqlite":
        yield ""  # the data directory's
        return
    with postgres_database() as url:
        yield url


def test_log_lines_whose_commit_answer_was_lost_are_stored_once(
    tmp_path: Path, database_url: str
) -> None:
    runtime = Runtime.build(Settings(data_dir=tmp_path / "data", database_url=database_url))
    try:
        eid = _queued(runtime, "https://example.com/a/b.git")
        observer = ExecutionObserver(_lossy(runtime), eid, threading.Event(), 0.0)
        observer.log("first")  # committed; its answer lost
        observer.log("second")  # written with "first" unless "first" is stored
        observer.log("[WARNING] third")  # lost again: the same line twice in a row
        observer.log("[WARNING] third")
        observer.log("fifth")  # lost again: kept until the next write
        with observer.writing():
            pass
        assert _log(runtime, eid) == ["queued", "first", "second", "third", "third", "fifth"]
    finally:
        runtime.close()


def test_a_check_whose_commit_answers_are_lost_ends_success_stored_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _tag_results(monkeypatch)
    files = {f"m{n}.py": "def f(x):\n    return eval(x)\n" for n in range(3)}
    repo = make_repo(tmp_path / "repo", files)
    runtime = Runtime.build(Settings(data_dir=tmp_path / "data", local_repo_roots=(tmp_path,)))
    try:
        eid = _queued(runtime, str(repo))
        worker = WorkerId.of("default", "w1")
        claimed, attempt = checks.claim(runtime.check_context, eid, worker)
        assert claimed is Claim.CLAIMED
        ctx = dataclasses.replace(runtime.check_context, sessions=_lossy(runtime))
        checks.carry_out(ctx, eid, worker, threading.Event(), attempt)
        assert _AnswerLost.results_lost == 1  # the results' commit landed; its answer did not
        with unit_of_work(runtime.sessions) as s:
            execution = s.get(Execution, eid)
            assert execution is not None
            occurrences = s.scalar(select(func.count()).where(DefectOccurrence.execution_id == eid))
            assert execution.status == "success"
            assert occurrences == execution.defect_count > 0
        lines = _log(runtime, eid)
        assert len(lines) == len(set(lines)), lines  # each line once; none says aborted
        assert sum("defects stored" in line for line in lines) == 1, lines
    finally:
        runtime.close()


def test_a_claim_whose_answer_was_lost_is_found_not_left_to_its_lease(tmp_path: Path) -> None:
    runtime = Runtime.build(Settings(data_dir=tmp_path / "data"))
    try:
        eid = _queued(runtime, "https://example.com/a/b.git")
        ctx = dataclasses.replace(runtime.check_context, sessions=_lossy(runtime))
        worker = WorkerId.of("default", "w1")
        assert checks.claim(ctx, eid, worker) == (Claim.CLAIMED, 1)  # landed, answer lost
        with unit_of_work(runtime.sessions) as s:
            execution = s.get(Execution, eid)
            assert execution is not None
            assert (execution.status, execution.worker, execution.attempts) == ("running", "w1", 1)
    finally:
        runtime.close()


def test_a_claim_that_did_not_land_never_takes_a_later_claim_of_the_same_worker(
    tmp_path: Path,
) -> None:
    """Two threads of one worker: the first one's claim fails at COMMIT and is rolled back;
    the second one claims the execution; the first one's retry must not take it as its own."""
    runtime = Runtime.build(Settings(data_dir=tmp_path / "data"))
    worker = WorkerId.of("default", "w1")
    try:
        eid = _queued(runtime, "https://example.com/a/b.git")
        other: list[tuple[Claim, int]] = []

        class NotLanded(Session):
            def commit(self) -> None:
                if other:
                    return super().commit()
                self.rollback()
                other.append(checks.claim(runtime.check_context, eid, worker))
                raise sa_exc.OperationalError("COMMIT", {}, ConnectionResetError("dropped"))

        failing = sessionmaker(runtime.db, class_=NotLanded, expire_on_commit=False)
        ctx = dataclasses.replace(runtime.check_context, sessions=failing)
        assert checks.claim(ctx, eid, worker) == (Claim.GONE, 0)
        assert other == [(Claim.CLAIMED, 1)]
    finally:
        runtime.close()
