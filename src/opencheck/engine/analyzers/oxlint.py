"""JavaScript and TypeScript, by oxlint: a default rule set, run without the repository's config."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any

from opencheck.engine.analyzers.base import (
    SYNTAX_ERROR,
    RawFinding,
    Rule,
    RuleSelection,
    bundled_binary,
    content_file,
    first_syntax_error_per_file,
    json_items,
    relative_path,
)
from opencheck.engine.analyzers.catalog import CATALOGS_DIR, catalog_rules, read_yaml
from opencheck.engine.languages import EXTENSIONS

NAME = "oxlint"
LANGUAGES = ("JavaScript", "TypeScript")
# oxlint spells a diagnostic's rule `scope(rule)`, e.g. `eslint(no-eval)`.
_CODE = re.compile(r"^[\w-]+\((?P<rule>[\w/-]+)\)$")
# Every category off: only the rules the config names run.
_CATEGORIES = ("correctness", "suspicious", "pedantic", "perf", "restriction", "style", "nursery")

RULES: tuple[Rule, ...] = catalog_rules(NAME)


def oxlint_binary() -> str | None:
    """The oxlint shipped next to this interpreter (PyPI wheel `oxlint`), else the one on PATH."""
    return bundled_binary("oxlint")


@cache
def rule_options() -> dict[str, list[Any]]:
    """Each catalog code's oxlint options (`options:` in the catalog), e.g. eqeqeq's null test."""
    document = read_yaml(CATALOGS_DIR / f"{NAME}.yml")
    return {str(entry["code"]): list(entry.get("options") or []) for entry in document["rules"]}


def config_text(codes: Sequence[str]) -> str:
    """OpenCheck's oxlint config selecting exactly `codes`, with their options.

    Without `-c`, oxlint reads the repository's. Rules are named here rather than with `-D`,
    which drops a rule's options. The browser and Node globals let rules such as
    no-implied-eval recognise `setTimeout("code")`. `eslint-disable` comments are honoured by
    OpenCheck itself, which keeps those findings marked ignored; oxlint has no switch for its
    own `oxlint-disable` comments, whose findings it drops unseen.
    """
    options = rule_options()
    config = {
        "env": {"browser": True, "node": True},
        "categories": dict.fromkeys(_CATEGORIES, "off"),
        "options": {"respectEslintDisableDirectives": False},
        "rules": {code: ["error", *options.get(code, [])] for code in sorted(codes)},
    }
    return json.dumps(config, sort_keys=True) + "\n"


def own_config(codes: Sequence[str]) -> str:
    """The path of OpenCheck's config file for `codes`, written once per process and selection."""
    return str(content_file(config_text(codes), prefix="oxlintrc", suffix=".json"))


class Oxlint:
    """The oxlint adapter: a config file of our own naming each selected rule."""

    name = NAME
    languages = frozenset(LANGUAGES)
    rules = RULES

    def reusable(self, path: str) -> bool:
        """Every file: our own config, no nested configs, no import plugin rules (which would
        read the modules a file imports); the idiom filters read only the file itself."""
        return True

    def available(self) -> str | None:
        return None if oxlint_binary() else "the oxlint executable was not found"

    def command(self, files: Sequence[str], rules: RuleSelection) -> list[str]:
        codes = sorted(
            {rid.split(":", 1)[1] for rid in rules.ids if rid.startswith(f"{NAME}:")}
            - {SYNTAX_ERROR}
        )
        return [
            oxlint_binary() or "oxlint",
            f"--config={own_config(codes)}",
            "--disable-nested-config",
            "--no-ignore",  # the inventory already chose the files
            "--no-error-on-unmatched-pattern",
            "--threads=1",  # the engine runs batches in parallel itself
            "--format=json",
            "--",
            *files,
        ]

    def parse(self, raw: bytes, root: Path) -> list[RawFinding]:
        items = json_items(raw, NAME, "diagnostics")
        read = _reader(root)
        findings = [
            finding
            for finding in (_finding(item, root) for item in items if not _idiom(item, read))
            if _applies(finding)
        ]
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


