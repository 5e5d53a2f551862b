"""The task list's copies on `tasks` agree with the executions they copy, through a task's life:
queued, stopped, claimed, requeued by the reaper, stored with a failed gate, judged again."""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, aliased

from opencheck.domain.defects import DefectStatus
from opencheck.domain.executions import ExecutionStatus as S
from opencheck.domain.findings import Finding
from opencheck.domain.severity import Severity
from opencheck.engine.loc import LanguageStats
from opencheck.engine.pipeline import ScanResult
from opencheck.runtime import Runtime
from opencheck.services import auth, execution_counts, leases, results
from opencheck.services.executions import RunOptions, run_task, stop_task
from opencheck.services.leases import Claim, WorkerId
from opencheck.store.db import unit_of_work
from opencheck.store.models import Execution, Task, TaskDefect
from tests.services.conftest import make_task


def _truth(s: Session, task_id: str) -> tuple[object, ...]:
    last, result = aliased(Execution), aliased(Execution)
    return s.execute(
        select(last.status, func.coalesce(last.started_at, last.created_at), result.review_result)
        .select_from(Task)
        .outerjoin(last, last.id == Task.last_execution_id)
        .outerjoin(result, result.id == Task.last_result_execution_id)
        .where(Task.id == task_id)
    ).one()


def _copies(s: Session, task_id: str) -> tuple[object, ...]:
    s.expire_all()
    task = s.get(Task, task_id)
    assert task is not None
    return task.last_status, task.last_executed_at, task.result_review


def _agree(s: Session, task_id: str, status: str | None, review: str | None) -> None:
    assert _copies(s, task_id) == _truth(s, task_id)
    assert _copies(s, task_id)[0] == status and _copies(s, task_id)[2] == review


def _critical(n: int) -> Finding:
    return Finding(rule_id="ruff:S101", severity=Severity.CRITICAL, path=f"m{n}.py", line=1,
                   column=0, message="critical", code_line="x", fingerprint=f"v2:{n:040x}",
                   language="python", line_key=f"{n:064x}")  # fmt: skip


def test_the_copies_follow_every_change_of_the_latest_execution(runtime: Runtime) -> None:
    worker = WorkerId.of("default", "w1")
    with unit_of_work(runtime.sessions) as s:
        task = make_task(s, runtime)
        root = auth.Principal(task.creator_id, "root", True)
        leases.register(s, worker, 1)
        _agree(s, task.id, None, None)  # never ran

        def run() -> str:
            return run_task(s, principal=root, task_id=task.id, options=RunOptions(),
                            cipher=runtime.cipher, local_repos=runtime.settings.local_repos).id  # fmt: skip

        run()
        _agree(s, task.id, S.QUEUED.value, None)
        stop_task(s, principal=root, task_id=task.id)
        _agree(s, task.id, S.ABORTED.value, None)

        eid = run()
        assert leases.claim(s, eid, worker, 30) is Claim.CLAIMED
        _agree(s, task.id, S.RUNNING.value, None)
        s.execute(update(Execution).where(Execution.id == eid).values(lease_until=None))
        assert leases.reap(s, max_attempts=2) == [(eid, "default")]
        _agree(s, task.id, S.QUEUED.value, None)

        assert leases.claim(s, eid, worker, 30) is Claim.CLAIMED
        stats = {"python": LanguageStats(files=1, code=10, comments=0, blanks=0)}
        result = ScanResult(commit="0" * 40, languages=stats, findings=[_critical(1)],
                            partial=False, failed_analyzers=[], skipped={})  # fmt: skip
        results.store(s, execution_id=eid, result=result, holder=worker.name)
        _agree(s, task.id, S.SUCCESS.value, "error")  # a critical defect fails the default gate

        # Triage that ignores the defect lets the gate pass when the result is judged again.
        ignored = DefectStatus.IGNORED.value
        s.execute(update(TaskDefect).where(TaskDefect.task_id == task.id).values(status=ignored))
        execution_counts.refresh_latest(s, task)
        _agree(s, task.id, S.SUCCESS.value, "success")
