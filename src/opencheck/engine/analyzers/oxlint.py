"""JavaScript and TypeScript, by oxlint: a default rule set, run without the repository's config."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from opencheck.engine.analyzers.base import (
    SYNTAX_ERROR,
    RawFinding,
    Rule,
    RuleSelection,
    bundled_binary,
    first_syntax_error_per_file,
    json_items,
    relative_path,
)
from opencheck.engine.analyzers.catalog import catalog_rules

NAME = "oxlint"
LANGUAGES = ("JavaScript", "TypeScript")
# oxlint spells a diagnostic's rule `scope(rule)`, e.g. `eslint(no-eval)`.
_CODE = re.compile(r"^[\w-]+\((?P<rule>[\w/-]+)\)$")

RULES: tuple[Rule, ...] = catalog_rules(NAME)


def oxlint_binary() -> str | None:
    """The oxlint shipped next to this interpreter (PyPI wheel `oxlint`), else the one on PATH."""
    return bundled_binary("oxlint")


@cache
def _config_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="opencheck-oxlint-"))


# Our own config: without `-c`, oxlint reads the repository's. The browser and Node globals
# let rules such as no-implied-eval recognise `setTimeout("code")`. `eslint-disable` comments
# are honoured by OpenCheck itself, which keeps those findings marked ignored; oxlint has no
# switch for its own `oxlint-disable` comments, whose findings it drops unseen.
CONFIG_TEXT = (
    '{"env": {"browser": true, "node": true},'
    ' "options": {"respectEslintDisableDirectives": false}}\n'
)


def own_config() -> str:
    """The path of OpenCheck's oxlint config file, written once per process."""
    path = _config_dir() / "oxlintrc.json"
    if not path.is_file():  # a tmp cleaner may have removed it since
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(CONFIG_TEXT)
    return str(path)


class Oxlint:
    """The oxlint adapter: `-A all`, then `-D` for each selected rule."""

    name = NAME
    languages = frozenset(LANGUAGES)
    rules = RULES

    def available(self) -> str | None:
        return None if oxlint_binary() else "the oxlint executable was not found"

    def command(self, files: Sequence[str], rules: RuleSelection) -> list[str]:
        codes = sorted({rid.split(":", 1)[1] for rid in rules.ids if rid.startswith(f"{NAME}:")})
        denied = [arg for code in codes if code != SYNTAX_ERROR for arg in ("-D", code)]
        return [
            oxlint_binary() or "oxlint",
            f"--config={own_config()}",
            "--disable-nested-config",
            "--no-ignore",  # the inventory already chose the files
            "--no-error-on-unmatched-pattern",
            "--threads=1",  # the engine runs batches in parallel itself
            "--format=json",
            "-A",
            "all",
            *denied,
            "--",
            *files,
        ]

    def parse(self, raw: bytes, root: Path) -> list[RawFinding]:
        items = json_items(raw, NAME, "diagnostics")
        findings = [_finding(item, root) for item in items]
        return first_syntax_error_per_file(
            sorted(findings, key=lambda f: (f.path, f.line, f.column)), NAME
        )


def _finding(item: dict[str, object], root: Path) -> RawFinding:
    # Parse errors carry no code.
    match = _CODE.match(str(item.get("code") or ""))
    rule = match["rule"].rsplit("/", 1)[-1] if match else SYNTAX_ERROR
    line = column = 1
    labels = item.get("labels")
    if isinstance(labels, list) and labels and isinstance(labels[0], dict):
        span = labels[0].get("span")
        if isinstance(span, dict):
            line, column = int(span.get("line") or 1), int(span.get("column") or 1)
    return RawFinding(
        f"{NAME}:{rule}",
        relative_path(str(item.get("filename", "")), root),
        line,
        column,
        str(item.get("message", "")),
    )


OXLINT = Oxlint()
