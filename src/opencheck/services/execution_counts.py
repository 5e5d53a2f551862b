"""An execution's counters and gate verdict, derived in SQL from its defects' effective state.

Storing results and every triage go through `derive`, so the columns the task lists read never
go stale when a status changes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from sqlalchemy import case, func, literal, select, update
from sqlalchemy.orm import Session

from opencheck.domain import gate
from opencheck.domain.defects import DefectStatus, Detection
from opencheck.domain.severity import Severity
from opencheck.engine.analyzers.registry import is_security_rule
from opencheck.services import new_code, task_list_columns
from opencheck.services.defects import EFFECTIVE_STATUS
from opencheck.store.models import ConfigTemplate, DefectOccurrence, Execution, Task, TaskDefect

# What every counter counts: occurrences whose task's defect is, in effect, unresolved.
UNRESOLVED = DefectStatus.UNRESOLVED.value == EFFECTIVE_STATUS
# Ignored by triage, or by a suppression marker in the code (the `dismissed` count).
IGNORED = DefectStatus.IGNORED.value == EFFECTIVE_STATUS
# A deferred defect counts in DELAYSTATUS_COUNT, not for the gate, until its date.
DELAYED = TaskDefect.delayed_until.is_not(None)
# A defect first reported, or reported again after it was fixed, is new in that execution.
NEW_IN_EXECUTION = frozenset({Detection.NEW.value, Detection.REOPENED.value})


def derive(session: Session, execution: Execution) -> dict[str, object]:
    """The counter columns and `review_result` of the execution, from its unresolved defects.

    Hotspots and deferred defects are counted but not judged by the gate, nor, when the task
    gates new code only, the defects on old code; ignored and resolved defects neither.
    `new_count` counts the unresolved defects new or reopened in this execution,
    `dismissed_count` the ignored ones and `delayed_count` the deferred unresolved ones.
    """
    counts: Counter[Severity] = Counter()
    gated: Counter[Severity] = Counter()
    security = new = delayed_count = 0
    task = session.get(Task, execution.task_id)
    new_code_only = new_code.on_new_code(session, task)
    judged = literal(True) if new_code_only is None else case((new_code_only, True), else_=False)
    for severity, hotspot, rule_id, detection, delayed, on_judged, number in session.execute(
        select(
            DefectOccurrence.severity,
            TaskDefect.hotspot,
            TaskDefect.rule_id,
            DefectOccurrence.detection,
            DELAYED,
            judged,
            func.count(),
        )
        .select_from(DefectOccurrence)
        .join(TaskDefect, TaskDefect.id == DefectOccurrence.defect_id)
        .where(DefectOccurrence.execution_id == execution.id, UNRESOLVED)
        .group_by(
            DefectOccurrence.severity,
            TaskDefect.hotspot,
            TaskDefect.rule_id,
            DefectOccurrence.detection,
            DELAYED,
            judged,
        )
    ):
        counts[Severity(severity)] += number
        if on_judged and not hotspot and not delayed:
            gated[Severity(severity)] += number
        if is_security_rule(rule_id):
            security += number
        if detection in NEW_IN_EXECUTION:
            new += number
        if delayed:
            delayed_count += number
    return {
        "review_result": gate.evaluate(gate_of(session, execution), gated),
        "critical_count": counts[Severity.CRITICAL],
        "major_count": counts[Severity.MAJOR],
        "minor_count": counts[Severity.MINOR],
        "suggestion_count": counts[Severity.SUGGESTION],
        "info_count": counts[Severity.INFO],
        "security_count": security,
        "defect_count": sum(counts.values()),
        "new_count": new,
        "dismissed_count": _dismissed(session, execution.id),
        "delayed_count": delayed_count,
    }


def _dismissed(session: Session, execution_id: str) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(DefectOccurrence)
            .join(TaskDefect, TaskDefect.id == DefectOccurrence.defect_id)
            .where(DefectOccurrence.execution_id == execution_id, IGNORED)
        )
        or 0
    )


def severity_counts(session: Session, execution_ids: Iterable[str]) -> dict[str, Counter[Severity]]:
    """The unresolved defects of each execution per severity (as `derive` counts them, hotspots
    included), in one query; an execution without any has an empty Counter."""
    ids = list(set(execution_ids))
    counts: dict[str, Counter[Severity]] = {execution_id: Counter() for execution_id in ids}
    if not ids:
        return counts
    rows = session.execute(
        select(DefectOccurrence.execution_id, DefectOccurrence.severity, func.count())
        .select_from(DefectOccurrence)
        .join(TaskDefect, TaskDefect.id == DefectOccurrence.defect_id)
        .where(DefectOccurrence.execution_id.in_(ids), UNRESOLVED)
        .group_by(DefectOccurrence.execution_id, DefectOccurrence.severity)
    )
    for execution_id, severity, number in rows:
        counts[execution_id][Severity(severity)] += int(number)
    return counts


def refresh_latest(session: Session, task: Task) -> None:
    """Derive the task's latest result's counters and gate again (after triage or a new gate)."""
    if not task.last_result_execution_id:
        return
    execution = session.get(Execution, task.last_result_execution_id)
    if execution is not None:
        values = derive(session, execution)
        session.execute(update(Execution).where(Execution.id == execution.id).values(**values))
        task_list_columns.review_changed(session, execution.id, values.get("review_result"))


def gate_of(session: Session, execution: Execution) -> tuple[gate.GateItem, ...]:
    """The quality gate of the execution's task."""
    task = session.get(Task, execution.task_id)
    template = session.get(ConfigTemplate, task.template_id) if task else None
    return gate.from_json(template.review_data) if template else gate.DEFAULT_GATE
