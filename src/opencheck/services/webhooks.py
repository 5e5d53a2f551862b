"""A project's webhooks: registering them, and writing an event for each into the outbox in
the transaction of the change it reports (delivery is webhook_delivery.py's)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from opencheck.domain.executions import ExecutionStatus
from opencheck.errors import InvalidParameter, NotFound
from opencheck.services.auth import Principal
from opencheck.services.permissions import Action
from opencheck.services.projects import check_id, get_project_or_raise, require
from opencheck.services.secrets import Cipher
from opencheck.services.webhook_targets import check_target
from opencheck.store.models import Execution, Task, Webhook, WebhookDelivery, utcnow

FINISHED = "execution.finished"
GATE_CHANGED = "gate.changed"
EVENTS = (FINISHED, GATE_CHANGED)
PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"
MAX_WEBHOOKS = 20


@dataclass(frozen=True)
class NewWebhook:
    url: str
    secret: str
    events: tuple[str, ...]


def create(
    session: Session,
    *,
    principal: Principal,
    project_id: str,
    new: NewWebhook,
    cipher: Cipher,
    allowed_hosts: tuple[str, ...],
) -> Webhook:
    """Register a webhook (owner permission); the URL must be a public address."""
    _owner(session, principal, project_id)
    if not new.events or any(event not in EVENTS for event in new.events):
        raise InvalidParameter(f"events must be a non-empty list of {', '.join(EVENTS)}")
    if not 8 <= len(new.secret) <= 256:
        raise InvalidParameter("secret must be 8-256 characters")
    check_target(new.url, allowed_hosts)
    count = len(session.scalars(select(Webhook.id).where(Webhook.project_id == project_id)).all())
    if count >= MAX_WEBHOOKS:
        raise InvalidParameter(f"a project has at most {MAX_WEBHOOKS} webhooks")
    hook = Webhook(project_id=project_id, url=new.url, secret_enc=cipher.encrypt(new.secret),
                   events=",".join(dict.fromkeys(new.events)), creator=principal.name)  # fmt: skip
    session.add(hook)
    session.flush()
    return hook


def listing(session: Session, *, principal: Principal, project_id: str) -> list[Webhook]:
    _owner(session, principal, project_id)
    query = select(Webhook).where(Webhook.project_id == project_id).order_by(Webhook.created_at)
    return list(session.scalars(query))


def remove(session: Session, *, principal: Principal, project_id: str, webhook_id: str) -> None:
    hook = _hook(session, principal, project_id, webhook_id)
    session.execute(delete(Webhook).where(Webhook.id == hook.id))


def deliveries(
    session: Session, *, principal: Principal, project_id: str, webhook_id: str, limit: int
) -> list[WebhookDelivery]:
    """The webhook's latest deliveries, newest first."""
    hook = _hook(session, principal, project_id, webhook_id)
    query = (
        select(WebhookDelivery)
        .where(WebhookDelivery.webhook_id == hook.id)
        .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id)
        .limit(limit)
    )
    return list(session.scalars(query))


def _owner(session: Session, principal: Principal, project_id: str) -> None:
    get_project_or_raise(session, project_id=project_id)
    require(session, principal=principal, project_id=project_id, action=Action.WEBHOOKS)


def _hook(session: Session, principal: Principal, project_id: str, webhook_id: str) -> Webhook:
    _owner(session, principal, project_id)
    check_id(webhook_id, "webhook_id")
    hook = session.get(Webhook, webhook_id)
    if hook is None or hook.project_id != project_id:
        raise NotFound(f"project {project_id} has no webhook {webhook_id}")
    return hook


def on_finished(session: Session, execution_id: str) -> None:
    """Write the events of an execution that just ended into the outbox (same transaction)."""
    # The state change was a bulk UPDATE: a copy already in the session would be stale.
    execution = session.get(Execution, execution_id, populate_existing=True)
    task = session.get(Task, execution.task_id) if execution else None
    if execution is None or task is None:
        return
    hooks = session.scalars(select(Webhook).where(Webhook.project_id == task.project_id)).all()
    if not hooks:
        return
    events = [FINISHED]
    if _gate_changed(session, execution):
        events.append(GATE_CHANGED)
    for hook in hooks:
        wanted = hook.events.split(",")
        for event in events:
            if event in wanted:
                session.add(WebhookDelivery(webhook_id=hook.id, event=event, state=PENDING,
                                            payload=_payload(event, task, execution),
                                            next_attempt_at=utcnow()))  # fmt: skip
    session.flush()


def _gate_changed(session: Session, execution: Execution) -> bool:
    if execution.review_result is None:
        return False
    before = session.scalar(
        select(Execution.review_result)
        .where(
            Execution.task_id == execution.task_id,
            Execution.id != execution.id,
            Execution.review_result.is_not(None),
            Execution.created_at <= execution.created_at,
        )
        .order_by(Execution.created_at.desc())
        .limit(1)
    )
    return before != execution.review_result


def _payload(event: str, task: Task, e: Execution) -> str:
    return json.dumps({
        "event": event,
        "project_id": task.project_id,
        "task_id": task.id,
        "task_name": task.name,
        "execution_id": e.id,
        "job_type": e.job_type,
        "status": e.status,
        "succeeded": e.status == ExecutionStatus.SUCCESS.value,
        "commit": e.commit_sha,
        "gate": e.review_result,
        "counts": {"critical": e.critical_count, "major": e.major_count, "minor": e.minor_count,
                   "suggestion": e.suggestion_count, "info": e.info_count},
        "new": e.new_count,
        "fixed": e.fixed_count,
        "finished_at": e.finished_at.isoformat() if e.finished_at else None,
    }, separators=(",", ":"))  # fmt: skip
