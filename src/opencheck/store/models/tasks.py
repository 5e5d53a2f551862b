"""Tasks, their groups, check templates, list counts, name pieces, parameters, followers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, validates

from opencheck.domain.defects import RuleType
from opencheck.store.models.base import Base, UTCDateTime, id_column, utcnow


class TaskGroup(Base):
    __tablename__ = "task_groups"
    id: Mapped[str] = id_column()
    project_id: Mapped[str] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(256))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ConfigTemplate(Base):
    """A task's check configuration (CodeArts `configTemplate`)."""

    __tablename__ = "config_templates"
    id: Mapped[str] = id_column()
    project_id: Mapped[str] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(256))
    repo_url: Mapped[str] = mapped_column(String(2048))
    repo_type: Mapped[str] = mapped_column(String(32))
    branch: Mapped[str] = mapped_column(String(512))
    include_paths: Mapped[str] = mapped_column(Text, default="")
    exclude: Mapped[str] = mapped_column(Text, default="")
    # Paths (prefixes or globs, like `exclude`) that hold test code besides the conventions.
    test_paths: Mapped[str] = mapped_column(Text, default="", server_default="")
    arch: Mapped[str] = mapped_column(String(16), default="x86")
    rule_type: Mapped[str] = mapped_column(String(16), default=RuleType.BASIC.value)
    resource_pool_id: Mapped[str] = mapped_column(String(128), default="")
    resource_pool_name: Mapped[str] = mapped_column(String(256), default="")
    resource_pool_type: Mapped[str] = mapped_column(String(32), default="default")
    review_data: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    creator: Mapped[str] = mapped_column(String(128))
    last_reviser: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TemplateRuleSet(Base):
    __tablename__ = "template_rule_sets"
    template_id: Mapped[str] = mapped_column(
        ForeignKey("config_templates.id", ondelete="CASCADE"), primary_key=True
    )
    language: Mapped[str] = mapped_column(String(64), primary_key=True)
    ruleset_id: Mapped[str] = mapped_column(ForeignKey("rule_sets.id"), index=True)


class Task(Base):
    __tablename__ = "tasks"
    __table_args__ = (
        Index("ix_tasks_created_at_id", "created_at", "id"),
        Index("ix_tasks_last_status", "last_status", "created_at", "id"),
        Index("ix_tasks_result_review", "result_review", "created_at", "id"),
        Index("ix_tasks_git_branch", "git_branch", "created_at", "id"),
        Index("ix_tasks_last_executed_at_id", "last_executed_at", "id"),
        Index("ix_tasks_project_created", "project_id", "created_at", "id"),
        Index("ix_tasks_project_executed", "project_id", "last_executed_at", "id"),
        # What a name search reads, tests and orders by: an index-only scan (migration 0024).
        Index(
            "ix_tasks_name_search",
            "name_folded",
            "created_at",
            "last_executed_at",
            "project_id",
            "id",
        ),
    )
    id: Mapped[str] = id_column()
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    template_id: Mapped[str] = mapped_column(ForeignKey("config_templates.id"), index=True)
    group_id: Mapped[str | None] = mapped_column(
        ForeignKey("task_groups.id", ondelete="SET NULL"), nullable=True, index=True
    )
    name: Mapped[str] = mapped_column(String(512), index=True)
    # The name lower-cased by Python, set with it: the list's substring search is a plain LIKE,
    # three times cheaper than ILIKE, and folds non-ASCII names alike on both databases.
    name_folded: Mapped[str] = mapped_column(String(1024), server_default="")
    creator_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    git_url: Mapped[str] = mapped_column(String(2048))
    git_url_key: Mapped[str] = mapped_column(String(2048), index=True)
    git_branch: Mapped[str] = mapped_column(String(512))
    username_enc: Mapped[str | None] = mapped_column(Text, nullable=True)
    access_token_enc: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Denormalised pointers for the task list: the latest execution and the latest successful one.
    last_execution_id: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    last_result_execution_id: Mapped[str | None] = mapped_column(
        String(32), nullable=True, index=True
    )
    # Copies for the task list's filters and orders (services.task_columns keeps them true):
    # the latest execution's status and start (else queueing) time, the latest result's verdict.
    last_status: Mapped[str | None] = mapped_column(String(16), nullable=True)
    last_executed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    result_review: Mapped[str | None] = mapped_column(String(16), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    task_type: Mapped[str] = mapped_column(String(8), default="full", server_default="full")
    # An incremental task: whose triage it shares, and the merge request it checks.
    parent_task_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    inc_source_branch: Mapped[str | None] = mapped_column(String(512), nullable=True)
    inc_target_branch: Mapped[str | None] = mapped_column(String(512), nullable=True)
    merge_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # The gate judges every defect ("full") or those new since `new_code_since` ("new").
    gate_scope: Mapped[str] = mapped_column(String(8), default="full", server_default="full")
    new_code_since: Mapped[str | None] = mapped_column(String(64), nullable=True)

    @validates("name")
    def _fold_name(self, _: str, name: str) -> str:
        self.name_folded = name.lower()
        return name


class TaskNameGram(Base):
    """Each three-character piece of a task's folded name (services.task_search): a substring
    search reads the tasks of its rarest piece instead of testing every name."""

    __tablename__ = "task_name_grams"
    __table_args__ = (Index("ix_task_name_grams_task_id", "task_id"),)
    gram: Mapped[str] = mapped_column(String(16), primary_key=True)
    task_id: Mapped[str] = mapped_column(
        ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True
    )


class TaskCount(Base):
    """A change to how many tasks of a project a list filter matches (services.task_counts):
    written in the transaction that changes the tasks, summed when the list is read, and
    merged into one row per project and filter by the upkeep."""

    __tablename__ = "task_counts"
    __table_args__ = (Index("ix_task_counts_facet_project", "facet", "project_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    facet: Mapped[str] = mapped_column(String(600))  # "all", "status:failed", "branch:main"…
    delta: Mapped[int] = mapped_column(Integer)


class TaskCheckParameter(Base):
    """A task's own value of a threshold of its rule set (`config-parameters`); it wins over the
    rule set's value while its status is on."""

    __tablename__ = "task_check_parameters"
    task_id: Mapped[str] = mapped_column(
        ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True
    )
    ruleset_id: Mapped[str] = mapped_column(
        ForeignKey("rule_sets.id", ondelete="CASCADE"), primary_key=True
    )
    cfg_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)


class TaskFollower(Base):
    __tablename__ = "task_followers"
    task_id: Mapped[str] = mapped_column(
        ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
