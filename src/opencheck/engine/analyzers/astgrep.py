"""Go, Java and other languages, by ast-grep: OpenCheck's own YAML rule packs, one pass per batch.

Every rule of a batch goes into one `ast-grep scan --inline-rules` call, so the tool parses each
file once and matches all rules in that single pass (see shared/reference/analyser-speed.md).
The packs live in `engine/rules/<language>/rules.yml`: a `language` and a list of `rules`.
"""

from __future__ import annotations

import functools
import json
import re
import shutil
import tempfile
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from opencheck.engine.analyzers.base import (
    RawFinding,
    Rule,
    RuleSelection,
    bundled_binary,
    content_file,
    private_temp_folder,
)
from opencheck.engine.analyzers.catalog import load_pack_rules, rule_from_entry
from opencheck.engine.analyzers.gomod import GoVersion, ModuleVersions, parse_go_version
from opencheck.engine.errors import AnalyzerError

NAME = "ast-grep"
RULES_DIR = Path(__file__).parent.parent / "rules"
# System language name -> ast-grep language id.
AST_GREP_LANGUAGES: dict[str, str] = {
    "Go": "go",
    "Java": "java",
    "Kotlin": "kotlin",
    "Rust": "rust",
    "C#": "csharp",
    "PHP": "php",
    "Scala": "scala",
    "Lua": "lua",
    "CSS": "css",
    "HTML": "html",
    "Terraform": "hcl",
    # ArkTS (`.ets`) is a TypeScript superset; TypeScript's grammar parses it, error-tolerantly.
    "ArkTS": "typescript",
    "TypeScript": "typescript",
}
# Two packs share the TypeScript grammar: each keeps to its own files.
_PACK_FILES: dict[str, dict[str, list[str]]] = {
    "ArkTS": {"files": ["**/*.ets"]},
    "TypeScript": {"ignores": ["**/*.ets"]},
}
# Extensions ast-grep must map to a built-in grammar, written to our own generated sgconfig.yml.
# Less and Sass reach the CSS grammar only so that oc-css:syntax-error lists them as not checked.
_LANGUAGE_GLOBS: dict[str, list[str]] = {"typescript": ["*.ets"], "css": ["*.less", "*.sass"]}
# The ast-grep rule keys a pack entry may carry besides our own metadata (`files`/`ignores`:
# path globs, so CSS rules skip SCSS and Less).
_RULE_BODY_KEYS = ("rule", "constraints", "utils", "transform", "files", "ignores")


@dataclass(frozen=True)
class PackRule:
    """One rule of a pack: its metadata, the ast-grep body, and its examples."""

    rule: Rule
    body: Mapping[str, Any]
    bad: tuple[str, ...]
    good: tuple[str, ...]
    # What a finding says: the entry's `message` (ast-grep fills in `$NAME` meta-variables),
    # else the description's first sentence.
    message_template: str = ""
    # `min_go`: the Go version the fix needs; no findings in modules declaring an older one.
    min_go: GoVersion | None = None

    @property
    def message(self) -> str:
        return self.message_template or self.rule.summary


def _pack_rule(entry: Mapping[str, Any], language: str, source: Path) -> PackRule:
    example = rule_from_entry(entry, str(entry.get("id")), language, source)
    body = {**_PACK_FILES.get(language, {})}
    body.update({key: entry[key] for key in _RULE_BODY_KEYS if key in entry})
    if "rule" not in body or not example.bad:
        raise ValueError(f"{source}: rule {example.rule.id!r} lacks a rule body or a bad example")
    message = " ".join(str(entry.get("message") or "").split())
    min_go = parse_go_version(entry["min_go"]) if "min_go" in entry else None
    return PackRule(example.rule, body, example.bad, example.good, message, min_go)


@cache
def load_packs(rules_dir: Path = RULES_DIR) -> tuple[PackRule, ...]:
    """Every rule of every pack under `rules_dir`, in file order (read once per process)."""
    return load_pack_rules(rules_dir, "rules.yml", AST_GREP_LANGUAGES, _pack_rule)


def inline_rules(pack_rules: Sequence[PackRule]) -> str:
    """The `--inline-rules` text for `pack_rules`: one YAML document per rule."""
    documents = [
        {
            "id": pr.rule.id,
            "language": AST_GREP_LANGUAGES[pr.rule.language],
            "severity": "warning",
            "message": pr.message,
            **pr.body,
        }
        for pr in pack_rules
    ]
    return "---\n".join(yaml.safe_dump(doc, sort_keys=False) for doc in documents)


def astgrep_binary() -> str | None:
    """The ast-grep installed next to this interpreter (PyPI `ast-grep-cli`), else on PATH."""
    return bundled_binary("ast-grep", "sg")


