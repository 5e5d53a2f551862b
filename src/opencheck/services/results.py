"""Storing an execution's results: defects in bulk, counts, new/fixed, the gate."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from opencheck.domain import gate
from opencheck.domain.code_metrics import summarize
from opencheck.domain.executions import ExecutionStatus, JobType
from opencheck.domain.findings import Finding
from opencheck.domain.roles import Role
from opencheck.engine.errors import ScanCancelled
from opencheck.engine.pipeline import ScanResult
from opencheck.engine.steps import StepTime, StepTimes
from opencheck.services import (
    defect_tracking,
    execution_counts,
    execution_states,
    task_list_columns,
)
from opencheck.store.models import (
    AnalyserRun,
    Execution,
    ExecutionFile,
    ExecutionLanguage,
    ExecutionStep,
    Task,
)

BATCH = 5000


def _unique(findings: Iterable[Finding]) -> list[Finding]:
    seen: dict[str, Finding] = {}
    for f in findings:
        seen.setdefault(f.fingerprint, f)
    return list(seen.values())


def _store_languages(session: Session, execution_id: str, result: ScanResult) -> None:
    for language, stats in result.languages.items():
        session.add(
            ExecutionLanguage(
                execution_id=execution_id,
                language=language,
                files=stats.files,
                code_lines=stats.code,
                comment_lines=stats.comments,
                blank_lines=stats.blanks,
            )
        )


def _store_analyzer_runs(session: Session, execution_id: str, result: ScanResult) -> None:
    rows = [
        {
            "execution_id": execution_id,
            "analyser": run.analyzer,
            "language": run.language,
            "seconds": round(run.seconds, 3),
            "files": run.files,
            "failed": run.failed,
        }
        for run in result.analyzer_runs
    ]
    if rows:
        session.execute(insert(AnalyserRun), rows)


def _store_steps(session: Session, execution_id: str, times: StepTimes) -> None:
    rows = [
        {
            "execution_id": execution_id,
            "step": step.step[:128],
            "position": position,
            "wall_seconds": round(step.wall, 4),
            "cpu_seconds": round(step.cpu, 4),
            "child_cpu_seconds": round(step.child_cpu, 4),
        }
        for position, step in enumerate(times.items())
    ]
    if rows:
        session.execute(insert(ExecutionStep), rows)


def _store_files(session: Session, execution_id: str, result: ScanResult) -> None:
    unchecked = unchecked_reasons(result)
    rows = [
        {
            "execution_id": execution_id,
            "path": f.path,
            "language": f.language,
            "raw_lines": f.raw_lines,
            "duplicated_lines": f.duplicated_lines,
            "duplicated_blocks": f.duplicated_blocks,
            **asdict(summarize(f.functions)),
            "role": result.roles.get(f.path, Role.MAIN).value,
            "code_lines": result.code_lines.get(f.path, 0),
            "unchecked_reason": unchecked.get(f.path),
        }
        for f in result.metrics.files
    ]
    rows.extend(_left_out_rows(execution_id, result))
    for start in range(0, len(rows), BATCH):
        session.execute(insert(ExecutionFile), rows[start : start + BATCH])


def unchecked_reasons(result: ScanResult) -> dict[str, str]:
    """Per analysed file some analyser did not check: every analyser's reason, in one line."""
    reasons: dict[str, list[str]] = {}
    for notice in result.notices:
        reasons.setdefault(notice.path, []).append(f"{notice.analyzer}: {notice.reason}")
    return {path: "; ".join(found)[:255] for path, found in reasons.items()}


def _left_out_rows(execution_id: str, result: ScanResult) -> list[dict[str, object]]:
    """Generated, vendored and bundled files: listed with their reason and zero metrics."""
    return [
        {
            "execution_id": execution_id,
            "path": f.path,
            "language": f.language,
            "role": f.role.value,
            "unchecked_reason": f.reason[:255],
        }
        for f in result.left_out
    ]


