"""A project's webhooks (OpenCheck's own operations; owner permission)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import Field

from opencheck.api.deps import CurrentUser, RuntimeDep
from opencheck.api.params import int_param
from opencheck.api.schemas.common import Body, wire_time
from opencheck.services import webhooks
from opencheck.store.db import unit_of_work
from opencheck.store.models import Webhook, WebhookDelivery

router = APIRouter()


class CreateWebhookBody(Body):
    url: str = Field(min_length=1, max_length=2048)
    secret: str = Field(min_length=1, max_length=256)
    events: list[str] = Field(min_length=1, max_length=len(webhooks.EVENTS))


def _webhook(hook: Webhook) -> dict[str, object]:
    return {"webhook_id": hook.id, "url": hook.url, "events": hook.events.split(","),
            "creator": hook.creator, "created_at": wire_time(hook.created_at)}  # fmt: skip


def _delivery(d: WebhookDelivery) -> dict[str, object]:
    return {"delivery_id": d.id, "event": d.event, "state": d.state, "attempts": d.attempts,
            "status_code": d.status_code, "error": d.error, "time": wire_time(d.created_at),
            "delivered_at": wire_time(d.delivered_at)}  # fmt: skip


@router.post("/v2/{project_id}/webhooks")
def create_webhook(
    project_id: str, body: CreateWebhookBody, user: CurrentUser, runtime: RuntimeDep
) -> dict[str, object]:
    """Register a receiver of `execution.finished` and `gate.changed` events."""
    new = webhooks.NewWebhook(url=body.url, secret=body.secret, events=tuple(body.events))
    with unit_of_work(runtime.sessions) as session:
        hook = webhooks.create(session, principal=user, project_id=project_id, new=new,
                               cipher=runtime.cipher,
                               allowed_hosts=runtime.settings.webhook_allowed_hosts)  # fmt: skip
        return {"webhook_id": hook.id}


@router.get("/v2/{project_id}/webhooks")
def list_webhooks(project_id: str, user: CurrentUser, runtime: RuntimeDep) -> dict[str, object]:
    """The project's webhooks (never their secrets)."""
    with unit_of_work(runtime.sessions) as session:
        hooks = webhooks.listing(session, principal=user, project_id=project_id)
        return {"webhooks": [_webhook(h) for h in hooks], "total": len(hooks)}


@router.delete("/v2/{project_id}/webhooks/{webhook_id}")
def delete_webhook(
    project_id: str, webhook_id: str, user: CurrentUser, runtime: RuntimeDep
) -> None:
    """Remove a webhook and its deliveries."""
    with unit_of_work(runtime.sessions) as session:
        webhooks.remove(session, principal=user, project_id=project_id, webhook_id=webhook_id)


@router.get("/v2/{project_id}/webhooks/{webhook_id}/deliveries")
def list_deliveries(
    project_id: str,
    webhook_id: str,
    user: CurrentUser,
    runtime: RuntimeDep,
    limit: str | None = None,
) -> dict[str, object]:
    """The webhook's latest deliveries, newest first: time, event, state, status code, attempts,
    error."""
    page_size = int_param(limit, "limit", low=1, high=1000, default=100)
    with unit_of_work(runtime.sessions) as session:
        found = webhooks.deliveries(session, principal=user, project_id=project_id,
                                    webhook_id=webhook_id, limit=page_size)  # fmt: skip
        return {"deliveries": [_delivery(d) for d in found], "total": len(found)}
