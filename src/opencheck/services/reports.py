"""An execution's defects as a report document (SARIF, GitLab Code Quality, OpenCheck JSON),
rendered by the same formatters as `opencheck scan`."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from opencheck.domain import gate
from opencheck.domain.defects import DefectStatus
from opencheck.domain.findings import Finding
from opencheck.domain.roles import Role
from opencheck.domain.severity import Severity
from opencheck.errors import InvalidParameter
from opencheck.reports.base import GateOutcome, Report
from opencheck.reports.formats import FORMATS
from opencheck.services.auth import Principal
from opencheck.services.defects import EFFECTIVE_STATUS, result_execution
from opencheck.store.models import DefectOccurrence, ExecutionFile, TaskDefect

SERVED = ("sarif", "gitlab", "json")
IGNORED = DefectStatus.IGNORED.value


def render(
    session: Session, *, principal: Principal, task_id: str, execution_id: str | None, kind: str
) -> str:
    """The document of the execution's (else the latest result's) defects in format `kind`.

    Defects ignored by triage are marked as suppressed, with the reason of their status; resolved
    ones are left out, as the defect lists leave them out by default.
    """
    if kind not in SERVED:
        raise InvalidParameter(f"format must be one of {', '.join(SERVED)}")
    _task, execution = result_execution(
        session, principal=principal, task_id=task_id, execution_id=execution_id
    )
    rows = session.execute(
        select(DefectOccurrence, TaskDefect, EFFECTIVE_STATUS)
        .join(TaskDefect, TaskDefect.id == DefectOccurrence.defect_id)
        .where(DefectOccurrence.execution_id == execution.id)
        .order_by(DefectOccurrence.file_path, DefectOccurrence.line, DefectOccurrence.column)
    ).all()
    findings = [
        Finding(
            rule_id=d.rule_id,
            severity=Severity(o.severity),
            path=o.file_path,
            line=o.line,
            column=o.column,
            message=o.message,
            code_line=o.code_line,
            fingerprint=d.fingerprint,
            language=d.language,
            suppression=o.suppression or ("ignored in triage" if status == IGNORED else None),
            hotspot=d.hotspot,
            line_key=d.line_key or "",
        )
        for o, d, status in rows
        if status != DefectStatus.RESOLVED
    ]
    roles = dict(
        session.execute(
            select(ExecutionFile.path, ExecutionFile.role).where(
                ExecutionFile.execution_id == execution.id
            )
        ).all()
    )
    verdict = execution.review_result
    outcome = None if verdict is None else GateOutcome(verdict == gate.GATE_PASSED, None)
    report = Report(
        findings=findings,
        roles={path: Role(role) for path, role in roles.items() if role},
        gate=outcome,
        partial=execution.partial,
    )
    return FORMATS[kind](report)
