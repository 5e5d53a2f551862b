"""Response shapes of the v2 metric operations: metrics-summary and listpathtree."""

from __future__ import annotations

from opencheck.api.schemas.common import wire_time
from opencheck.api.schemas.v2_tasks import task_identity
from opencheck.services.code_totals import CodeTotals
from opencheck.services.metrics import CodeMetrics, PathNode

# MetricInfo keys of analyses OpenCheck does not run (unsafe-function and warning-suppression
# counting): sent as "0".
NOT_COMPUTED = (
    "unsafe_functions_total",
    "unsafe_functions_kloc",
    "warning_suppression_total",
    "warning_suppression_kloc",
)


def _per(part: int, whole: int, scale: int = 1) -> str:
    return f"{scale * part / whole:.2f}" if whole else "0"


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.2f}%" if whole else "0.00%"


def _complexity(t: CodeTotals) -> dict[str, str]:
    return {
        "methods_total": str(t.functions),
        "cyclomatic_complexity_total": str(t.complexity),
        "cyclomatic_complexity_per_method": _per(t.complexity, t.functions),
        "maximum_cyclomatic_complexity": str(t.max_complexity),
        "huge_cyclomatic_complexity_total": str(t.huge_complexity),
        "huge_cyclomatic_complexity_ratio": _percent(t.huge_complexity, t.functions),
        "cca_cyclomatic_complexity_total": str(t.cca_complexity),
        "cca_cyclomatic_complexity_per_method": _per(t.cca_complexity, t.functions),
        "maximum_cca_cyclomatic_complexity": str(t.max_cca_complexity),
        "huge_cca_cyclomatic_complexity_total": str(t.huge_cca_complexity),
        "cyclomatic_complexity_adequacy": _percent(t.functions - t.huge_complexity, t.functions),
        "maximum_depth": str(t.max_depth),
        "huge_depth_total": str(t.huge_depth),
        "huge_depth_ratio": _percent(t.huge_depth, t.functions),
        "method_lines": str(t.method_lines),
        "lines_per_method": _per(t.method_lines, t.functions),
        "huge_method_total": str(t.huge_methods),
        "huge_method_ratio": _percent(t.huge_methods, t.functions),
    }


def _size_and_duplication(t: CodeTotals) -> dict[str, str]:
    """Duplicated lines are physical lines, as a share of all lines (SonarQube's density)."""
    return {
        "huge_headerfile_total": str(t.huge_headers),
        "huge_headerfile_ratio": _percent(t.huge_headers, t.headers),
        "huge_non_headerfile_total": str(t.huge_sources),
        "huge_non_headerfile_ratio": _percent(t.huge_sources, t.source_files),
        "huge_folder_total": str(t.huge_folders),
        "huge_folder_ratio": _percent(t.huge_folders, t.folders),
        "file_duplication_total": str(t.duplicated_files),
        "file_duplication_ratio": _percent(t.duplicated_files, t.main_files),
        "non_hfile_duplication_total": str(t.source_duplicated_files),
        "non_hfile_duplication_ratio": _percent(t.source_duplicated_files, t.source_files),
        "code_duplication_total": str(t.duplicated_blocks),
        "code_duplication_ratio": _percent(t.duplicated_lines, t.main_raw_lines),
        "non_hfile_code_duplication_total": str(t.source_duplicated_lines),
        "non_hfile_code_duplication_ratio": _percent(t.source_duplicated_lines, t.source_raw_lines),
    }


def metric_info(m: CodeMetrics) -> dict[str, str]:
    """MetricInfo: every value a string, ratios as percentages. Code size is code lines; raw
    lines add comments and blanks; lines per file is raw lines / files."""
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
            # OpenCheck's extensions: the code no analyser or only some analysers checked.
            "checked_code_lines": str(max(0, lines.code - m.unchecked.code_lines)),
            "unchecked_code_lines": str(m.unchecked.code_lines),
            "unchecked_files_total": str(m.unchecked.files),
            **_complexity(m.totals),
            **_size_and_duplication(m.totals),
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
    """ShowTaskPathTreeResponse; `is_leaf` a JSON boolean.

    `checkbox_status` is "all" for a file (or folder) left out as generated, vendored or
    bundled, "half" for a folder holding some; `code_role` and `unchecked_reason` are
    OpenCheck's extensions (null on a folder whose files differ).
    """
    return {
        "info": [
            {
                "file_name": n.name,
                "file_path": n.path,
                "is_leaf": n.is_leaf,
                "checkbox_status": n.checkbox_status,
                "code_role": n.role,
                "unchecked_reason": n.unchecked_reason,
            }
            for n in nodes[offset : offset + limit]
        ],
        "total": len(nodes),
    }
