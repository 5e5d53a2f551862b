"""Response shapes of the v2 metric operations: metrics-summary and listpathtree."""

from __future__ import annotations

from opencheck.api.schemas.common import wire_time
from opencheck.api.schemas.v2_tasks import task_identity
from opencheck.services.metrics import CodeMetrics, PathNode

# MetricInfo keys OpenCheck does not compute (functions, complexity, depth, oversized
# files/folders, duplication, unsafe functions, warning suppressions): sent as "0".
NOT_COMPUTED = (
    "methods_total",
    "cyclomatic_complexity_total",
    "cyclomatic_complexity_per_method",
    "maximum_cyclomatic_complexity",
    "huge_cyclomatic_complexity_total",
    "huge_cyclomatic_complexity_ratio",
    "cca_cyclomatic_complexity_total",
    "cca_cyclomatic_complexity_per_method",
    "maximum_cca_cyclomatic_complexity",
    "huge_cca_cyclomatic_complexity_total",
    "cyclomatic_complexity_adequacy",
    "maximum_depth",
    "huge_depth_total",
    "huge_depth_ratio",
    "method_lines",
    "lines_per_method",
    "huge_method_total",
    "huge_method_ratio",
    "huge_headerfile_total",
    "huge_headerfile_ratio",
    "huge_non_headerfile_total",
    "huge_non_headerfile_ratio",
    "huge_folder_total",
    "huge_folder_ratio",
    "file_duplication_total",
    "file_duplication_ratio",
    "non_hfile_duplication_total",
    "non_hfile_duplication_ratio",
    "code_duplication_total",
    "code_duplication_ratio",
    "non_hfile_code_duplication_total",
    "non_hfile_code_duplication_ratio",
    "unsafe_functions_total",
    "unsafe_functions_kloc",
    "warning_suppression_total",
    "warning_suppression_kloc",
)


def _per(part: int, whole: int, scale: int = 1) -> str:
    return f"{scale * part / whole:.2f}" if whole else "0"


def metric_info(m: CodeMetrics) -> dict[str, str]:
    """MetricInfo: every value a string. Code size is code lines; raw lines add comments and
    blanks; lines per file is raw lines / files; folders come from the defects' paths."""
    lines = m.lines
    raw = lines.code + lines.comment + lines.blank
    info = dict.fromkeys(NOT_COMPUTED, "0")
    info.update(
        {
            "code_size": str(lines.code),
            "raw_lines": str(raw),
            "files_total": str(m.files),
            "folders_total": str(m.folders),
            "lines_per_file": _per(raw, m.files),
            "redundant_code_total": str(m.redundant_code),
            "redundant_code_kloc": _per(m.redundant_code, lines.code, 1000),
        }
    )
    return info


def task_cmetrics(m: CodeMetrics) -> dict[str, object]:
    """ShowTaskCmetricsResponse."""
    task, execution = m.task, m.execution
    return {
        **task_identity(task),
        "last_check_time": wire_time(execution.started_at or execution.created_at),
        "last_exec_time": wire_time(
            execution.finished_at or execution.started_at or execution.created_at
        ),
        "check_type": "source",
        "created_at": wire_time(task.created_at),
        "metric_info": metric_info(m),
    }


def path_tree(nodes: list[PathNode], *, offset: int, limit: int) -> dict[str, object]:
    """ShowTaskPathTreeResponse; `is_leaf` a JSON boolean, nothing ignored (files with
    defects were checked)."""
    return {
        "info": [
            {
                "file_name": n.name,
                "file_path": n.path,
                "is_leaf": n.is_leaf,
                "checkbox_status": "unchecked",
            }
            for n in nodes[offset : offset + limit]
        ],
        "total": len(nodes),
    }
