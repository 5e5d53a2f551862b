"""Per-severity counts of many executions in one query agree with `derive`, one execution's
counters: unresolved defects only, hotspots included, the effective (triaged or suppressed)
status of the task's defect deciding."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from sqlalchemy import update

from opencheck.domain.defects import DefectStatus
from opencheck.domain.findings import Finding
from opencheck.domain.severity import Severity
from opencheck.runtime import Runtime
from opencheck.services import defect_tracking, execution_counts
from opencheck.store.db import unit_of_work
from opencheck.store.models import TaskDefect
from tests.services.conftest import make_task
from tests.services.test_defect_tracking import _execution


def _finding(rule: str, severity: Severity, fingerprint: str) -> Finding:
    return Finding(rule, severity, "a.py", 1, 1, "message", "code", fingerprint, "Python")


def test_severity_counts_of_many_executions_agree_with_derive(runtime: Runtime) -> None:
    with unit_of_work(runtime.sessions) as s:
        task = make_task(s, runtime)
        first, second, empty = (_execution(s, task.id) for _ in range(3))
        defect_tracking.record(s, first, [
            _finding("ruff:F821", Severity.CRITICAL, "a"),
            _finding("ruff:F401", Severity.MINOR, "b"),
            _finding("ruff:F841", Severity.MINOR, "c"),
            _finding("ruff:S307", Severity.SUGGESTION, "d"),
        ])  # fmt: skip
        defect_tracking.record(s, second, [
            _finding("ruff:F401", Severity.MINOR, "b"),
            _finding("ruff:F841", Severity.MINOR, "c"),
            _finding("ruff:E501", Severity.INFO, "e"),
        ])  # fmt: skip
        ignored = update(TaskDefect).where(TaskDefect.fingerprint == "c")
        s.execute(ignored.values(status=DefectStatus.IGNORED.value))
        counts = execution_counts.severity_counts(s, [first.id, second.id, empty.id, first.id])
        assert counts == {
            first.id: Counter({Severity.CRITICAL: 1, Severity.MINOR: 1, Severity.SUGGESTION: 1}),
            second.id: Counter({Severity.MINOR: 1, Severity.INFO: 1}),
            empty.id: Counter(),
        }
        for execution in (first, second, empty):
            derived = execution_counts.derive(s, execution)
            found = counts[execution.id]
            assert (
                derived["critical_count"],
                derived["major_count"],
                derived["minor_count"],
                derived["suggestion_count"],
                derived["info_count"],
            ) == tuple(found[level] for level in Severity)
        assert execution_counts.severity_counts(s, []) == {}


def test_derive_counts_ignored_and_deferred_defects(
    runtime: Runtime,
) -> None:
    with unit_of_work(runtime.sessions) as s:
        task = make_task(s, runtime)
        execution = _execution(s, task.id)
        defect_tracking.record(s, execution, [
            _finding("ruff:F821", Severity.CRITICAL, "a"),
            _finding("ruff:F401", Severity.MINOR, "b"),
            _finding("ruff:F841", Severity.MINOR, "c"),
            _finding("ruff:E501", Severity.INFO, "d"),
        ])  # fmt: skip
        s.execute(
            update(TaskDefect)
            .where(TaskDefect.fingerprint.in_(["a", "b"]))
            .values(status=DefectStatus.IGNORED.value)
        )
        s.execute(
            update(TaskDefect)
            .where(TaskDefect.fingerprint == "c")
            .values(delayed_until=datetime(2030, 1, 1, tzinfo=UTC))
        )
        derived = execution_counts.derive(s, execution)
        assert (derived["dismissed_count"], derived["delayed_count"]) == (2, 1)
        # Deferred defects stay among the unresolved ones; ignored ones leave them.
        assert derived["defect_count"] == 2
