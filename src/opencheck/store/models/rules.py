"""Rule sets: system and project sets, their rules and options, project defaults."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from opencheck.store.models.base import Base, UTCDateTime, id_column, utcnow


class RuleSet(Base):
    """A named selection of rules for one language; system sets have no project."""

    __tablename__ = "rule_sets"
    id: Mapped[str] = id_column()
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