# One config serves a batch of both languages: a rule the catalog gives one language only
# (eqeqeq: JavaScript) is dropped from the other's files here.
_CODES_BY_LANGUAGE = {
    language: frozenset(rule.id for rule in RULES if rule.language == language)
    for language in LANGUAGES
}


def _applies(finding: RawFinding) -> bool:
    language = EXTENSIONS.get(PurePosixPath(finding.path).suffix.lower(), "JavaScript")
    codes = _CODES_BY_LANGUAGE.get(language, frozenset())
    return finding.rule_id.endswith(f":{SYNTAX_ERROR}") or finding.rule_id in codes


def _reader(root: Path) -> Callable[[str], bytes]:
    """Reads a reported file's bytes once (oxlint's spans are UTF-8 byte offsets)."""

    @cache
    def read(filename: str) -> bytes:
        try:
            return (root / relative_path(filename, root)).read_bytes()
        except OSError:
            return b""

    return read


def _spans(item: dict[str, object]) -> list[tuple[int, int]]:
    labels = item.get("labels")
    spans = []
    for label in labels if isinstance(labels, list) else []:
        span = label.get("span") if isinstance(label, dict) else None
        if isinstance(span, dict):
            start = int(span.get("offset") or 0)
            spans.append((start, start + int(span.get("length") or 0)))
    return spans


_UNDEFINED_AFTER = re.compile(rb"\s*undefined\b")
_UNDEFINED_BEFORE = re.compile(rb"(?<![\w$.])undefined\s*$")
# `name: any`, `name?: any`, `[key: string]: any`, `f(): any`, but not `this: any`.
_ANNOTATION = re.compile(rb"[\w$\])]\s*[?!]?\s*:\s*$")
_THIS = re.compile(rb"(?<![\w$.])this\s*:\s*$")
# What follows the `=` of an assignment in a condition when the value is a constant.
_CONSTANT_THEN_CLOSE = re.compile(
    rb"\s*(?:-?[\d.][\w.]*|'[^'\n]*'|\"[^\"\n]*\"|`[^`$\n]*`|true|false|null|undefined)\s*\)"
)
# An empty block `{}` that is the body of a loop: `while (...) {}`, `for (...) {}`.
_LOOP_KEYWORD = re.compile(rb"(?<![\w$.])(?:while|for)\s*$")
# How far back a loop's head may start (a head split over several lines, as jasmine writes them).
_LOOP_HEAD_BYTES = 512
# An empty branch of an if/else-if chain: a decision table that deliberately does nothing there.
_ELSE_IF_HEAD = re.compile(rb"(?<![\w$.])else\s+if\s*\(.*\)\s*$")
# Comments may sit between the branch and its `else if` (Roundcube's `// got namespace prefix`).
_ELSE_IF_NEXT = re.compile(rb"\s*(?:(?://[^\n]*|/\*.*?\*/)\s*)*else\s+if\b", re.DOTALL)
# A classic script shares its top-level names with the other scripts of a page or a bundle
# (UglifyJS's lib/ is run as one context): unused there is not dead code. A line guarded by
# `typeof exports` belongs to a script that also runs under CommonJS: not module syntax.
_MODULE_SYNTAX = re.compile(
    rb"(?m)^\s*(?:import|export)\b|\brequire\s*\(|\bmodule\.exports\b|^\s*exports\s*[.[]"
    rb"|\bdefine\s*\("
)
_EXPORTS_GUARD = re.compile(rb"(?m)^.*\btypeof\s+(?:module|exports)\b.*$")
# A getter whose body is empty (comments aside): an abstract placeholder every subclass
# overrides (three's Backend.coordinateSystem), not a getter that forgot its return.
_EMPTY_FUNCTION = re.compile(rb"\(\s*\)\s*\{\s*(?:(?:/\*.*?\*/|//[^\n]*)\s*)*\}", re.DOTALL)
# After `Function`: no call at all (`new Function;`, an empty constructor) or a call whose
# arguments are all string literals (`Function("return this")()`): no code from elsewhere is
# compiled, so there is nothing to review (dojo and UglifyJS: 2 false, 5 noise, 0 true).
_STRING = rb"""(?:'[^'\\\n]*'|"[^"\\\n]*")"""
_CONSTANT_CALL = re.compile(
    rb"\s*(?:\(\s*(?:" + _STRING + rb"\s*(?:,\s*" + _STRING + rb"\s*)*)?\)|[;,)\n])"
)
_TOP_LEVEL_DECLARATION = re.compile(rb"(?:async\s+)?(?:function\b|var\s|let\s|const\s|class\s)")


