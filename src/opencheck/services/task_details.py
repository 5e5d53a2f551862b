"""Everything the task list shows about a page of tasks, read with statements built once.

A list request asks the same shapes of question every time; only the task ids and the viewer
change. The statements below are built at import with bound parameters, so a request pays
neither for building SQL nor for loading ORM objects: rows become plain `Record`s.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from sqlalchemy import Connection, Text, bindparam, cast, exists, func, literal, select
from sqlalchemy.orm import aliased

from opencheck.services import log_cache
from opencheck.services.permissions import Action, allows
from opencheck.store import driver
from opencheck.store.models import (
    ConfigTemplate,
    Execution,
    Project,
    Task,
    TaskFollower,
    TemplateRuleSet,
    User,
)

_LAST = aliased(Execution, name="last_execution")
_RESULT = aliased(Execution, name="result_execution")


class Record:
    """One entity's columns from a row, read by attribute like the mapped object's."""

    def __init__(self, keys: Sequence[str], values: Sequence[Any]) -> None:
        self.__dict__.update(zip(keys, values, strict=True))

    def __getattr__(self, name: str) -> Any:  # typed access to any column; unknown names raise
        raise AttributeError(name)


def _columns(entity: Any, keys: str, **instead: Any) -> tuple[list[str], list[Any]]:
    """The entity's columns `keys`; `instead` reads some of them as other expressions."""
    names = keys.split()
    return names, [instead.get(key, getattr(entity, key)) for key in names]


def _slices(parts: dict[str, tuple[list[str], list[Any]]]) -> dict[str, tuple[list[str], slice]]:
    """Where each part's columns stand in a row of all the parts' columns, in order."""
    found, first = {}, 0
    for name, (keys, _) in parts.items():
        found[name] = (keys, slice(first, first + len(keys)))
        first += len(keys)
    return found


# The columns the list shows (api/schemas/v1_tasks.py), not every column: each one read costs
# PostgreSQL, psycopg and the Record (the page's statement had 120 columns, now 70).
_EXECUTION = (
    "id task_id status progress executor job_type started_at finished_at review_result"
    " critical_count major_count minor_count suggestion_count info_count security_count"
    " defect_count new_count fixed_count dismissed_count delayed_count code_lines file_total"
)
_PARTS = {
    "task": _columns(
        Task,
        "id project_id template_id name git_url git_branch group_id gate_scope new_code_since"
        " created_at updated_at",
    ),
    "template": _columns(
        ConfigTemplate,
        "id project_id name arch branch creator last_reviser exclude include_paths repo_type"
        " repo_url resource_pool_id resource_pool_name resource_pool_type review_data rule_type"
        " created_at updated_at",
        # The gate as its stored JSON text: the list renders each distinct gate once
        # (api/schemas/v1_tasks.py), so parsing every row's JSON would be wasted.
        review_data=cast(ConfigTemplate.review_data, Text),
    ),
    "last": _columns(_LAST, _EXECUTION),
    "result": _columns(_RESULT, _EXECUTION),
}
_SLICES = _slices(_PARTS)

_TASK_ID = _SLICES["task"][0].index("id")
_LAST_ID = _SLICES["last"][1].start + _SLICES["last"][0].index("id")

_FOLLOWED = exists().where(
    TaskFollower.task_id == Task.id, TaskFollower.user_id == bindparam("viewer")
)
# The template's (language, rule set) pairs as one string, "language\x1fid\x1e…": control
# characters appear in neither. One column of the page's row instead of a statement of its own.
_IN_PAIR, _BETWEEN_PAIRS = "\x1f", "\x1e"
_RULE_SETS = (
    select(
        func.aggregate_strings(
            TemplateRuleSet.language + literal(_IN_PAIR) + TemplateRuleSet.ruleset_id,
            _BETWEEN_PAIRS,
        )
    )
    .where(TemplateRuleSet.template_id == Task.template_id)
    .scalar_subquery()
)
# After the parts' columns come six, read by position: project name, owner, followed, rule sets
# (`_view`), and the latest execution's log version (`task_views`).
PAGE_DETAILS = (
    select(
        *(column for _, columns in _PARTS.values() for column in columns),
        Project.name,
        User.name,
        _FOLLOWED,
        _RULE_SETS,
        *log_cache.version_columns(_LAST.id),  # the latest execution's log lines
    )
    .join(ConfigTemplate, ConfigTemplate.id == Task.template_id)
    .join(Project, Project.id == Task.project_id)
    .outerjoin(User, User.id == Task.creator_id)
    .outerjoin(_LAST, _LAST.id == Task.last_execution_id)
    .outerjoin(_RESULT, _RESULT.id == Task.last_result_execution_id)
    .where(Task.id.in_(bindparam("ids", expanding=True)))
)


@dataclass
class TaskView:
    """A task with everything the list shows about it (columns of the task, its template and
    its latest and latest successful executions)."""

    task: Record
    template: Record
    project_name: str
    owner: str
    rule_sets: list[tuple[str, str]]
    last_execution: Record | None
    last_log: str  # the latest execution's log text (seed 004's `message`)
    result_execution: Record | None
    permissions: Mapping[Action, bool] = field(default_factory=dict)
    followed: bool = False


def _part(row: Sequence[Any], name: str) -> Record:
    keys, part = _SLICES[name]
    return Record(keys, row[part])


def _execution(row: Sequence[Any], name: str) -> Record | None:
    record = _part(row, name)
    return record if record.id is not None else None


def task_views(
    conn: Connection, ids: list[str], *, viewer_id: str, roles: dict[str, str] | None
) -> list[TaskView]:
    """The tasks `ids` in that order; `roles` (None for an administrator) sets permissions."""
    if not ids:
        return []
    rows = driver.rows(conn, PAGE_DETAILS, {"ids": ids, "viewer": viewer_id})
    by_id = {row[_TASK_ID]: row for row in rows}
    ordered = [by_id[i] for i in ids if i in by_id]
    views = [_view(row, roles) for row in ordered]
    versions = {row[_LAST_ID]: (row[-2], row[-1]) for row in ordered if row[_LAST_ID]}
    logs = log_cache.LOG_TEXTS.texts(conn, versions)
    for view in views:
        if view.last_execution is not None:
            view.last_log = logs.get(view.last_execution.id, "")
    return views


def _view(row: Sequence[Any], roles: dict[str, str] | None) -> TaskView:
    task = _part(row, "task")
    project_name, owner, followed, rule_sets = row[-6:-2]
    role = None if roles is None else roles.get(task.project_id)
    return TaskView(
        task=task,
        template=_part(row, "template"),
        project_name=project_name,
        owner=owner or "",
        rule_sets=_pairs(rule_sets),
        last_execution=_execution(row, "last"),
        last_log="",
        result_execution=_execution(row, "result"),
        permissions=_permissions(role, roles is None),
        followed=bool(followed),
    )


@lru_cache(maxsize=64)
def _permissions(role: str | None, is_admin: bool) -> Mapping[Action, bool]:
    """What a role may do to a task; one shared, read-only mapping per role."""
    return MappingProxyType({a: allows(role, a, is_admin=is_admin) for a in Action})


def _pairs(rule_sets: str | None) -> list[tuple[str, str]]:
    """The (language, rule set) pairs of `_RULE_SETS`' string, by language."""
    pairs = (pair.partition(_IN_PAIR) for pair in (rule_sets or "").split(_BETWEEN_PAIRS) if pair)
    return sorted((language, ruleset_id) for language, _, ruleset_id in pairs)
