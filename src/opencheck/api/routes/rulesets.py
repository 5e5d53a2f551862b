"""Rules and rule sets, v2 and v3: the catalog, custom sets, project defaults, task bindings."""

from __future__ import annotations

from fastapi import APIRouter, Response

from opencheck.api.deps import CurrentUser, RuntimeDep
from opencheck.api.params import SEVERITY_CODES, choice_param, int_param, parse_list, str_param
from opencheck.api.schemas.v2_rulesets import (
    RulesetBody,
    UpdateTaskRulesetItem,
    rule_item,
    rule_list_item,
    ruleset_item,
    task_ruleset_info,
)
from opencheck.services import rule_catalog, rulesets, task_rulesets, tasks
from opencheck.services.permissions import Action
from opencheck.store.db import unit_of_work

router = APIRouter()
MAX_OFFSET = 999_999


def _null() -> Response:
    return Response(content="null", media_type="application/json")


@router.get("/v2/rules")
def list_rules(
    user: CurrentUser,
    rule_languages: str | None = None,
    rule_severity: str | None = None,
    offset: str | None = None,
    limit: str | None = None,
) -> dict[str, object]:
    """`offset` is a 0-based row offset, `limit` the page size 1-1000 (decision 6)."""
    rows, total = rule_catalog.list_catalog(
        language=str_param(rule_languages, "rule_languages", max_len=128) or None,
        severities=parse_list(rule_severity, "rule_severity", SEVERITY_CODES),
        offset=int_param(offset, "offset", low=0, high=MAX_OFFSET, default=0),
        limit=int_param(limit, "limit", low=1, high=1000, default=100),
    )
    return {"info": [rule_list_item(r) for r in rows], "total": total}


@router.post("/v2/ruleset")
def create_ruleset(body: RulesetBody, user: CurrentUser, runtime: RuntimeDep) -> dict[str, str]:
    with unit_of_work(runtime.sessions) as session:
        rs = rulesets.create_ruleset(session, principal=user, new=body.to_new())
        return {"template_id": rs.id}


@router.get("/v2/{project_id}/rulesets")
def list_rulesets(
    project_id: str,
    user: CurrentUser,
    runtime: RuntimeDep,
    category: str | None = None,
    offset: str | None = None,
    limit: str | None = None,
) -> dict[str, object]:
    categories = parse_list(category, "category", ("0", "1", "2"))
    row_offset = int_param(offset, "offset", low=0, high=MAX_OFFSET, default=0)
    page_size = int_param(limit, "limit", low=1, high=1000, default=100)
    with unit_of_work(runtime.sessions) as session:
        views, total = rulesets.list_rulesets(
            session,
            principal=user,
            project_id=project_id,
            categories=categories,
            offset=row_offset,
            limit=page_size,
        )
        return {"info": [ruleset_item(v) for v in views], "total": total}


@router.get("/v2/{project_id}/ruleset/{ruleset_id}/rules")
def list_template_rules(
    project_id: str,
    ruleset_id: str,
    user: CurrentUser,
    runtime: RuntimeDep,
    types: str | None = None,
    languages: str | None = None,
    tags: str | None = None,
    offset: str | None = None,
    limit: str | None = None,
) -> dict[str, object]:
    """`types`: 1 all (the default), 2 enabled, 3 disabled."""
    kind = choice_param(types, "types", ("1", "2", "3")) or "1"
    row_offset = int_param(offset, "offset", low=0, high=MAX_OFFSET, default=0)
    page_size = int_param(limit, "limit", low=1, high=1000, default=100)
    with unit_of_work(runtime.sessions) as session:
        rows, total = rulesets.list_set_rules(
            session,
            principal=user,
            project_id=project_id,
            ruleset_id=ruleset_id,
            types=kind,
            language=str_param(languages, "languages", max_len=128) or None,
            tag=str_param(tags, "tags", max_len=128) or None,
            offset=row_offset,
            limit=page_size,
        )
        return {"info": [rule_item(r, ruleset_id) for r in rows], "total": total}


@router.delete("/v2/{project_id}/ruleset/{ruleset_id}")
def delete_ruleset(
    project_id: str, ruleset_id: str, user: CurrentUser, runtime: RuntimeDep
) -> Response:
    with unit_of_work(runtime.sessions) as session:
        rulesets.delete_ruleset(
            session, principal=user, project_id=project_id, ruleset_id=ruleset_id
        )
    return _null()


@router.post("/v2/{project_id}/ruleset/{ruleset_id}/{language}/default")
def set_default(
    project_id: str, ruleset_id: str, language: str, user: CurrentUser, runtime: RuntimeDep
) -> Response:
    with unit_of_work(runtime.sessions) as session:
        rulesets.set_project_default(
            session,
            principal=user,
            project_id=project_id,
            ruleset_id=ruleset_id,
            language=language,
        )
    return _null()


def _task_rulesets(
    runtime: RuntimeDep, user: CurrentUser, project_id: str, task_id: str
) -> list[dict[str, str]]:
    with unit_of_work(runtime.sessions) as session:
        task = tasks.get_task_for(session, principal=user, task_id=task_id, action=Action.GET)
        tasks.require_in_project(task, project_id)
        return [task_ruleset_info(i) for i in task_rulesets.task_rulesets(session, task=task)]


@router.get("/v2/{project_id}/tasks/{task_id}/rulesets")
def list_task_ruleset(
    project_id: str, task_id: str, user: CurrentUser, runtime: RuntimeDep
) -> list[dict[str, str]]:
    return _task_rulesets(runtime, user, project_id, task_id)


@router.get("/v3/{project_id}/tasks/{task_id}/rulesets")
def show_tasks_rulesets(
    project_id: str,
    task_id: str,
    user: CurrentUser,
    runtime: RuntimeDep,
    offset: str | None = None,
    limit: str | None = None,
) -> dict[str, object]:
    row_offset = int_param(offset, "offset", low=0, high=MAX_OFFSET, default=0)
    page_size = int_param(limit, "limit", low=1, high=1000, default=100)
    items = _task_rulesets(runtime, user, project_id, task_id)
    return {"info": items[row_offset : row_offset + page_size], "total": len(items)}


@router.put("/v2/tasks/{task_id}/ruleset")
def update_task_ruleset(
    task_id: str, body: list[UpdateTaskRulesetItem], user: CurrentUser, runtime: RuntimeDep
) -> Response:
    with unit_of_work(runtime.sessions) as session:
        task = tasks.get_task_for(session, principal=user, task_id=task_id, action=Action.EDIT)
        task_rulesets.update_task_rulesets(
            session, task=task, bindings=[item.to_binding() for item in body]
        )
    return _null()
