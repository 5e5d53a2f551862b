"""Wire forms of a task's settings (ShowTaskSettingsResponse, UpdateTaskSettingsRequestBody,
UpdateIgnorePathRequestBody): CodeArts keys on the wire, internal names behind them."""

from __future__ import annotations

import json

from pydantic import Field

from opencheck.api.schemas.common import Body
from opencheck.api.schemas.v1_tasks import REVIEW_NAMES_JSON, review_data_json
from opencheck.domain import gate
from opencheck.domain.gate import GateItem
from opencheck.domain.severity import Severity
from opencheck.errors import InvalidParameter
from opencheck.services.task_settings import SettingsChange
from opencheck.store.models import ConfigTemplate, Task

_DESCRIPTIONS = {
    "taskName": "Task name (1-512 characters).",
    "includePaths": "Paths checked (comma-separated prefixes or globs); empty checks everything.",
    "excludePaths": "Paths left out of checks (comma-separated); config-ignorepath edits it too.",
    "testPaths": "Paths that are test code, besides each language's conventions.",
    "reviewData": "Quality gate: JSON list of {name, isCheck, compareType, value} items.",
    "gateScope": "What the gate judges: full (every defect, the default) or new (new code only).",
    "newCodeSince": "Where new code starts: first (the first full check), an execution id, "
    "or a date yyyy-MM-dd (UTC).",
    "customImage": "Not used: OpenCheck runs its own analysers, never a build image.",
    "authId": "Not used: give username and access_token with the task instead.",
}
_UNSUPPORTED = ("customImage", "authId")
_GATE_NAMES = {name: Severity(number) for number, name in REVIEW_NAMES_JSON.items()}


class _Setting(Body):
    key: str = Field(min_length=1, max_length=64)
    value: str = Field(max_length=65_536)


class UpdateTaskSettingsBody(Body):
    task_advanced_settings: list[_Setting] = Field(max_length=64)

    def to_change(self) -> SettingsChange:
        change = SettingsChange()
        for item in self.task_advanced_settings:
            _apply(change, item.key, item.value)
        return change


class _IgnorePath(Body):
    file_path: str = Field(min_length=1, max_length=2048)
    checkbox_status: str = Field(max_length=16)


class UpdateIgnorePathBody(Body):
    ignore_path_settings: list[_IgnorePath] = Field(max_length=1000)

    def to_states(self) -> list[tuple[str, str]]:
        return [(item.file_path, item.checkbox_status) for item in self.ignore_path_settings]


def _apply(change: SettingsChange, key: str, value: str) -> None:
    if key == "taskName":
        change.task_name = value
    elif key == "includePaths":
        change.include_paths = value
    elif key == "excludePaths":
        change.exclude = value
    elif key == "testPaths":
        change.test_paths = value
    elif key == "reviewData":
        change.gate = _gate(value)
    elif key == "gateScope":
        change.gate_scope = value.strip()
    elif key == "newCodeSince":
        change.new_code_since = value
    elif key in _UNSUPPORTED:
        if value.strip():
            raise InvalidParameter(f"{key} is not supported: {_DESCRIPTIONS[key]}")
    else:
        raise InvalidParameter(f"unknown setting key {key!r}; known: {', '.join(_DESCRIPTIONS)}")


def _gate(value: str) -> tuple[GateItem, ...]:
    """The gate from reviewData JSON; items left out keep their default."""
    try:
        items = json.loads(value)
        chosen = {
            _GATE_NAMES[str(i["name"]).rstrip(".")]: GateItem(
                _GATE_NAMES[str(i["name"]).rstrip(".")], bool(int(i["isCheck"])), int(i["value"])
            )
            for i in items
        }
    except (ValueError, TypeError, KeyError) as exc:
        raise InvalidParameter(
            "reviewData must be a JSON list of {name, isCheck, value} items naming "
            f"{', '.join(_GATE_NAMES)} ({exc.__class__.__name__})"
        ) from None
    if any(item.threshold < 0 for item in chosen.values()):
        raise InvalidParameter("reviewData values must be 0 or more")
    return tuple(chosen.get(item.severity, item) for item in gate.DEFAULT_GATE)


def settings_page(
    task: Task, template: ConfigTemplate, *, offset: int, limit: int
) -> dict[str, object]:
    """ShowTaskSettingsResponse."""
    values = {
        "taskName": task.name,
        "includePaths": template.include_paths,
        "excludePaths": template.exclude,
        "testPaths": template.test_paths,
        "reviewData": review_data_json(template),
        "gateScope": task.gate_scope,
        "newCodeSince": task.new_code_since or "first",
        "customImage": "",
        "authId": "",
    }
    info = [
        {"key": key, "value": value, "option_value": "", "description": _DESCRIPTIONS[key]}
        for key, value in values.items()
    ]
    return {"info": info[offset : offset + limit], "total": len(info)}
