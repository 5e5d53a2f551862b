"""The suppression step of a scan: findings a marker ignores are kept and marked, and markers
that ignore nothing become `opencheck:unused-suppression` findings.

Files with findings are read once, by the pipeline, and their lines handed in; the other files
of the checked languages are read here only when their bytes hold a marker word.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path

from opencheck.domain.defects import RuleType
from opencheck.domain.findings import MAX_CODE_LINE, Finding
from opencheck.domain.severity import Severity
from opencheck.engine.analyzers.base import RuleSelection
from opencheck.engine.analyzers.registry import ENGINE_RULES, all_rules
from opencheck.engine.fingerprint import identities
from opencheck.engine.suppressions import RuleRef, Unused, suppressions

UNUSED_RULE = "opencheck:unused-suppression"
# A file of a language holding none of its words has no marker that could be reported unused
# (only markers naming a rule can be; bare ones never are). A few `bytes.find` per file: a
# regex of alternatives over every file of a large tree cost a quarter of a second on Django.
_OWN_WORD = b"opencheck-ignore"
_MARKER_WORDS: dict[str, tuple[bytes, ...]] = {
    "Python": (_OWN_WORD, b"noqa:", b"nosec "),
    "JavaScript": (_OWN_WORD, b"lint-disable"),
    "TypeScript": (_OWN_WORD, b"lint-disable"),
    "ArkTS": (_OWN_WORD, b"lint-disable"),
    "Shell": (_OWN_WORD, b"disable="),
    "C++": (_OWN_WORD, b"NOLINT", b"cppcheck-suppress"),
    "Go": (_OWN_WORD, b"nolint:"),
    "Java": (_OWN_WORD, b"Suppress"),
    "Kotlin": (_OWN_WORD, b"Suppress"),
    "Scala": (_OWN_WORD, b"Suppress"),
    "Rust": (_OWN_WORD, b"allow("),
    "Lua": (_OWN_WORD, b"luacheck"),
    "SQL": (_OWN_WORD, b"noqa:"),
}


def unused_severities(
    languages: Iterable[str],
    rule_type: str,
    selections: Mapping[str, RuleSelection] | None,
) -> dict[str, Severity]:
    """Per checked language, the severity unused markers are reported at.

    Not in a security check; a language whose custom rule set leaves the rule out is left out.
    """
    default = ENGINE_RULES[0].severity
    result: dict[str, Severity] = {}
    for language in languages:
        chosen = (selections or {}).get(language)
        unused_off = chosen is not None and UNUSED_RULE not in chosen.severities
        if rule_type != RuleType.BASIC or unused_off:
            continue
        result[language] = chosen.severities[UNUSED_RULE] if chosen is not None else default
    return result


def mark_suppressed(
    findings: list[Finding],
    sources: Mapping[str, list[str]],
    ran: Iterable[str],
) -> tuple[list[Finding], dict[str, list[Unused]]]:
    """`findings` with their suppression set, and the unused markers of their files by path.

    `sources` holds the lines of every file with findings; `ran` the ids of the rules that ran.
    """
    refs = _rule_refs(frozenset(ran))
    by_path: dict[str, list[int]] = {}
    for index, finding in enumerate(findings):
        by_path.setdefault(finding.path, []).append(index)
    marked = list(findings)
    unused: dict[str, list[Unused]] = {}
    for path, indexes in by_path.items():
        language = findings[indexes[0]].language
        pairs = [(findings[i].rule_id, findings[i].line) for i in indexes]
        verdict = suppressions(pairs, sources.get(path, []), language, refs.get(language, {}))
        for i, reason in zip(indexes, verdict.reasons, strict=True):
            if reason is not None:
                marked[i] = findings[i]._replace(suppression=reason)
        if verdict.unused:
            unused[path] = verdict.unused
    return marked, unused


def unused_findings(
    root: Path,
    files: Mapping[str, Iterable[str]],
    sources: Mapping[str, list[str]],
    known: Mapping[str, list[Unused]],
    severities: Mapping[str, Severity],
    ran: Iterable[str],
) -> list[Finding]:
    """One finding per unused marker: `known` for files with findings, the rest read here.

    `files` maps a language to its paths; only languages in `severities` are reported.
    """
    refs = _rule_refs(frozenset(ran))
    found: list[tuple[str, str, Unused, list[str]]] = []
    for language, paths in files.items():
        if language not in severities:
            continue
        for path in paths:
            lines = sources.get(path)
            if lines is None:
                lines = _marked_lines(root / path, _MARKER_WORDS.get(language, (_OWN_WORD,)))
                idle = suppressions([], lines, language, refs.get(language, {})).unused
            else:
                idle = known.get(path, [])
            found.extend((path, language, marker, lines) for marker in idle)
    keys = identities((UNUSED_RULE, path, marker.line, lines) for path, _, marker, lines in found)
    return [
        Finding(
            rule_id=UNUSED_RULE,
            severity=severities[language],
            path=path,
            line=marker.line,
            column=1,
            message=_message(marker),
            code_line=_line(lines, marker.line).rstrip()[:MAX_CODE_LINE],
            fingerprint=key.fingerprint,
            language=language,
            line_key=key.line_key,
        )
        for (path, language, marker, lines), key in zip(found, keys, strict=True)
    ]


def _message(marker: Unused) -> str:
    if not marker.codes:
        return f"The suppression `{marker.text}` ignores no finding: remove it."
    codes = ", ".join(marker.codes)
    return (
        f"The suppression `{marker.text}` ignores no finding of {codes} where it stands: "
        "remove it, or correct its rule id or its line."
    )


def _line(lines: list[str], number: int) -> str:
    return lines[number - 1] if 0 < number <= len(lines) else ""


def _marked_lines(path: Path, words: tuple[bytes, ...]) -> list[str]:
    """The lines of a file that holds one of `words`; none for the others (most files)."""
    try:
        data = path.read_bytes()
    except OSError:
        return []
    if not any(word in data for word in words):
        return []
    return data.decode("utf-8", errors="replace").splitlines()


@lru_cache(maxsize=16)
def _rule_refs(ran: frozenset[str]) -> dict[str, dict[str, RuleRef]]:
    """Per language, the rules that ran, with the names and flags markers may use."""
    refs: dict[str, dict[str, RuleRef]] = {}
    for rule in all_rules():
        if rule.id in ran:
            ref = RuleRef(rule.name, rule.security, rule.scope, rule.suppressed_by)
            refs.setdefault(rule.language, {})[rule.id] = ref
    return refs
