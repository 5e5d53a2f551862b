"""Rule metadata and examples kept as YAML: the tool catalogs and the structural rule packs.

A tool-backed analyser (ruff, oxlint, ...) names its rules in `engine/catalogs/<tool>.yml`;
the structural engines keep theirs, with the matching logic, in `engine/rules/<language>/`.
Both share one entry format, read here: id or code, name, severity, tags, security,
description (why and how to fix) and `examples: {bad: [...], good: [...]}`, which the tests run;
optionally `default: false` (measured below the bar: not in the default rule sets), `scope:
main` (production code only; the default for security rules) or `all`, `hotspot: true` (a
security-sensitive use to review, not a proven vulnerability), and `thresholds` (integer options
a rule set may change: key, name, default, low, high, description).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import yaml

from opencheck.domain.severity import Severity
from opencheck.engine.analyzers.base import Rule, RuleOption

CATALOGS_DIR = Path(__file__).parent.parent / "catalogs"
_Built = TypeVar("_Built")


@dataclass(frozen=True)
class ExampleRule:
    """A rule with the code samples that must (bad) and must not (good) trigger it."""

    rule: Rule
    bad: tuple[str, ...]
    good: tuple[str, ...]


# libyaml's loader where the wheel has it: the pure-Python one took a second per process to
# read the rule packs.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path) -> Any:
    """A catalog or pack file, parsed as safe YAML."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)


def rule_from_entry(
    entry: Mapping[str, Any], rule_id: str, language: str, source: Path
) -> ExampleRule:
    """One YAML entry as a rule; a ValueError names the file and the missing key."""
    try:
        examples = entry.get("examples") or {}
        bad = tuple(str(text) for text in examples.get("bad", ()))
        good = tuple(str(text) for text in examples.get("good", ()))
        rule = Rule(
            id=rule_id,
            name=str(entry["name"]),
            language=language,
            severity=Severity[str(entry["severity"]).upper()],
            tags=tuple(str(tag) for tag in entry.get("tags", ())),
            security=bool(entry.get("security", False)),
            description=" ".join(str(entry.get("description", "")).split()),
            bad_example=bad[0] if bad else "",
            good_example=good[0] if good else "",
            default=bool(entry.get("default", True)),
            scope=_scope(entry),
            hotspot=bool(entry.get("hotspot", False)),
            suppressed_by=tuple(str(name) for name in entry.get("suppressed_by", ())),
            options=tuple(_option(item) for item in entry.get("thresholds", ())),
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"{source}: rule {rule_id!r} lacks {exc}") from None
    return ExampleRule(rule, bad, good)


def _option(item: Mapping[str, Any]) -> RuleOption:
    option = RuleOption(
        key=str(item["key"]),
        name=str(item["name"]),
        default=int(item["default"]),
        low=int(item["low"]),
        high=int(item["high"]),
        description=" ".join(str(item.get("description", "")).split()),
    )
    option.parse(str(option.default))  # a default outside its own range is a catalog error
    return option


def _scope(entry: Mapping[str, Any]) -> str:
    """Where a rule runs: security rules skip test code unless the entry says otherwise."""
    scope = str(entry.get("scope", "main" if entry.get("security") else "all"))
    if scope not in ("all", "main"):
        raise KeyError(f"scope must be 'all' or 'main', not {scope!r}")
    return scope


@cache
def load_catalog(tool: str, catalogs_dir: Path = CATALOGS_DIR) -> tuple[ExampleRule, ...]:
    """The rules of `tool` from `<catalogs_dir>/<tool>.yml`, one per (code, language).

    `languages` at the top lists every language of the catalog; an entry may narrow it.
    """
    source = catalogs_dir / f"{tool}.yml"
    document = read_yaml(source)
    default_languages = document.get("languages") or [document["language"]]
    # Language by language, each in file order.
    return tuple(
        rule_from_entry(entry, f"{tool}:{entry['code']}", str(language), source)
        for language in default_languages
        for entry in document["rules"]
        if language in (entry.get("languages") or default_languages)
    )


def catalog_rules(tool: str) -> tuple[Rule, ...]:
    """Just the rule metadata of `tool`'s catalog."""
    return tuple(er.rule for er in load_catalog(tool))


def pack_entries(
    rules_dir: Path, file_name: str, languages: Collection[str]
) -> Iterator[tuple[Mapping[str, Any], str, Path]]:
    """(entry, language, source) of every rule in `<rules_dir>/*/<file_name>`, in file order.

    A pack for a language outside `languages` is an error: its engine could not run it.
    """
    for source in sorted(rules_dir.glob(f"*/{file_name}")):
        pack = read_yaml(source)
        language = str(pack["language"])
        if language not in languages:
            raise ValueError(f"{source}: no engine here can check {language!r}")
        for entry in pack["rules"]:
            yield entry, language, source


def load_pack_rules(
    rules_dir: Path,
    file_name: str,
    languages: Collection[str],
    make: Callable[[Mapping[str, Any], str, Path], _Built],
) -> tuple[_Built, ...]:
    """Every pack rule under `rules_dir`, each built by `make(entry, language, source)`."""
    return tuple(make(*found) for found in pack_entries(rules_dir, file_name, languages))
