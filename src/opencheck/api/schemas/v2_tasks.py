"""Request and response shapes of the v2 task and execution operations (snake_case)."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from opencheck.api.schemas.common import Body, wire_time
from opencheck.domain.defects import RuleType
from opencheck.domain.executions import ExecutionStatus
from opencheck.services.executions import RunOptions
from opencheck.services.incremental import IncSettings
from opencheck.services.tasks import NewTask
from opencheck.store.models import Execution, Task


class RuleSetV2(Body):
    ruleset_id: str | None = Field(default=None, max_length=64)
    language: str = Field(min_length=1, max_length=64)


class IncConfigV2(Body):
    parent_task_id: str | None = None
    git_source_branch: str | None = None
    git_target_branch: str | None = None
    merge_id: str | None = None
    event_type: str | None = None
    action: str | None = None
    title: str | None = None

    def to_settings(self) -> IncSettings:
        return IncSettings(
            parent_task_id=self.parent_task_id,
            source_branch=self.git_source_branch,
            target_branch=self.git_target_branch,
            merge_id=self.merge_id,
        )


class CreateTaskRequestV2(Body):
    git_url: str = Field(min_length=1, max_length=2048)
    git_branch: str = Field(min_length=1, max_length=255)
    language: list[str] | None = Field(default=None, max_length=32)
    rule_sets: list[RuleSetV2] | None = Field(default=None, max_length=32)
    check_type: list[str] | None = None
    task_type: str | None = Field(default=None, pattern="^(full|inc)$")
    username: str | None = Field(default=None, max_length=256)
    access_token: str | None = Field(default=None, max_length=4096)
    endpoint_id: str | None = None
    inc_config: IncConfigV2 | None = None
    enable_fossbot: bool | None = None
    resource_pool_id: str | None = Field(default=None, max_length=128)
    # OpenCheck extensions (documented in docs/api.md).
    task_name: str | None = Field(default=None, max_length=512)
    task_group_id: str | None = Field(default=None, max_length=32)
    rule_type: str | None = Field(default=None, pattern="^(basic|security)$")
    include_paths: str | None = Field(default=None, max_length=4096)
    exclude: str | None = Field(default=None, max_length=4096)
    test_paths: str | None = Field(default=None, max_length=4096)

    def to_new_task(self) -> NewTask:
        return NewTask(
            git_url=self.git_url,
            git_branch=self.git_branch,
            languages=list(self.language or []),
            rule_sets={rs.language: rs.ruleset_id for rs in self.rule_sets or []},
            task_name=self.task_name,
            task_group_id=self.task_group_id,
            username=self.username,
            access_token=self.access_token,
            resource_pool_id=self.resource_pool_id or "",
            rule_type=self.rule_type or RuleType.BASIC,
            include_paths=self.include_paths or "",
            exclude=self.exclude or "",
            test_paths=self.test_paths or "",
            task_type=self.task_type,
            inc=self.inc_config.to_settings() if self.inc_config else None,
        )


class RunRequestV2(Body):
    ref: str | None = Field(default=None, max_length=32)
    git_url: str | None = Field(default=None, max_length=2048)
    git_branch: str | None = Field(default=None, max_length=255)
    username: str | None = Field(default=None, max_length=256)
    access_token: str | None = Field(default=None, max_length=4096)
    # OpenCheck extensions (documented in docs/api.md): which incremental check to run.
    job_type: str | None = Field(default=None, max_length=32)
    commit_id: str | None = Field(default=None, max_length=64)
    merge_id: str | None = Field(default=None, max_length=16)

    def to_options(self) -> RunOptions:
        return RunOptions(
            ref=self.ref,
            merge_id=self.merge_id,
            job_type=self.job_type,
            commit_id=self.commit_id,
            git_url=self.git_url,
            git_branch=self.git_branch,
            username=self.username,
            access_token=self.access_token,
        )


def task_identity(task: Task) -> dict[str, object]:
    """The task keys that every v2 task-level response starts with."""
    return {
        "task_id": task.id,
        "task_name": task.name,
        "creator_id": task.creator_id,
        "git_url": task.git_url,
        "git_branch": task.git_branch,
    }


def simple_task_info(task: Task, last_check: datetime | None) -> dict[str, object]:
    """SimpleTaskInfoV2 of seed 003."""
    return {
        **task_identity(task),
        "created_at": wire_time(task.created_at),
        "last_check_time": wire_time(last_check),
    }


def progress_detail(execution: Execution, last_message: str) -> dict[str, object]:
    """ShowProgressDetailResponse: integer task_status, progress while checking."""
    status = ExecutionStatus(execution.status)
    body: dict[str, object] = {"task_status": status.progress_code}
    ratio = 100 if status == ExecutionStatus.SUCCESS else execution.progress
    body["progress"] = {"ratio": f"{ratio}%", "info": last_message}
    body["exec_id"] = execution.id
    return body