def _idiom(item: dict[str, object], read: Callable[[str], bytes]) -> bool:
    """A deliberate idiom that a rule misreads, found from the source around its span.

    `x !== x` is the NaN test (no-self-compare); `x == undefined` is the null-or-undefined test,
    like `x == null` which eqeqeq's own option allows; a condition assigning anything but a
    constant (`while (ch = next())`) reads and tests on purpose (no-cond-assign); an empty loop
    body has its work in the loop's head, an empty branch of an else-if chain stops the chain
    (no-empty); a top-level name of a classic script is shared with other scripts
    (no-unused-vars); an empty getter is an abstract placeholder (getter-return); a Function
    built from string literals only compiles nothing from elsewhere (no-new-func); `any` as a
    generic argument, a type parameter's default, a return type or `this: any` is a deliberate
    escape (no-explicit-any keeps annotations of variables, fields and parameters).
    """
    code, spans = str(item.get("code") or ""), _spans(item)
    if not spans or code not in _IDIOM_RULES:
        return False
    filename = str(item.get("filename", ""))
    source = read(filename)
    (start, end), rest = spans[0], spans[1:]
    if code == "eslint(no-unused-vars)":
        return filename.endswith(".js") and _script_global(source, start)
    if code == "eslint(no-new-func)":
        return bool(_CONSTANT_CALL.match(source, end))
    if code == "eslint(getter-return)":
        return bool(_EMPTY_FUNCTION.fullmatch(source, start, end))
    if code == "eslint(no-self-compare)":
        return bool(rest) and b"!=" in source[end : rest[0][0]]
    if code == "eslint(eqeqeq)":
        before, after = source[max(0, start - 64) : start], source[end : end + 64]
        return bool(_UNDEFINED_AFTER.match(after) or _UNDEFINED_BEFORE.search(before))
    if code == "eslint(no-cond-assign)":  # `num >>>= 5` is no mistyped comparison either
        return source[start:end] != b"=" or not _CONSTANT_THEN_CLOSE.match(source, end)
    if code == "eslint(no-empty)":
        head = source[max(0, start - 512) : start].rsplit(b"\n", 1)[-1]
        chained = _ELSE_IF_HEAD.search(head) or _ELSE_IF_NEXT.match(source, end)
        return bool(_after_loop_head(source, start) or chained)
    line = source[max(0, start - 128) : start].rsplit(b"\n", 1)[-1]
    return not _ANNOTATION.search(line) or bool(_THIS.search(line))


def _after_loop_head(source: bytes, start: int) -> bool:
    """The block at `start` follows a `for (...)` or `while (...)` head, on one line or several."""
    low = max(0, start - _LOOP_HEAD_BYTES)
    index = low + len(source[low:start].rstrip()) - 1  # the `)` that should close the head
    if index < low or source[index : index + 1] != b")":
        return False
    depth = 0
    while index >= low:
        char = source[index : index + 1]
        depth += (char == b")") - (char == b"(")
        if depth == 0:
            return bool(_LOOP_KEYWORD.search(source, low, index))
        index -= 1
    return False


def _script_global(source: bytes, start: int) -> bool:
    """The name at `start` is declared unindented at the top of a file without module syntax."""
    line_start = source.rfind(b"\n", 0, start) + 1
    declared = _TOP_LEVEL_DECLARATION.match(source, line_start)
    return bool(declared) and not _MODULE_SYNTAX.search(_EXPORTS_GUARD.sub(b"", source))


_IDIOM_RULES = frozenset(
    {
        "eslint(no-unused-vars)",
        "eslint(getter-return)",
        "eslint(no-new-func)",
        "eslint(no-self-compare)",
        "eslint(eqeqeq)",
        "eslint(no-cond-assign)",
        "eslint(no-empty)",
        "typescript(no-explicit-any)",
    }
)

OXLINT = Oxlint()
