"""ORM tables. Ids are 32-char lower-case hex strings (uuid4 without dashes)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, validates

from opencheck.domain.defects import RuleType

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_id() -> str:
    """A fresh 32-hex id."""
    return uuid.uuid4().hex


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on both SQLite (which drops tzinfo) and PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value

    def result_processor(self, dialect: Any, coltype: Any) -> Any:
        # Every column of this type is `timestamp with time zone` on PostgreSQL, which psycopg
        # reads as aware datetimes already: no call per value (a task list page reads ~170).
        if dialect.name == "postgresql":
            return None
        return super().result_processor(dialect, coltype)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _id() -> Mapped[str]:
    return mapped_column(String(32), primary_key=True, default=new_id)


class User(Base):
    __tablename__ = "users"
    id: Mapped[str] = _id()
    name: Mapped[str] = mapped_column(String(128), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuthToken(Base):
    __tablename__ = "auth_tokens"
    id: Mapped[str] = _id()
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class UsedSignature(Base):
    """A signature of a state-changing request, refused if seen again before it expires."""

    __tablename__ = "used_signatures"
    signature: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class LoginFailure(Base):
    """Recent failed logins of one user name or one client address, for the backoff."""

    __tablename__ = "login_failures"
    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class AccessKey(Base):
    """An AK/SK pair for SDK-HMAC-SHA256 signatures; the secret is stored encrypted."""

    __tablename__ = "access_keys"
    id: Mapped[str] = _id()
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    access_key: Mapped[str] = mapped_column(String(64), unique=True)
    secret_enc: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Project(Base):
    __tablename__ = "projects"
    id: Mapped[str] = _id()
    name: Mapped[str] = mapped_column(String(256))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ProjectMember(Base):
    __tablename__ = "project_members"
    project_id: Mapped[str] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(32))


class TaskGroup(Base):
    __tablename__ = "task_groups"
    id: Mapped[str] = _id()
    project_id: Mapped[str] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(256))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RuleSet(Base):
    """A named selection of rules for one language; system sets have no project."""

    __tablename__ = "rule_sets"
    id: Mapped[str] = _id()
    project_id: Mapped[str | None] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), nullable=True, index=True
    )
    name: Mapped[str] = mapped_column(String(512))
    language: Mapped[str] = mapped_column(String(64))
    is_system: Mapped[bool] = mapped_column(Boolean, default=False)
    creator_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RuleSetRule(Base):
    """One catalog rule of a custom rule set (system sets are computed from the catalog)."""

    __tablename__ = "rule_set_rules"
    ruleset_id: Mapped[str] = mapped_column(
        ForeignKey("rule_sets.id", ondelete="CASCADE"), primary_key=True
    )
    rule_id: Mapped[str] = mapped_column(String(128), primary_key=True)  # catalog id, `ruff:F401`
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    severity: Mapped[int | None] = mapped_column(Integer, nullable=True)  # None: rule default


class RuleSetOption(Base):
    """A custom rule set's value of one rule threshold (`rule_config_list`); absent: default."""

    __tablename__ = "rule_set_options"
    ruleset_id: Mapped[str] = mapped_column(
        ForeignKey("rule_sets.id", ondelete="CASCADE"), primary_key=True
    )
    rule_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    option_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)


class ProjectDefaultRuleSet(Base):
    """The rule set a project's new tasks use for one language (else the system default)."""

    __tablename__ = "project_default_rule_sets"
    project_id: Mapped[str] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    language: Mapped[str] = mapped_column(String(64), primary_key=True)
    ruleset_id: Mapped[str] = mapped_column(
        ForeignKey("rule_sets.id", ondelete="CASCADE"), index=True
    )


class ConfigTemplate(Base):
    """A task's check configuration (CodeArts `configTemplate`)."""

    __tablename__ = "config_templates"
    id: Mapped[str] = _id()
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
    id: Mapped[str] = _id()
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


