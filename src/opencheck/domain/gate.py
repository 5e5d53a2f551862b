"""The quality gate: four count thresholds, each switched on or off."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

from opencheck.domain.severity import Severity

GATE_SEVERITIES = (Severity.CRITICAL, Severity.MAJOR, Severity.MINOR, Severity.SUGGESTION)

GATE_ITEM_NAMES = {
    Severity.CRITICAL: "Number of critical issues.",
    Severity.MAJOR: "Number of major issues.",
    Severity.MINOR: "Number of minor issues.",
    Severity.SUGGESTION: "Number of suggestions.",
}

GATE_PASSED = "success"
GATE_FAILED = "error"


class GateItem(NamedTuple):
    """One gate condition: `count(severity) <= threshold` when enabled."""

    severity: Severity
    enabled: bool
    threshold: int


DEFAULT_GATE: tuple[GateItem, ...] = (
    GateItem(Severity.CRITICAL, True, 0),
    GateItem(Severity.MAJOR, True, 0),
    GateItem(Severity.MINOR, False, 0),
    GateItem(Severity.SUGGESTION, False, 0),
)


def evaluate(gate: Sequence[GateItem], counts: Mapping[Severity, int]) -> str:
    """Return `success` when every enabled item holds for the unresolved counts, else `error`."""
    for item in gate:
        if item.enabled and counts.get(item.severity, 0) > item.threshold:
            return GATE_FAILED
    return GATE_PASSED


def to_json(gate: Sequence[GateItem]) -> list[dict[str, object]]:
    """Serialise a gate for storage (internal names, not wire names)."""
    return [
        {"severity": int(i.severity), "enabled": i.enabled, "threshold": i.threshold} for i in gate
    ]


def from_json(data: Sequence[Mapping[str, object]]) -> tuple[GateItem, ...]:
    """Inverse of `to_json`."""
    return tuple(
        GateItem(Severity(int(d["severity"])), bool(d["enabled"]), int(d["threshold"]))  # type: ignore[call-overload]
        for d in data
    )
