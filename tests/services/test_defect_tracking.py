"""A task's defects across executions: one row per fingerprint, new, seen again, fixed, reopened,
with triage that follows the defect and an occurrence per execution."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from opencheck.domain.defects import Detection
from opencheck.domain.executions import ExecutionStatus
from opencheck.domain.findings import Finding
from opencheck.domain.severity import Severity
from opencheck.runtime import Runtime
from opencheck.services import auth, defect_tracking, execution_states, tasks
from opencheck.services.tasks import NewTask
from opencheck.store.db import unit_of_work
from opencheck.store.models import DefectOccurrence, Execution, ExecutionFile, TaskDefect, User
from tests.services.conftest import make_task


def _finding(fingerprint: str, line: int) -> Finding:
    return Finding("ruff:F401", Severity.MINOR, "a.py", line, 1, "unused", "import os",
                   fingerprint, "Python")  # fmt: skip


def _execution(s: Session, task_id: str) -> Execution:
    execution = Execution(task_id=task_id, job_type="FULL", executor="x",
                          git_url="https://example.com/a/b.git", git_branch="main")  # fmt: skip
    return execution_states.queue(s, execution, "queued")


def _states(s: Session) -> dict[str, tuple[str, int]]:
    return {d.fingerprint: (d.detection, d.status) for d in s.scalars(select(TaskDefect))}


def test_a_defect_is_new_then_seen_then_fixed_then_reopened(runtime: Runtime) -> None:
    with unit_of_work(runtime.sessions) as s:
        task = make_task(s, runtime)
        first = _execution(s, task.id)
        defect_tracking.record(s, first, [_finding("a", 1), _finding("b", 2)])
        assert _states(s) == {"a": ("new", 0), "b": ("new", 0)}
        s.execute(
            TaskDefect.__table__.update().where(TaskDefect.fingerprint == "a").values(status=2)
        )
        second = _execution(s, task.id)
        defect_tracking.record(s, second, [_finding("a", 5)])  # moved down, same identity
        assert _states(s) == {"a": ("new", 2), "b": ("fixed", 0)}  # the ignore is kept
        third = _execution(s, task.id)
        defect_tracking.record(s, third, [_finding("a", 5), _finding("b", 9)])
        assert _states(s)["b"] == (Detection.REOPENED.value, 0)
        detections = s.execute(
            select(Execution.id, DefectOccurrence.detection)
            .join(DefectOccurrence, DefectOccurrence.execution_id == Execution.id)
            .order_by(Execution.created_at, DefectOccurrence.line)
        ).all()
        assert detections == [(first.id, "new"), (first.id, "new"), (second.id, "unresolved"),
                              (third.id, "unresolved"), (third.id, "reopened")]  # fmt: skip
        lines = s.execute(
            select(DefectOccurrence.execution_id, DefectOccurrence.line)
            .join(TaskDefect, TaskDefect.id == DefectOccurrence.defect_id)
            .join(Execution, Execution.id == DefectOccurrence.execution_id)
            .where(TaskDefect.fingerprint == "a")
            .order_by(Execution.created_at)
        ).all()
        assert lines == [(first.id, 1), (second.id, 5), (third.id, 5)]
        assert len(s.scalars(select(TaskDefect)).all()) == 2


def test_only_a_full_execution_fixes_and_only_in_files_it_checked(runtime: Runtime) -> None:
    with unit_of_work(runtime.sessions) as s:
        task = make_task(s, runtime)
        defect_tracking.record(s, _execution(s, task.id), [_finding("a", 1)])
        not_checked = _execution(s, task.id)
        s.add(ExecutionFile(execution_id=not_checked.id, path="a.py", language="Python",
                            unchecked_reason="ruff: timed out"))  # fmt: skip
        s.flush()
        assert defect_tracking.record(s, not_checked, []).fixed == 0
        assert defect_tracking.record(s, _execution(s, task.id), [], full=False).fixed == 0
        assert _states(s) == {"a": ("new", 0)}
        assert defect_tracking.record(s, _execution(s, task.id), []).fixed == 1
        assert _states(s) == {"a": ("fixed", 0)}


def test_deleting_a_task_deletes_its_occurrences(runtime: Runtime) -> None:
    """Occurrences have no foreign keys to cascade along: delete_task deletes them itself."""
    with unit_of_work(runtime.sessions) as s:
        kept = make_task(s, runtime)
        admin = s.scalars(select(User)).one()
        principal = auth.Principal(admin.id, admin.name, True)
        new = NewTask(git_url="https://example.com/a/c.git", git_branch="main",
                      languages=["python"])  # fmt: skip
        gone = tasks.create_task(s, principal=principal, project_id=kept.project_id, new=new,
                                 cipher=runtime.cipher, local_repos=runtime.settings.local_repos)  # fmt: skip
        for task in (kept, gone):
            execution = _execution(s, task.id)
            defect_tracking.record(s, execution, [_finding("a", 1), _finding("b", 2)])
            execution_states.move(s, execution.id, ExecutionStatus.RUNNING, "running")
            execution_states.move(s, execution.id, ExecutionStatus.FAILED, "done")
        tasks.delete_task(s, principal=principal, task_id=gone.id)
    with unit_of_work(runtime.sessions) as s:
        left = s.scalars(select(Execution.task_id).join(
            DefectOccurrence, DefectOccurrence.execution_id == Execution.id)).all()  # fmt: skip
        assert left == [kept.id, kept.id]
        assert s.scalar(select(func.count()).select_from(DefectOccurrence)) == 2
