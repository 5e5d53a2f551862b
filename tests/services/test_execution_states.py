"""The execution state machine: allowed moves only, one log row per message, rendered as seed 004."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from opencheck.domain.executions import ExecutionStatus as S
from opencheck.runtime import Runtime
from opencheck.services import execution_states
from opencheck.store.db import unit_of_work
from opencheck.store.models import Execution, ExecutionLog
from tests.services.conftest import make_task


def _execution(s: Session, runtime: Runtime) -> str:
    task = make_task(s, runtime)
    execution = Execution(task_id=task.id, job_type="FULL", executor="root",
                          git_url=task.git_url, git_branch="main")  # fmt: skip
    return execution_states.queue(s, execution, "Check queued by root").id


def _status(s: Session, eid: str) -> str:
    return s.scalars(select(Execution.status).where(Execution.id == eid)).one()


def test_only_the_allowed_moves_happen_and_each_logs_its_messages(runtime: Runtime) -> None:
    with unit_of_work(runtime.sessions) as session:
        _moves_and_logs(session, _execution(session, runtime))


def _moves_and_logs(session: Session, eid: str) -> None:
    assert _status(session, eid) == "quering"
    assert not execution_states.move(session, eid, S.SUCCESS, "never")  # queued -> success: no
    assert execution_states.move(session, eid, S.RUNNING, "Running on server: h", progress=1)
    assert execution_states.move(session, eid, S.FAILED, "[ERROR] git said no")
    for final in (S.RUNNING, S.SUCCESS, S.ABORTED, S.FAILED):
        assert not execution_states.move(session, eid, final, "too late")
    execution = session.get(Execution, eid)
    assert execution is not None and execution.finished_at is not None
    rows = session.scalars(select(ExecutionLog).order_by(ExecutionLog.id)).all()
    assert [(r.level, r.text) for r in rows] == [
        ("INFO", "Check queued by root"),
        ("INFO", "Running on server: h"),
        ("ERROR", "git said no"),
    ]
    text = execution_states.log_texts(session, [eid])[eid]
    assert [line.split(" ", 3)[3] for line in text.splitlines()] == [
        "Check queued by root", "Running on server: h", "[ERROR] git said no"]  # fmt: skip
    assert text.splitlines()[0].split(" ")[2] == "GMT+00:00"
    assert execution_states.last_message(session, eid) == "[ERROR] git said no"
