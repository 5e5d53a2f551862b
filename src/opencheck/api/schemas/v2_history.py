"""Wire format of checkrecord (CheckRecordResponse) and log-detail (ShowTasklogResponse)."""

from __future__ import annotations

from opencheck.api.schemas.common import wire_time
from opencheck.domain.severity import Severity
from opencheck.services.execution_states import log_line
from opencheck.services.history import CheckRecord, RecordPage, TaskLog

# checkrecord's spelling of the four counted levels (reference §7); info is not counted.
ISSUE_COUNT_KEYS = {
    Severity.CRITICAL: "critical",
    Severity.MAJOR: "serious",
    Severity.MINOR: "normal",
    Severity.SUGGESTION: "prompt",
}
# OpenCheck reads sources as UTF-8 and builds nothing before it analyses them.
ENCODING = "UTF-8"
COMPILE_CONFIG = ""


def _record(record: CheckRecord) -> dict[str, object]:
    execution = record.execution
    return {
        "check_time": wire_time(execution.started_at or execution.created_at),
        "check_end_time": wire_time(execution.finished_at),
        "issue_counts": {key: record.counts[level] for level, key in ISSUE_COUNT_KEYS.items()},
    }


def check_record(page: RecordPage) -> dict[str, object]:
    return {"data": [_record(r) for r in page.records], "total": page.total}


def task_log(found: TaskLog) -> dict[str, object]:
    """`param_info` says what was checked; `log_info` has one entry per line of the log,
    `log` being that line as the /v1 log text renders it."""
    settings = found.settings
    return {
        "param_info": {
            "url": settings.url,
            "branch": settings.branch,
            "language": ",".join(settings.languages),
            "exclude_dir": settings.exclude,
            "encode": ENCODING,
            "compile_config": COMPILE_CONFIG,
            "rule_template": ",".join(settings.rule_sets),
        },
        "log_info": [
            {
                "display_name": row.text,
                "log": log_line(row).rstrip("\n"),
                "level": row.level,
                "analysis": "",
                "faq": "",
            }
            for row in found.lines
        ],
    }
