"""Request and response shapes of the v2/v3 rule-set operations (snake_case, `rule_tages` sic)."""

from __future__ import annotations

from pydantic import Field

from opencheck.api.schemas.common import Body, wire_time
from opencheck.engine.analyzers.base import Rule
from opencheck.errors import InvalidParameter
from opencheck.services.rule_catalog import wire_rule_id
from opencheck.services.rule_thresholds import wire_number
from opencheck.services.rulesets import NewRuleSet, RuleSetView, SetRule
from opencheck.services.task_rulesets import Binding, TaskRuleSet


def _ids(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


class RuleConfig(Body):
    """One threshold of a rule: `option_key` and its `option_value` (the rest is read-only)."""

    option_key: str | None = Field(default=None, max_length=64)
    option_value: str | int | None = Field(default=None)
    id: int | None = None
    rule_id: int | str | None = None
    default_value: str | None = Field(default=None, max_length=1000)
    option_name: str | None = Field(default=None, max_length=500)
    template_id: str | None = Field(default=None, max_length=64)
    description: str | None = Field(default=None, max_length=4000)


class CustomAttributesRule(Body):
    rule_id: str | None = Field(default=None, max_length=64)
    value: str | None = Field(default=None, max_length=16)
    rule_config_list: list[RuleConfig] | None = Field(default=None, max_length=64)


class CustomAttributes(Body):
    attribute: str | None = Field(default=None, max_length=64)
    rules: list[CustomAttributesRule] | None = Field(default=None, max_length=4000)


class RulesetBody(Body):
    project_id: str = Field(min_length=1, max_length=50)
    template_name: str = Field(min_length=1, max_length=500)
    language: str = Field(min_length=1, max_length=128)
    is_default: str = Field(pattern="^[01]$")
    rule_ids: str = Field(max_length=40_000)
    uncheck_ids: str | None = Field(default=None, max_length=40_000)
    template_id: str | None = Field(default=None, max_length=50)
    custom_attributes: list[CustomAttributes] | None = Field(default=None, max_length=16)

    def to_new(self) -> NewRuleSet:
        severities: dict[str, str] = {}
        thresholds: dict[str, dict[str, str]] = {}
        for attr in self.custom_attributes or []:
            for rule in attr.rules or []:
                if not rule.rule_id:
                    raise InvalidParameter("custom_attributes rules need a rule_id")
                for config in rule.rule_config_list or []:
                    if not config.option_key or config.option_value is None:
                        raise InvalidParameter("rule_config_list items need option_key and value")
                    thresholds.setdefault(rule.rule_id, {})[config.option_key] = str(
                        config.option_value
                    )
                if attr.attribute == "severity" and rule.value is not None:
                    severities[rule.rule_id] = rule.value
                elif attr.attribute == "severity" and not rule.rule_config_list:
                    raise InvalidParameter("custom_attributes rules need rule_id and value")
        return NewRuleSet(
            project_id=self.project_id,
            name=self.template_name,
            language=self.language,
            from_template=self.is_default == "1",
            rule_ids=_ids(self.rule_ids),
            uncheck_ids=_ids(self.uncheck_ids),
            template_id=self.template_id,
            severities=severities,
            thresholds=thresholds,
        )


class UpdateTaskRulesetItem(Body):
    language: str = Field(min_length=1, max_length=64)
    rule_set_id: str = Field(min_length=1, max_length=64)
    if_use: str = Field(pattern="^[01]$")
    status: str = Field(pattern="^[01]$")

    def to_binding(self) -> Binding:
        return Binding(language=self.language, ruleset_id=self.rule_set_id, use=self.if_use == "1")


def rule_list_item(rule: Rule) -> dict[str, str]:
    return {
        "rule_set": rule.id.split(":", 1)[0],
        "rule_id": wire_rule_id(rule.id),
        "rule_language": rule.language,
        "rule_name": rule.name,
        "rule_severity": rule.severity.code,
        "rule_tages": ",".join(rule.tags),
        "right_example": rule.good_example,
        "error_example": rule.bad_example,
        "revise_opinion": rule.fix,
        "rule_desc": rule.description,
    }


def rule_item(sr: SetRule, ruleset_id: str) -> dict[str, object]:
    return {
        "rule_id": wire_rule_id(sr.rule.id),
        "rule_language": sr.rule.language,
        "rule_name": sr.rule.name,
        "rule_severity": sr.severity.code,
        "rule_tages": ",".join(sr.rule.tags),
        "checked": "1" if sr.enabled else "0",
        "rule_config_list": [
            {
                "id": wire_number(f"{sr.rule.id}.{option.key}"),
                "rule_id": wire_number(sr.rule.id),
                "default_value": str(option.default),
                "option_value": str(sr.options[option.key]),
                "option_key": option.key,
                "option_name": option.name,
                "template_id": ruleset_id,
                "description": f"{option.description} Allowed: {option.low}-{option.high}.",
            }
            for option in sr.rule.options
        ],
    }


def _flag(value: bool) -> str:
    return "1" if value else "0"


def ruleset_item(view: RuleSetView) -> dict[str, str | None]:
    rs = view.ruleset
    return {
        "template_id": rs.id,
        "language": rs.language,
        "template_name": rs.name,
        "creator_id": rs.creator_id or "",
        "creator_name": view.creator_name,
        "template_create_time": wire_time(rs.created_at),
        "is_used": _flag(view.is_used),
        "rule_ids": ",".join(view.enabled_ids),
        "is_default": _flag(view.is_default),
        "is_devcloud_project_default": _flag(view.is_project_default),
        "is_default_template": _flag(rs.is_system),
    }


def task_ruleset_info(item: TaskRuleSet) -> dict[str, str]:
    return {
        "template_id": item.ruleset.id,
        "language": item.ruleset.language,
        "template_name": item.ruleset.name,
        "type": "selected" if item.selected else "optional",
        "status": _flag(item.ruleset.is_system),
    }
