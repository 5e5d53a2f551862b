"""Suppressions in the code: which findings of one file a marker there ignores, and why.

Pure: given the findings of one file (rule id, line), its lines and its language, says per
finding the reason it is suppressed (or None), and which markers matched nothing. A marker's
code matches a rule by the tool's own code (`F401`, `eqeqeq`), OpenCheck's id (`ruff:F401`),
the rule's name (`unused-import`) or a name the rule declares users suppress it by in other tools
(`UNUSED_VARIABLE`, `EmptyCatchBlock`), in any case and with `_` for `-` (clippy's spelling).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from opencheck.engine.suppressions.marker import NOSEC_KIND, Marker
from opencheck.engine.suppressions.markers import read_markers

__all__ = ["Marker", "RuleRef", "Unused", "Verdict", "read_markers", "suppressions"]

# A code every rule answers to (`@SuppressWarnings("all")`, `disable=all`).
ALL = "all"
_BANDIT_CODE = re.compile(r"^S\d+$")


class RuleRef(NamedTuple):
    """What a marker may call a rule besides its id, and where the rule runs."""

    name: str = ""
    security: bool = False
    scope: str = "all"  # "main": skipped on test code, so its markers there are not unused
    suppressed_by: tuple[str, ...] = ()  # other tools' names for the same check


class Unused(NamedTuple):
    """A marker, or some of its codes, that suppressed nothing."""

    line: int
    text: str
    codes: tuple[str, ...]  # the codes that matched nothing; empty: the whole marker


class Verdict(NamedTuple):
    reasons: list[str | None]  # per finding, in the order given
    unused: list[Unused]


def normalise(code: str) -> str:
    return code.strip().lower().replace("_", "-")


def _code_forms(code: str) -> set[str]:
    """A marker's code and its last path segment (`@typescript-eslint/x`, `clippy::x`)."""
    norm = normalise(code)
    return {norm, re.split(r"/|::", norm)[-1]}


def _aliases(rule_id: str, ref: RuleRef | None) -> frozenset[str]:
    names = {rule_id, rule_id.split(":", 1)[-1]}
    if ref is not None:
        names.update(filter(None, (ref.name, *ref.suppressed_by)))
    return frozenset(normalise(name) for name in names)


def _is_security(rule_id: str, ref: RuleRef | None) -> bool:
    code = rule_id.split(":", 1)[-1]
    return (ref is not None and ref.security) or bool(_BANDIT_CODE.match(code))


def _matching_codes(marker: Marker, rule_id: str, ref: RuleRef | None) -> list[str] | None:
    """The marker's codes naming the rule ([] when it names no code and covers all); else None."""
    if not marker.codes:
        if marker.kind == NOSEC_KIND and not _is_security(rule_id, ref):
            return None
        return []
    aliases = _aliases(rule_id, ref)
    named = [code for code in marker.codes if code.lower() == ALL or _code_forms(code) & aliases]
    return named or None


def suppressions(
    findings: Sequence[tuple[str, int]],
    lines: Sequence[str],
    language: str,
    rules: Mapping[str, RuleRef],
) -> Verdict:
    """The reason each finding is suppressed (or None) and the markers that matched nothing.

    `rules` are the rules that ran on the file's language: a tool marker is reported unused
    only when it names one of them, OpenCheck's own markers always.
    """
    markers = read_markers(lines, language)
    # OpenCheck's own markers come first: they carry the user's reason.
    markers.sort(key=lambda m: (not m.own, m.line))
    used: dict[int, set[str]] = {index: set() for index in range(len(markers))}
    reasons: list[str | None] = []
    for rule_id, line in findings:
        ref = rules.get(rule_id)
        reason = None
        for index, marker in enumerate(markers):
            if not marker.first <= line <= marker.last:
                continue
            named = _matching_codes(marker, rule_id, ref)
            if named is None:
                continue
            used[index].update(named or [""])
            reason = reason or marker.reason
        reasons.append(reason)
    unused = [
        found
        for index, marker in enumerate(markers)
        if (found := _unused(marker, used[index], rules)) is not None
    ]
    return Verdict(reasons, sorted(unused))


def _unused(marker: Marker, used: set[str], rules: Mapping[str, RuleRef]) -> Unused | None:
    """The part of `marker` worth reporting as unused, if any: OpenCheck's own markers only.

    A tool's marker (`# noqa: F401`, `eslint-disable-line eqeqeq`, `# shellcheck disable=`) was
    written for that tool as the project configures it: OpenCheck runs the rule with its own
    options, and some tools drop the findings their markers name before OpenCheck sees them.
    On the precision corpus most such reports were false (5 of 6 in JavaScript, 3 of 3 in Shell).
    """
    if not marker.own:
        return None
    if not marker.codes:
        return Unused(marker.line, marker.text, ()) if not used else None
    idle = tuple(code for code in marker.codes if code not in used)
    return Unused(marker.line, marker.text, idle) if idle else None
