"""Wire forms of a task's check parameters (TaskCheckParamters, CheckConfigInfo,
ConfigTaskParameterBody): CodeArts keys on the wire, internal names behind them."""

from __future__ import annotations

from pydantic import Field

from opencheck.api.schemas.common import Body
from opencheck.services.check_parameters import Parameter, ParameterGroup, Setting

FREE_TEXT = 0


class TaskCheckSettingsItem(Body):
    cfg_key: str = Field(min_length=1, max_length=200)
    status: str = Field(pattern="^(on|off)$")
    cfg_value: str | None = Field(default=None, max_length=1000)

    def to_setting(self) -> Setting:
        return Setting(cfg_key=self.cfg_key, on=self.status == "on", value=self.cfg_value)


class ConfigTaskParameterBody(Body):
    check_id: int = Field(ge=0, le=2**31 - 1)  # deprecated on CodeArts; not used here
    ruleset_id: str = Field(min_length=1, max_length=64)
    language: str = Field(min_length=1, max_length=128)
    status: str = Field(pattern="^(on|off)$")
    task_check_settings: list[TaskCheckSettingsItem] = Field(max_length=256)


def _config(p: Parameter) -> dict[str, object]:
    return {
        "name": f"{p.rule.name}: {p.option.name}",
        "cfg_key": p.cfg_key,
        "default_value": str(p.set_value),
        "option_value": f"{p.option.low}-{p.option.high}",
        "is_required": 0,
        "description": p.option.description,
        "type": FREE_TEXT,
        "status": "off" if p.own_value is None else "on",
        "value": str(p.value),
    }


def group_item(group: ParameterGroup) -> dict[str, object]:
    return {
        "check_id": 0,
        "name": group.name,
        "checker_configs": [_config(p) for p in group.parameters],
    }
