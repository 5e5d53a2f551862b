"""What `opencheck scan` reads from its options and files: languages, a rule set, a baseline,
the gate. Mistakes raise InvalidParameter (exit code 2) naming the option."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from opencheck.domain.gate import GATE_SEVERITIES, GateItem
from opencheck.domain.languages import SYSTEM_LANGUAGES, canonical_language
from opencheck.domain.severity import Severity
from opencheck.engine.analyzers.base import RuleSelection
from opencheck.engine.analyzers.registry import rule as rule_metadata
from opencheck.errors import InvalidParameter
from opencheck.reports import sarif

FAIL_ON_CHOICES = ("critical", "major", "minor", "suggestion", "never")


def fail_on(name: str) -> Severity | None:
    """The least severe level that fails the gate; None for `never`."""
    if name not in FAIL_ON_CHOICES:
        raise InvalidParameter(f"--fail-on must be one of {', '.join(FAIL_ON_CHOICES)}")
    return None if name == "never" else Severity[name.upper()]


def gate_for(worst_allowed: Severity) -> tuple[GateItem, ...]:
    """A gate with `count <= 0` enabled for `worst_allowed` and every more severe level."""
    return tuple(GateItem(s, s <= worst_allowed, 0) for s in GATE_SEVERITIES)


def languages(codes: Sequence[str] | None) -> tuple[str, ...]:
    """System language names for `--lang` codes; every language when none is given."""
    if not codes:
        return SYSTEM_LANGUAGES
    names = []
    for code in codes:
        name = canonical_language(code)
        if name is None:
            raise InvalidParameter(f"--lang {code!r} is not a supported language")
        names.append(name)
    return tuple(dict.fromkeys(names))


def rule_set(path: Path) -> dict[str, RuleSelection]:
    """A rule-set file: a mapping from language to the rule ids to run in it.

    Each value is a list of rule ids (each at its default severity) or a mapping from rule id to
    a severity name (`critical` … `info`). A language left out keeps its default rules.
    """
    data = _load(path, "--rule-set")
    if not isinstance(data, dict):
        raise InvalidParameter(f"--rule-set {path}: expected a mapping of language to rule ids")
    return {
        _language(str(lang), path): _selection(lang, rules, path) for lang, rules in data.items()
    }


def _language(code: str, path: Path) -> str:
    name = canonical_language(code)
    if name is None:
        raise InvalidParameter(f"--rule-set {path}: {code!r} is not a supported language")
    return name


def _selection(lang: str, rules: Any, path: Path) -> RuleSelection:
    if isinstance(rules, list):
        rules = dict.fromkeys(rules)
    if not isinstance(rules, dict):
        raise InvalidParameter(f"--rule-set {path}: {lang}: expected a list of rule ids")
    severities: dict[str, Severity] = {}
    for rule_id, severity in rules.items():
        known = rule_metadata(str(rule_id))
        if known is None:
            raise InvalidParameter(f"--rule-set {path}: unknown rule {rule_id!r}")
        severities[known.id] = known.severity if severity is None else _severity(severity, path)
    return RuleSelection(severities)


def _severity(name: Any, path: Path) -> Severity:
    try:
        return Severity[str(name).upper()]
    except KeyError:
        raise InvalidParameter(f"--rule-set {path}: unknown severity {name!r}") from None


def baseline(path: Path) -> set[str]:
    """The OpenCheck fingerprints of a SARIF file written earlier by `opencheck scan`."""
    data = _load(path, "--baseline", parse=json.loads)
    if not isinstance(data, dict) or data.get("version") != "2.1.0" or "runs" not in data:
        raise InvalidParameter(f"--baseline {path}: not a SARIF 2.1.0 file")
    return sarif.fingerprints(data)


def _load(path: Path, option: str, parse: Any = yaml.safe_load) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidParameter(f"{option} {path}: {exc.strerror or exc}") from None
    try:
        return parse(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise InvalidParameter(f"{option} {path}: cannot be read: {exc}") from None