def _summary(
    result: ScanResult,
    stored: list[Finding],
    findings: list[Finding],
    recorded: defect_tracking.Recorded,
    counted: dict[str, object],
    fixed: int,
) -> list[str]:
    """The log lines that close a successful execution."""
    verdict = counted["review_result"]
    lines = [
        f"{len(findings)} defects stored"
        f" ({counted['new_count']} new, {fixed} fixed since the last check)",
        f"Quality gate {'passed' if verdict == gate.GATE_PASSED else 'failed'}",
    ]
    lines[1:1] = recorded.changes.log_lines()
    if len(stored) > len(findings):
        lines.insert(1, f"{len(stored) - len(findings)} defects suppressed in the code: ignored")
    if result.partial:
        lines.insert(0, _partial_warning(result))
    lines.append("all subJob finish!")
    return lines


def _partial_warning(result: ScanResult) -> str:
    parts = []
    if result.failed_analyzers:
        parts.append("analysers failed: " + ", ".join(result.failed_analyzers))
    unchecked = {notice.path for notice in result.notices}
    if unchecked:
        parts.append(f"{len(unchecked)} files not fully checked (see the file list)")
    return "[WARNING] Partial result: " + "; ".join(parts)


def store(
    session: Session,
    *,
    execution_id: str,
    result: ScanResult,
    holder: str | None = None,
    attempt: int | None = None,
) -> None:
    """Write everything a successful scan produced, in the caller's transaction; with `holder`
    (and `attempt`), only while that worker still holds the execution (in that claim).

    Adds the steps storing, matching and gate to `result.times` and stores all its steps (the
    commit, after this returns, is in none of them)."""
    times = result.times
    execution = session.get(Execution, execution_id)
    assert execution is not None
    with times.step("storing"):
        stored = _unique(result.findings)
        _store_languages(session, execution_id, result)
        _store_analyzer_runs(session, execution_id, result)
        _store_files(session, execution_id, result)  # first: files it did not check fix nothing
    full = execution.job_type == JobType.FULL.value
    renamed = result.renamed() if full else None
    with times.step("matching"):
        recorded = defect_tracking.record(session, execution, stored, renamed=renamed, full=full)
    fixed = recorded.fixed
    # Suppressed defects are stored but count nowhere: not in the gate, totals or summaries.
    findings = [f for f in stored if f.suppression is None]
    with times.step("gate"):
        counted = execution_counts.derive(session, execution)
    verdict = counted["review_result"]
    lines = _summary(result, stored, findings, recorded, counted, fixed)
    moved = execution_states.move(
        session,
        execution_id,
        ExecutionStatus.SUCCESS,
        *lines,
        holder=holder,
        attempt=attempt,
        progress=100,
        commit_sha=result.commit,
        base_sha=None if full else result.base,
        partial=result.partial,
        **counted,
        code_lines=sum(s.code for s in result.languages.values()),
        file_total=sum(s.files for s in result.languages.values()),
        fixed_count=fixed,
    )
    if not moved:  # stopped or failed meanwhile: its results must not land (rolled back)
        raise ScanCancelled(f"execution {execution_id} is no longer running")
    _store_steps(session, execution_id, times)
    task = session.get(Task, execution.task_id)
    # An incremental result never stands for a full task's code as a whole.
    if full or (task is not None and task.task_type == "inc"):
        task_list_columns.result_stored(session, execution.task_id, execution_id, verdict)


def step_times(session: Session, execution_id: str) -> list[StepTime]:
    """The stored steps of an execution, in the order they started (none for a failed one)."""
    rows = session.scalars(
        select(ExecutionStep)
        .where(ExecutionStep.execution_id == execution_id)
        .order_by(ExecutionStep.position)
    )
    return [StepTime(r.step, r.wall_seconds, r.cpu_seconds, r.child_cpu_seconds) for r in rows]