class AstGrep:
    """The ast-grep adapter over the packs in `engine/rules`."""

    name = NAME

    def __init__(self, rules_dir: Path = RULES_DIR) -> None:
        self._rules_dir = rules_dir

    @functools.cached_property
    def pack(self) -> dict[str, PackRule]:
        """The rule packs, read on first use: parsing them cost every process a second at
        import, `opencheck scan --help` included."""
        return {pr.rule.id: pr for pr in load_packs(self._rules_dir)}

    @functools.cached_property
    def rules(self) -> tuple[Rule, ...]:
        return tuple(pr.rule for pr in self.pack.values())

    @functools.cached_property
    def languages(self) -> frozenset[str]:
        return frozenset(rule.language for rule in self.rules)

    def reusable(self, path: str) -> bool:
        """Any file but Go (a Go file's findings depend on its module's go.mod) and ArkTS
        (checked through a rewritten copy by the StructAsClass variant)."""
        return not path.endswith((".go", ETS_SUFFIX))

    def available(self) -> str | None:
        return None if astgrep_binary() else "the ast-grep executable was not found"

    def command(self, files: Sequence[str], rules: RuleSelection) -> list[str]:
        selected = [self.pack[rid] for rid in sorted(rules.ids) if rid in self.pack]
        # ast-grep needs at least one rule: this one matches nothing.
        text = inline_rules(selected) if selected else _NO_MATCH
        return [
            astgrep_binary() or "ast-grep",
            "scan",
            "--json=stream",
            "--custom-languages=ignore",
            f"--config={_config_file()}",
            f"--rule={_rules_file(text)}",
            "--",
            *files,
        ]

    def parse(self, raw: bytes, root: Path) -> list[RawFinding]:
        findings = [_finding(line, root) for line in raw.splitlines() if line.strip()]
        return self._for_module_versions(findings, root)

    def split(self, root: Path, files: Sequence[str]) -> list[tuple[Any, list[str]]]:
        """ArkTS files for a variant reading them with `struct` spelled `class `; the rest here."""
        ets = [path for path in files if path.endswith(ETS_SUFFIX)]
        rest = [path for path in files if not path.endswith(ETS_SUFFIX)]
        groups: list[tuple[Any, list[str]]] = [(self, rest), (StructAsClass(self, root), ets)]
        return [(variant, group) for variant, group in groups if group]

    def _for_module_versions(self, findings: list[RawFinding], root: Path) -> list[RawFinding]:
        """Drops findings of `min_go` rules in modules declaring an older Go than the fix needs."""
        versions = ModuleVersions(root)

        def applies(finding: RawFinding) -> bool:
            pack_rule = self.pack.get(finding.rule_id)
            if pack_rule is None or pack_rule.min_go is None:
                return True
            declared = versions.of(finding.path)
            return declared is None or declared >= pack_rule.min_go

        return [finding for finding in findings if applies(finding)]


ETS_SUFFIX = ".ets"
# An ArkTS `struct` declaration (decorators sit on the lines above it).
_STRUCT = re.compile(rb"(?m)^([ \t]*(?:export[ \t]+(?:default[ \t]+)?)?)struct(?=[ \t]+[A-Za-z_$])")


def struct_as_class(source: bytes) -> bytes:
    """`source` with each ArkTS `struct` declared as a `class ` (same length: lines stay put)."""
    return _STRUCT.sub(rb"\1class ", source)


class StructAsClass:
    """ast-grep over copies of ArkTS files whose `struct` is spelled `class `.

    TypeScript's grammar has no `struct`: its error recovery loses the methods of a struct
    component, where most ArkTS code lives. The copies sit in a temp folder removed with this
    variant; findings are mapped back to the files' own paths, lines and columns.
    """

    def __init__(self, base: AstGrep, root: Path) -> None:
        self.base, self.root = base, root
        self.name, self.languages, self.rules = base.name, base.languages, base.rules
        # In the private temp folder: a confined ast-grep may read nothing else outside the tree.
        self.copies = Path(tempfile.mkdtemp(prefix="ets-", dir=private_temp_folder()))
        weakref.finalize(self, shutil.rmtree, self.copies, True)

    def available(self) -> str | None:
        return self.base.available()

    def command(self, files: Sequence[str], rules: RuleSelection) -> list[str]:
        for path in files:
            copy = self.copies / path
            copy.parent.mkdir(parents=True, exist_ok=True)
            try:
                copy.write_bytes(struct_as_class((self.root / path).read_bytes()))
            except OSError:
                copy.write_bytes(b"")  # unreadable: nothing to report, as for the original
        return self.base.command([str(self.copies / path) for path in files], rules)

    def parse(self, raw: bytes, root: Path) -> list[RawFinding]:
        findings = [_finding(line, self.copies) for line in raw.splitlines() if line.strip()]
        return self.base._for_module_versions(findings, root)


def _rules_file(text: str) -> Path:
    """The rules as a file: all packs together exceed the 128 KiB limit of one command-line
    argument, so `--inline-rules` fails with "Argument list too long"."""
    return content_file(text, prefix="ast-grep-rules", suffix=".yml")


def _config_file() -> Path:
    """Our own sgconfig in a private temp folder: a repository's sgconfig.yml never applies."""
    config = {"ruleDirs": [], "languageGlobs": _LANGUAGE_GLOBS}
    return content_file(yaml.safe_dump(config), prefix="sgconfig", suffix=".yml")


_NO_MATCH = "id: oc:none\nlanguage: go\nrule: {kind: comment, regex: 'a^'}\n"


def _finding(line: bytes, root: Path) -> RawFinding:
    try:
        item = json.loads(line)
        start = item["range"]["start"]
        path = Path(str(item["file"]))
        if path.is_absolute() and path.is_relative_to(root):
            path = path.relative_to(root)
        return RawFinding(
            str(item["ruleId"]),
            path.as_posix(),
            int(start["line"]) + 1,
            int(start["column"]) + 1,
            str(item.get("message") or ""),
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise AnalyzerError(f"ast-grep printed an unreadable match: {exc!r}") from None


ASTGREP = AstGrep()
