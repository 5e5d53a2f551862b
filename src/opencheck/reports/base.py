"""The one object every format renders: the findings of a scan and what is known about them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from opencheck import __version__
from opencheck.domain.findings import Finding
from opencheck.domain.roles import Role
from opencheck.domain.severity import Severity
from opencheck.engine.analyzers.base import Rule
from opencheck.engine.analyzers.registry import rule as rule_metadata

TOOL_NAME = "OpenCheck"


@dataclass(frozen=True)
class GateOutcome:
    """How the gate judged the counted findings: the worst severity that fails it, if any."""

    passed: bool
    fail_on: Severity | None  # None: the gate never fails


@dataclass(frozen=True)
class Report:
    """What a format needs: the findings (suppressed ones included, marked) and their context."""

    findings: Sequence[Finding]
    roles: Mapping[str, Role] = field(default_factory=dict)
    gate: GateOutcome | None = None
    partial: bool = False
    failed_analyzers: Sequence[str] = ()
    tool_version: str = __version__

    def role_of(self, path: str) -> Role:
        return self.roles.get(path, Role.MAIN)

    def counted(self) -> list[Finding]:
        """The findings a gate counts: neither suppressed nor security hotspots."""
        return [f for f in self.findings if counts(f)]

    def summary(self) -> Counter[Severity]:
        """Counted findings per severity."""
        return Counter(f.severity for f in self.counted())

    def rules(self) -> list[Rule | None]:
        """Metadata of every rule that fired, in order of first appearance (None if unknown)."""
        ids = dict.fromkeys(f.rule_id for f in self.findings)
        return [rule_metadata(rule_id) for rule_id in ids]


def counts(finding: Finding) -> bool:
    """Does a gate count `finding` (not suppressed, not a hotspot to review)?"""
    return finding.suppression is None and not finding.hotspot


def status(finding: Finding) -> str:
    """`ignored` when a marker in the code suppresses it, `hotspot` to review, else `open`."""
    if finding.suppression is not None:
        return "ignored"
    return "hotspot" if finding.hotspot else "open"


def severity_name(severity: Severity) -> str:
    """`critical`, `major`, `minor`, `suggestion` or `info`."""
    return severity.name.lower()


class Render(Protocol):
    """A format: the whole document as text."""

    def __call__(self, report: Report, *, color: bool = False) -> str: ...
