"""ORM tables, one module per part of the domain. Ids are 32-char lower-case hex strings
(uuid4 without dashes). Every table is imported here, so that `Base.metadata` holds them all."""

from opencheck.store.models.base import (
    NAMING_CONVENTION,
    Base,
    UTCDateTime,
    id_column,
    new_id,
    utcnow,
)
from opencheck.store.models.defects import DefectOccurrence, DefectTriage, TaskDefect
from opencheck.store.models.executions import (
    AnalyserRun,
    Execution,
    ExecutionFile,
    ExecutionLanguage,
    ExecutionLog,
    ExecutionStep,
    WorkerRecord,
)
from opencheck.store.models.identity import (
    AccessKey,
    AuthToken,
    LoginFailure,
    Project,
    ProjectMember,
    UsedSignature,
    User,
)
from opencheck.store.models.rules import ProjectDefaultRuleSet, RuleSet, RuleSetOption, RuleSetRule
from opencheck.store.models.tasks import (
    ConfigTemplate,
    Task,
    TaskCheckParameter,
    TaskCount,
    TaskFollower,
    TaskGroup,
    TaskNameGram,
    TemplateRuleSet,
)
from opencheck.store.models.webhooks import Webhook, WebhookDelivery

__all__ = [
    "NAMING_CONVENTION",
    "AccessKey",
    "AnalyserRun",
    "AuthToken",
    "Base",
    "ConfigTemplate",
    "DefectOccurrence",
    "DefectTriage",
    "Execution",
    "ExecutionFile",
    "ExecutionLanguage",
    "ExecutionLog",
    "ExecutionStep",
    "LoginFailure",
    "Project",
    "ProjectDefaultRuleSet",
    "ProjectMember",
    "RuleSet",
    "RuleSetOption",
    "RuleSetRule",
    "Task",
    "TaskCheckParameter",
    "TaskCount",
    "TaskDefect",
    "TaskFollower",
    "TaskGroup",
    "TaskNameGram",
    "TemplateRuleSet",
    "UTCDateTime",
    "UsedSignature",
    "User",
    "Webhook",
    "WebhookDelivery",
    "WorkerRecord",
    "id_column",
    "new_id",
    "utcnow",
]