class Execution(Base):
    """One run of a task; keeps its own results forever."""

    __tablename__ = "executions"
    __table_args__ = (
        Index("ix_executions_status_created", "status", "created_at"),
        Index("ix_executions_status_pool", "status", "pool"),
    )
    id: Mapped[str] = _id()
    task_id: Mapped[str] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    job_type: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    progress: Mapped[int] = mapped_column(Integer, default=0)
    executor: Mapped[str] = mapped_column(String(128))
    git_url: Mapped[str] = mapped_column(String(2048))
    git_branch: Mapped[str] = mapped_column(String(512))
    credentials_enc: Mapped[str | None] = mapped_column(Text, nullable=True)
    ref: Mapped[str | None] = mapped_column(String(32), nullable=True)
    commit_sha: Mapped[str | None] = mapped_column(String(64), nullable=True)
    base_sha: Mapped[str | None] = mapped_column(String(64), nullable=True)  # incremental only
    merge_id: Mapped[str | None] = mapped_column(String(64), nullable=True)  # with `ref`
    # The agent pool whose workers may run it (domain.pools), fixed when it is queued.
    pool: Mapped[str] = mapped_column(String(128), default="default", server_default="default")
    # Who runs it: the worker's name and machine, and until when its lease holds (services.leases).
    worker: Mapped[str] = mapped_column(String(255), default="", server_default="")
    arch: Mapped[str] = mapped_column(String(16), default="", server_default="")
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    partial: Mapped[bool] = mapped_column(Boolean, default=False)
    review_result: Mapped[str | None] = mapped_column(String(16), nullable=True)
    critical_count: Mapped[int] = mapped_column(Integer, default=0)
    major_count: Mapped[int] = mapped_column(Integer, default=0)
    minor_count: Mapped[int] = mapped_column(Integer, default=0)
    suggestion_count: Mapped[int] = mapped_column(Integer, default=0)
    info_count: Mapped[int] = mapped_column(Integer, default=0)
    security_count: Mapped[int] = mapped_column(Integer, default=0)
    code_lines: Mapped[int] = mapped_column(Integer, default=0)
    file_total: Mapped[int] = mapped_column(Integer, default=0)
    defect_count: Mapped[int] = mapped_column(Integer, default=0)
    new_count: Mapped[int] = mapped_column(Integer, default=0)
    fixed_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class WorkerRecord(Base):
    """A scan worker process that is alive while its heartbeat is recent (services.leases)."""

    __tablename__ = "workers"
    name: Mapped[str] = mapped_column(String(255), primary_key=True)
    pool: Mapped[str] = mapped_column(String(128), index=True)
    host: Mapped[str] = mapped_column(String(255))
    arch: Mapped[str] = mapped_column(String(16))
    concurrency: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ExecutionLog(Base):
    """One message of an execution's log; the log text of seed 004 is rendered from these."""

    __tablename__ = "execution_logs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    execution_id: Mapped[str] = mapped_column(
        ForeignKey("executions.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    level: Mapped[str] = mapped_column(String(8))  # INFO, WARNING or ERROR
    text: Mapped[str] = mapped_column(Text)


class ExecutionLanguage(Base):
    __tablename__ = "execution_languages"
    execution_id: Mapped[str] = mapped_column(
        ForeignKey("executions.id", ondelete="CASCADE"), primary_key=True
    )
    language: Mapped[str] = mapped_column(String(64), primary_key=True)
    files: Mapped[int] = mapped_column(Integer)
    code_lines: Mapped[int] = mapped_column(Integer)
    comment_lines: Mapped[int] = mapped_column(Integer)
    blank_lines: Mapped[int] = mapped_column(Integer)


class AnalyserRun(Base):
    """What one analyser did on one language's files in a stored check: for GET /metrics."""

    __tablename__ = "analyser_runs"
    execution_id: Mapped[str] = mapped_column(
        ForeignKey("executions.id", ondelete="CASCADE"), primary_key=True
    )
    analyser: Mapped[str] = mapped_column(String(64), primary_key=True)
    language: Mapped[str] = mapped_column(String(64), primary_key=True)
    seconds: Mapped[float] = mapped_column(Float)
    files: Mapped[int] = mapped_column(Integer)
    failed: Mapped[bool] = mapped_column(Boolean)


class ExecutionStep(Base):
    """Wall and CPU seconds of one step of a stored check, from the service's own timers."""

    __tablename__ = "execution_steps"
    execution_id: Mapped[str] = mapped_column(
        ForeignKey("executions.id", ondelete="CASCADE"), primary_key=True
    )
    step: Mapped[str] = mapped_column(String(128), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)  # the order the steps started in
    wall_seconds: Mapped[float] = mapped_column(Float)
    cpu_seconds: Mapped[float] = mapped_column(Float)  # the service's own threads
    child_cpu_seconds: Mapped[float] = mapped_column(Float)  # git, analysers, metrics child


class ExecutionFile(Base):
    """One checked file of an execution with its code metrics (see domain.code_metrics)."""

    __tablename__ = "execution_files"
    __table_args__ = (Index("ix_execution_files_execution_id", "execution_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    execution_id: Mapped[str] = mapped_column(ForeignKey("executions.id", ondelete="CASCADE"))
    path: Mapped[str] = mapped_column(String(2048))
    language: Mapped[str] = mapped_column(String(64))
    raw_lines: Mapped[int] = mapped_column(Integer, default=0)
    functions: Mapped[int] = mapped_column(Integer, default=0)
    complexity: Mapped[int] = mapped_column(Integer, default=0)
    cca_complexity: Mapped[int] = mapped_column(Integer, default=0)
    max_complexity: Mapped[int] = mapped_column(Integer, default=0)
    max_cca_complexity: Mapped[int] = mapped_column(Integer, default=0)
    huge_complexity: Mapped[int] = mapped_column(Integer, default=0)
    huge_cca_complexity: Mapped[int] = mapped_column(Integer, default=0)
    max_depth: Mapped[int] = mapped_column(Integer, default=0)
    huge_depth: Mapped[int] = mapped_column(Integer, default=0)
    method_lines: Mapped[int] = mapped_column(Integer, default=0)
    huge_methods: Mapped[int] = mapped_column(Integer, default=0)
    duplicated_lines: Mapped[int] = mapped_column(Integer, default=0)
    duplicated_blocks: Mapped[int] = mapped_column(Integer, default=0)
    # main, test, generated, vendored or bundled (domain.roles); only main and test are analysed.
    role: Mapped[str] = mapped_column(String(16), default="main", server_default="main")
    code_lines: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Why no analyser checked this file (a size cap, a parse failure, its role); NULL if checked.
    unchecked_reason: Mapped[str | None] = mapped_column(String(255), nullable=True)


class TaskDefect(Base):
    """One defect of a task, whatever execution reported it: identified by its fingerprint.

    Triage (`status`) lives here, so it follows the defect into every later execution.
    """

    __tablename__ = "task_defects"
    __table_args__ = (
        UniqueConstraint("task_id", "fingerprint", name="uq_task_defects_task_fingerprint"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    task_id: Mapped[str] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    fingerprint: Mapped[str] = mapped_column(String(80))
    rule_id: Mapped[str] = mapped_column(String(128))
    language: Mapped[str] = mapped_column(String(64))
    # A security-sensitive use to review, not shown to take untrusted input.
    hotspot: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[int] = mapped_column(Integer, default=0)  # DefectStatus
    detection: Mapped[str] = mapped_column(String(16))  # Detection
    first_seen_execution_id: Mapped[str | None] = mapped_column(
        ForeignKey("executions.id", ondelete="SET NULL"), nullable=True
    )
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Where and when it was last seen is its latest occurrence (no column rewritten per check).
    fixed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # The loose identity (engine/fingerprint.py): where the defect was last seen, and its line.
    path: Mapped[str] = mapped_column(String(2048), default="", server_default="")
    line_key: Mapped[str | None] = mapped_column(String(64), nullable=True)
    status_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)  # ignore ends
    delayed_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class DefectTriage(Base):
    """One change of a task's defect's status, never updated or deleted: who, when, from what
    to what, why, and until when (an ignore or a deferral may expire)."""

    __tablename__ = "defect_triage"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    defect_id: Mapped[int] = mapped_column(
        ForeignKey("task_defects.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_name: Mapped[str] = mapped_column(String(128))
    from_status: Mapped[int] = mapped_column(Integer)
    to_status: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text, default="")
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class DefectOccurrence(Base):
    """A task's defect as one execution reported it: where, what it said, how severe.

    Keyed by (execution, defect), with no surrogate id, no index of its own on the defect and
    no foreign keys (migration 0016): storing a check inserts 300,000 rows for 300,000
    findings, and on PostgreSQL each row's two foreign-key checks and the third index cost
    4 of the 6 seconds. Every row is written by `defect_tracking.record` with ids it has just
    read or inserted, and `tasks.delete_task` deletes a task's occurrences with its executions
    (executions and task defects are deleted only with their task). Like SonarQube's schema,
    which has no foreign keys, the code that deletes keeps the rows consistent.
    """

    __tablename__ = "defect_occurrences"
    execution_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    defect_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    severity: Mapped[int] = mapped_column(Integer)
    file_path: Mapped[str] = mapped_column(String(2048))
    line: Mapped[int] = mapped_column(Integer)
    column: Mapped[int] = mapped_column(Integer)
    message: Mapped[str] = mapped_column(Text)
    code_line: Mapped[str] = mapped_column(Text)
    # The reason a marker in the code gave for suppressing it (it then counts as ignored).
    suppression: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Detection in this execution: new, unresolved or reopened (domain.defects.Detection).
    detection: Mapped[str] = mapped_column(
        String(16), default="unresolved", server_default="unresolved"
    )


class Webhook(Base):
    """A project's receiver of events (execution.finished, gate.changed), signed with its secret."""

    __tablename__ = "webhooks"
    id: Mapped[str] = _id()
    project_id: Mapped[str] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    url: Mapped[str] = mapped_column(String(2048))
    secret_enc: Mapped[str] = mapped_column(Text)
    events: Mapped[str] = mapped_column(String(256))  # comma-separated
    creator: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WebhookDelivery(Base):
    """One event for one webhook: written in the transaction of the change it reports (the
    outbox), sent later with retries; never updated after it is delivered or given up."""

    __tablename__ = "webhook_deliveries"
    id: Mapped[str] = _id()
    webhook_id: Mapped[str] = mapped_column(
        ForeignKey("webhooks.id", ondelete="CASCADE"), index=True
    )
    event: Mapped[str] = mapped_column(String(32))
    payload: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), index=True)  # pending, delivered, failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
