"""Parsing of query parameters with CodeArts-style messages (name and allowed range)."""

from __future__ import annotations

from datetime import UTC, datetime

from opencheck.domain.severity import Severity
from opencheck.errors import InvalidParameter

# Every severity code the wire accepts, info ("4") included; the enum is the one source.
SEVERITY_CODES = tuple(s.code for s in Severity)


def int_param(value: str | None, name: str, *, low: int, high: int | None, default: int) -> int:
    """An integer query parameter within [low, high]; out of range is a 400, never clamped."""
    if value is None:
        return default
    allowed = f"{low}-{high}" if high is not None else f">= {low}"
    try:
        number = int(value.strip())
    except ValueError:
        raise InvalidParameter(f"{name} must be an integer in the range {allowed}") from None
    if number < low or (high is not None and number > high):
        raise InvalidParameter(f"{name} must be in the range {allowed}, got {number}")
    return number


WIRE_TIME = "%Y-%m-%dT%H:%M:%SZ"


def time_param(value: str | None, name: str, *, default: datetime) -> datetime:
    """A UTC time in the wire's `yyyy-MM-ddTHH:mm:ssZ` (decision 2); anything else is a 400."""
    if value is None:
        return default
    try:
        # strptime alone would accept single-digit fields ("2026-1-5T1:2:3Z").
        parsed = datetime.strptime(value, WIRE_TIME)
        if len(value) != len("2000-01-01T00:00:00Z"):
            raise ValueError(value)
    except ValueError:
        raise InvalidParameter(
            f"{name} must be a UTC time yyyy-MM-ddTHH:mm:ssZ, e.g. 2025-11-28T06:55:41Z"
        ) from None
    return parsed.replace(tzinfo=UTC)


def bool_param(value: str | None, name: str, *, default: bool) -> bool:
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered not in ("true", "false"):
        raise InvalidParameter(f"{name} must be true or false")
    return lowered == "true"


def choice_param(value: str | None, name: str, allowed: tuple[str, ...]) -> str | None:
    if value is None or value == "":
        return None
    if value not in allowed:
        raise InvalidParameter(f"{name} must be one of {', '.join(allowed)}")
    return value


def str_param(value: str | None, name: str, *, max_len: int) -> str | None:
    if value is None:
        return None
    if len(value) > max_len:
        raise InvalidParameter(f"{name} must be at most {max_len} characters")
    return value


def parse_list(value: str | None, name: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
    """A comma-separated filter; unknown values are a 400 (decision 7)."""
    if value is None or value == "":
        return ()
    items = tuple(v.strip() for v in value.split(",") if v.strip())
    bad = [v for v in items if v not in allowed]
    if bad:
        raise InvalidParameter(
            f"{name} has invalid value(s) {', '.join(bad)}; allowed: {', '.join(allowed)}"
        )
    return items


def severity_list(value: str | None, name: str) -> tuple[Severity, ...]:
    """A comma-separated severity filter over the five codes ("0" critical .. "4" info)."""
    return tuple(Severity.from_code(code) for code in parse_list(value, name, SEVERITY_CODES))
