"""Response shapes of the v2 defect operations (snake_case): detail, statistic, summary."""

from __future__ import annotations

from pydantic import Field

from opencheck.api.schemas.common import Body, wire_time
from opencheck.api.schemas.v2_tasks import task_identity
from opencheck.domain.defects import DefectStatus
from opencheck.domain.severity import Severity
from opencheck.engine.analyzers.registry import rule
from opencheck.services.defects import (
    DefectCounts,
    DefectPage,
    DefectSummary,
    DefectView,
)
from opencheck.store.models import Execution


class UpdateDefectBody(Body):
    """UpdateDefectRequestBody, with OpenCheck's optional `reason` for the history."""

    defect_id: str = Field(min_length=1, max_length=20_000)
    defect_status: str = Field(pattern="^[012]$")
    reason: str | None = Field(default=None, max_length=1000)
    # OpenCheck's: when an ignore ends, or until when an unresolved defect is deferred.
    expires_at: str | None = Field(default=None, max_length=32)

    def ids(self) -> list[str]:
        return [part.strip() for part in self.defect_id.split(",") if part.strip()]


# Severity names of defects-statistic (`severity.<name>`) and defects-summary (`<name>_count`).
# The contract stops at suggestion; info is the fifth key, named as CodeArts names the others.
STATISTIC_KEYS = {
    Severity.CRITICAL: "critical",
    Severity.MAJOR: "major",
    Severity.MINOR: "minor",
    Severity.SUGGESTION: "suggestion",
    Severity.INFO: "info",
}


def _checked_at(execution: Execution) -> str | None:
    return wire_time(execution.started_at or execution.created_at)


def _fragment(defect: DefectView, around: list[tuple[int, str]] | None) -> list[dict[str, object]]:
    """The lines around the defect; the stored line alone when its file is not at hand."""
    lines = around or [(defect.line, defect.code_line)]
    return [
        {
            "line_num": str(number),
            "line_content": text,
            "start_offset": defect.column if number == defect.line else 0,
            "end_offset": len(text),
        }
        for number, text in lines
    ]


def defect_info(
    defect: DefectView, execution: Execution, around: list[tuple[int, str]] | None = None
) -> dict[str, object]:
    """DefectInfoV2: the code fragment around the defect and one main event."""
    meta = rule(defect.rule_id)
    return {
        "defect_id": str(defect.id),
        "defect_checker_name": defect.rule_id,
        "defect_status": str(defect.status),
        # Not in the contract: why a marker in the code ignores the defect (status 2), else null.
        "ignore_reason": defect.suppression,
        # Not in the contract: "1" for a security hotspot (a sensitive use to review, which no
        # gate counts), "0" for a defect.
        "is_hotspot": "1" if defect.hotspot else "0",
        "rule_system_tags": ",".join(meta.tags) if meta is not None else "",
        "rule_name": meta.name if meta is not None else defect.rule_id,
        "line_number": str(defect.line),
        "defect_content": defect.message,
        "defect_level": str(defect.severity),
        "file_path": defect.file_path,
        "created_at": _checked_at(execution),
        "issue_key": defect.fingerprint,
        "fragment": _fragment(defect, around),
        "events": [
            {
                "description": defect.message,
                "fix_suggestions": [],
                "line": defect.line,
                "end_line": defect.line,
                "code_context_start_line": defect.line,
                "main": True,
                "path": defect.file_path,
                "tag": "main",
                "main_buggy_code": defect.code_line,
                "code_context": defect.code_line,
                "events": [],
            }
        ],
    }


def task_defects(
    page: DefectPage, fragments: dict[int, list[tuple[int, str]]] | None = None
) -> dict[str, object]:
    """ShowTaskDefectsResponse; `fragments` maps a defect id to the lines around it."""
    around = fragments or {}
    return {
        "defects": [defect_info(d, page.execution, around.get(d.id)) for d in page.defects],
        "total": page.total,
    }


def defects_statistic(counts: DefectCounts) -> dict[str, object]:
    """ShowTaskDefectsStatisticResponse: severities over unresolved defects, statuses over all.

    The five severity buckets (info included) add up to the unresolved status count."""
    return {
        "severity": {STATISTIC_KEYS[level]: number for level, number in counts.by_severity.items()},
        "status": {
            "unresolved": counts.by_status[DefectStatus.UNRESOLVED],
            "resolved": counts.by_status[DefectStatus.RESOLVED],
            "dismissed": counts.by_status[DefectStatus.IGNORED],
        },
    }


def _average(total: int, count: int) -> str:
    return f"{total / count:.2f}" if count else "0"


def _ratio(part: int, whole: int) -> str:
    return f"{100 * part / whole:.2f}%" if whole else "0.00%"


def task_detail(summary: DefectSummary) -> dict[str, object]:
    """ShowTaskDetailResponse, with the contract's mixed JSON types.

    Comment ratio is comment lines / (code lines + comment lines); duplication ratio is
    duplicated lines / all lines of main code. Code quality and risk are not computed and are
    sent as zero.
    """
    task, execution, sev = summary.task, summary.execution, summary.counts.by_severity
    lines, totals = summary.lines, summary.totals
    return {
        **task_identity(task),
        "last_check_time": _checked_at(execution),
        "code_line_total": lines.code + lines.comment + lines.blank,
        "code_line": execution.code_lines,
        "code_quality": 0.0,
        "issue_count": sum(sev.values()),
        "risk_coefficient": 0.0,
        "duplication_ratio": _ratio(totals.duplicated_lines, totals.main_raw_lines),
        "complexity_count": totals.complexity,
        "duplicated_lines": totals.duplicated_lines,
        "comment_lines": lines.comment,
        "comment_ratio": _ratio(lines.comment, lines.code + lines.comment),
        "duplicated_blocks": totals.duplicated_blocks,
        "last_exec_time": wire_time(
            execution.finished_at or execution.started_at or execution.created_at
        ),
        "check_type": "source",
        "created_at": wire_time(task.created_at),
        "cyclomatic_complexity_per_method": _average(totals.complexity, totals.functions),
        "cyclomatic_complexity_per_file": _average(totals.complexity, totals.files),
        **{f"{STATISTIC_KEYS[level]}_count": str(number) for level, number in sev.items()},
        "is_access": execution.review_result or "",
        "trigger_type": "manual",
        "file_duplication_ratio": _ratio(totals.duplicated_files, totals.main_files),
    }
