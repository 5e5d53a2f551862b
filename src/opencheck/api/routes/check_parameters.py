"""A task's check parameters: the thresholds of its rule set's rules (v2, v3) and their values."""

from __future__ import annotations

from fastapi import APIRouter

from opencheck.api.deps import CurrentUser, RuntimeDep
from opencheck.api.params import int_param
from opencheck.api.schemas.v2_check_parameters import ConfigTaskParameterBody, group_item
from opencheck.errors import InvalidParameter
from opencheck.services import check_parameters
from opencheck.store.db import unit_of_work

router = APIRouter()


def _groups(
    runtime: RuntimeDep, user: CurrentUser, ids: tuple[str, str, str], language: str | None
) -> list[dict[str, object]]:
    if not language:
        raise InvalidParameter("language is required")
    with unit_of_work(runtime.sessions) as session:
        found = check_parameters.groups(session, principal=user, ids=ids, language=language)
        return [group_item(g) for g in found]


@router.get("/v2/{project_id}/tasks/{task_id}/ruleset/{ruleset_id}/check-parameters")
def check_parameters_v2(
    project_id: str,
    task_id: str,
    ruleset_id: str,
    user: CurrentUser,
    runtime: RuntimeDep,
    language: str | None = None,
) -> list[dict[str, object]]:
    """The thresholds of the task's rule set, one group per analyser (a top-level array)."""
    return _groups(runtime, user, (project_id, task_id, ruleset_id), language)


@router.get("/v3/{project_id}/tasks/{task_id}/ruleset/{ruleset_id}/check-parameters")
def check_parameters_v3(
    project_id: str,
    task_id: str,
    ruleset_id: str,
    user: CurrentUser,
    runtime: RuntimeDep,
    language: str | None = None,
    offset: str | None = None,
    limit: str | None = None,
) -> dict[str, object]:
    """The same groups, paginated and wrapped in `data`/`total`."""
    start = int_param(offset, "offset", low=0, high=999_999, default=0)
    size = int_param(limit, "limit", low=1, high=1000, default=100)
    groups = _groups(runtime, user, (project_id, task_id, ruleset_id), language)
    return {"data": groups[start : start + size], "total": len(groups)}


@router.post("/v2/{project_id}/tasks/{task_id}/config-parameters")
def config_parameters(
    project_id: str,
    task_id: str,
    body: ConfigTaskParameterBody,
    user: CurrentUser,
    runtime: RuntimeDep,
) -> None:
    """Set the task's own values of thresholds (`on`) or go back to the set's (`off`)."""
    with unit_of_work(runtime.sessions) as session:
        check_parameters.configure(
            session,
            principal=user,
            ids=(project_id, task_id, body.ruleset_id),
            language=body.language,
            enabled=body.status == "on",
            settings=[item.to_setting() for item in body.task_check_settings],
        )
