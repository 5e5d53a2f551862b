"""Rule sets: the system default per language, and resolving a task's choice."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from opencheck.errors import InvalidParameter, NotFound
from opencheck.store.models import RuleSet


def system_default(session: Session, *, language: str) -> RuleSet:
    rs = session.scalar(
        select(RuleSet).where(RuleSet.is_system.is_(True), RuleSet.language == language)
    )
    if rs is None:
        raise NotFound(f"no system rule set for {language}; run `opencheck db upgrade`")
    return rs


def resolve_for_task(
    session: Session, *, project_id: str, language: str, ruleset_id: str | None
) -> RuleSet:
    """The named rule set (system or this project's, same language) or the default."""
    if not ruleset_id:
        return system_default(session, language=language)
    rs = session.get(RuleSet, ruleset_id) if isinstance(ruleset_id, str) else None
    if rs is None or (rs.project_id is not None and rs.project_id != project_id):
        raise NotFound(f"rule set {ruleset_id} not found")
    if rs.language != language:
        raise InvalidParameter(f"rule set {ruleset_id} is for {rs.language}, not {language}")
    return rs
