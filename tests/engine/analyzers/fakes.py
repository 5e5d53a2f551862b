"""Test-only analysers that behave badly on purpose."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from opencheck.domain.severity import Severity
from opencheck.engine.analyzers.base import RawFinding, Rule, RuleSelection
from opencheck.engine.errors import AnalyzerError


@dataclass
class ScriptAnalyzer:
    """Runs a shell script; prints findings as JSON `[[rule, path, line, col, message], …]`."""

    script: str
    name: str = "fake"
    languages: frozenset[str] = frozenset({"Python"})
    rules: tuple[Rule, ...] = field(
        default=(
            Rule("fake:one", "one", "Python", Severity.MAJOR),
            Rule("fake:sec", "sec", "Python", Severity.CRITICAL, ("CWE-1",), security=True),
        )
    )
    unavailable: str | None = None

    def available(self) -> str | None:
        return self.unavailable

    def command(self, files: Sequence[str], rules: RuleSelection) -> list[str]:
        return ["sh", "-c", self.script, "fake", *files]

    def parse(self, raw: bytes, root: Path) -> list[RawFinding]:
        try:
            return [RawFinding(*item) for item in json.loads(raw)]
        except (ValueError, TypeError) as exc:
            raise AnalyzerError(f"bad output: {exc}") from None
