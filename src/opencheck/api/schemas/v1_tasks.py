"""GET /v1/tasks wire format: seed 004's camelCase keys inside httpStatus/result/status."""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache

from opencheck.api.schemas.common import wire_time
from opencheck.domain import gate
from opencheck.domain.executions import ExecutionStatus
from opencheck.services.permissions import Action
from opencheck.services.task_details import TaskView
from opencheck.store.models import ConfigTemplate, Execution, utcnow

REVIEW_NAMES_JSON = {
    0: "Number of critical issues",
    1: "Number of major issues",
    2: "Number of minor issues",
    3: "Number of suggestion issues",
}


def review_data(items: Sequence[gate.GateItem]) -> list[dict[str, object]]:
    """ReviewDataInfoResponse items of a task's gate."""
    return [
        {
            "compareType": "≤",
            "isCheck": 1 if item.enabled else 0,
            "name": gate.GATE_ITEM_NAMES[item.severity],
            "value": item.threshold,
        }
        for item in items
    ]


def review_data_json(template: ConfigTemplate) -> str:
    """The gate as the JSON string of `reviewDataJson` (and of the `reviewData` setting)."""
    return _review_json(gate.from_json(template.review_data))


def _review_json(items: Sequence[gate.GateItem]) -> str:
    entries = [
        {
            "compareType": "≤",
            "isCheck": 1 if item.enabled else 0,
            "name": REVIEW_NAMES_JSON[int(item.severity)],
            "value": item.threshold,
        }
        for item in items
    ]
    return json.dumps(entries, ensure_ascii=False, separators=(",", ":"))


@lru_cache(maxsize=256)
def _gate_wire(stored: str) -> tuple[list[dict[str, object]], str]:
    """`reviewData` and `reviewDataJson` of a gate stored as JSON text. A list page shows a
    handful of distinct gates, ten times over: each is rendered once. The list is shared by
    every answer that shows that gate, and only ever read."""
    items = gate.from_json(json.loads(stored))
    return review_data(items), _review_json(items)


def job_result(execution: Execution | None) -> dict[str, object]:
    """JobResultInfo; zeros when the task has no successful execution yet."""
    e = execution
    unsolved = e.defect_count if e else 0
    return {
        "CRITICAL": e.major_count if e else 0,
        "DELAYSTATUS_COUNT": e.delayed_count if e else 0,
        "FATAL": e.critical_count if e else 0,
        "GENERAL": e.minor_count if e else 0,
        "INFO": e.info_count if e else 0,
        "PROMPT": e.suggestion_count if e else 0,
        "codeLine": e.code_lines if e else 0,
        "defectCount": e.defect_count if e else 0,
        "dismissed": e.dismissed_count if e else 0,
        "fileTotal": e.file_total if e else 0,
        "fixed": e.fixed_count if e else 0,
        "id": e.id if e else "",
        "jobId": e.id if e else "",
        "newUnsolvedDefectCount": e.new_count if e else 0,
        "nonSecurityDefectCount": (e.defect_count - e.security_count) if e else 0,
        "reviewResult": (e.review_result or "") if e else "",
        "securityDefectCount": e.security_count if e else 0,
        "solvedDefectCount": e.fixed_count if e else 0,
        "unsolvedDefectCount": unsolved,
    }


def _process(e: Execution, log: str) -> dict[str, object]:
    seconds = 0
    if e.started_at is not None:
        end = e.finished_at or utcnow()
        seconds = max(0, int((end - e.started_at).total_seconds()))
    status = ExecutionStatus(e.status)
    return {
        "exeTime": str(seconds),
        "executeTime": f"{seconds // 60}m{seconds % 60}s",
        "message": log,
        "process": f"{100 if status == ExecutionStatus.SUCCESS else e.progress}%",
        "status": e.status,
    }


def last_job(view: TaskView) -> dict[str, object] | None:
    """JobBasicInfo of the latest execution (None when the task never ran)."""
    e = view.last_execution
    if e is None:
        return None
    own_result = e if e.status == ExecutionStatus.SUCCESS else None
    return {
        "executor": e.executor,
        "finishTime": wire_time(e.finished_at),
        "id": e.id,
        "jobResult": job_result(own_result),
        "jobType": e.job_type,
        "process": _process(e, view.last_log),
        "ruleSets": [],
        "startTime": wire_time(e.started_at),
        "status": e.status,
        "taskId": e.task_id,
    }


def _rule_sets(view: TaskView) -> list[dict[str, str]]:
    return [{"language": lang, "ruleSetId": rsid} for lang, rsid in view.rule_sets]


def config_template(view: TaskView, region: str) -> dict[str, object]:
    """ConfigTemplateBasicInfo."""
    t = view.template
    gate_items, gate_json = _gate_wire(t.review_data)  # the text, not the JSON (task_details)
    return {
        "arch": t.arch,
        "branch": t.branch,
        "createTime": wire_time(t.created_at),
        "creator": t.creator,
        "exclude": t.exclude,
        "id": t.id,
        "includePaths": t.include_paths,
        "lastReviser": t.last_reviser,
        "lastUpdateTime": wire_time(t.updated_at),
        "name": t.name,
        "projectId": t.project_id,
        "projectName": view.project_name,
        "region": region,
        "repoType": t.repo_type,
        "repoUrl": t.repo_url,
        "resourcePoolId": t.resource_pool_id,
        "resourcePoolName": t.resource_pool_name,
        "resource_pool_type": t.resource_pool_type,
        "reviewData": gate_items,
        "reviewDataJson": gate_json,
        "ruleSets": _rule_sets(view),
    }


def task_basic_info(view: TaskView, region: str) -> dict[str, object]:
    """TaskBasicInfo of seed 004."""
    task = view.task
    return {
        "branchName": task.git_branch,
        "canDelete": view.permissions[Action.DELETE],
        "canEdit": view.permissions[Action.EDIT],
        "canExecute": view.permissions[Action.EXECUTE],
        "canRead": view.permissions[Action.GET],
        "configTemplate": config_template(view, region),
        "configTemplateId": view.template.id,
        "createTime": wire_time(task.created_at),
        "id": task.id,
        "isFollowed": view.followed,
        "jobResult": job_result(view.result_execution),
        "lastJob": last_job(view),
        # OpenCheck's: what the gate judges (full, or new code since newCodeSince).
        "gateScope": task.gate_scope,
        "newCodeSince": task.new_code_since or "first",
        "lastUpdateTime": wire_time(task.updated_at),
        "name": task.name,
        "owner": view.owner,
        "projectId": task.project_id,
        "projectName": view.project_name,
        "region": region,
        "repoUrl": task.git_url,
        "ruleSets": _rule_sets(view),
        "ruleType": view.template.rule_type,
        "taskGroupId": task.group_id or "",
    }


def envelope(views: list[TaskView], total: int, region: str) -> dict[str, object]:
    return {
        "httpStatus": "OK",
        "result": {"info": [task_basic_info(v, region) for v in views], "total": total},
        "status": "success",
    }
