"""The planted-bug suite: small files with classic bugs marked in comments, scanned for recall.

A `bugs*` file marks each planted bug on its line with `expect: <rule-id>` (OpenCheck must report
that rule there) or `missed: <what>` (a classic bug OpenCheck does not find yet). `clean*` files
are idiomatic code on which no critical or major finding is acceptable.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from opencheck.domain.findings import Finding
from opencheck.domain.severity import Severity
from opencheck.engine.pipeline import EngineSettings, LogCollector, ScanSpec, scan_tree

# Folder name under the suite root → system language (domain/languages.py).
LANGUAGE_DIRS: dict[str, str] = {
    "arkts": "ArkTS",
    "cangjie": "Cangjie",
    "cpp": "C++",
    "csharp": "C#",
    "css": "CSS",
    "go": "Go",
    "html": "HTML",
    "java": "Java",
    "javascript": "JavaScript",
    "kotlin": "Kotlin",
    "lua": "Lua",
    "php": "PHP",
    "python": "Python",
    "rust": "Rust",
    "scala": "Scala",
    "shell": "Shell",
    "sql": "SQL",
    "terraform": "Terraform",
    "typescript": "TypeScript",
}

# The marker ends at the end of the line or at a closing block comment (CSS, HTML).
_MARKER = re.compile(r"\b(expect|missed):\s*(.+?)\s*(?:\*/|-->|$)")
_SEVERE = (Severity.CRITICAL, Severity.MAJOR)


@dataclass(frozen=True)
class PlantedBug:
    """One planted bug: where it is and the rule expected there (None when OpenCheck misses it)."""

    path: str
    line: int
    rule_id: str | None
    description: str


@dataclass(frozen=True)
class PlantedFile:
    """One suite file: its path relative to the suite root, language and planted bugs."""

    path: str
    source: Path
    language: str
    clean: bool
    bugs: tuple[PlantedBug, ...]


@dataclass
class LanguageResult:
    """Recall of one language: planted bugs, those found, and those missed (with the reason)."""

    language: str
    planted: list[PlantedBug] = field(default_factory=list)
    found: list[PlantedBug] = field(default_factory=list)
    missed: list[PlantedBug] = field(default_factory=list)
    # `expect:` markers with no matching finding: a regression, unlike a `missed:` marker.
    lost: list[PlantedBug] = field(default_factory=list)
    clean_severe: list[Finding] = field(default_factory=list)

    @property
    def recall(self) -> float:
        """Found planted bugs over all planted bugs (0 when nothing is planted)."""
        return len(self.found) / len(self.planted) if self.planted else 0.0


@dataclass
class SuiteResult:
    """Per-language results of one scan of the whole suite, and every finding it produced."""

    languages: dict[str, LanguageResult]
    findings: list[Finding]
    logs: list[str]


def parse_markers(path: str, text: str) -> tuple[PlantedBug, ...]:
    """The `expect:` and `missed:` markers of one file, one bug per marker."""
    bugs = []
    for number, line in enumerate(text.splitlines(), start=1):
        for kind, value in _MARKER.findall(line):
            rule_id = value.split()[0] if kind == "expect" else None
            bugs.append(PlantedBug(path, number, rule_id, value))
    return tuple(bugs)


def load_suite(root: Path) -> list[PlantedFile]:
    """Every `bugs*` and `clean*` file under `root/<language-dir>/`, sorted by path."""
    files = []
    for folder, language in LANGUAGE_DIRS.items():
        for source in sorted((root / folder).glob("*")):
            if not source.name.startswith(("bugs", "clean")):
                continue
            rel = f"{folder}/{source.name}"
            text = source.read_text(encoding="utf-8")
            clean = source.name.startswith("clean")
            files.append(PlantedFile(rel, source, language, clean, parse_markers(rel, text)))
    return files


def run_suite(files: Sequence[PlantedFile], work_dir: Path, *, jobs: int = 2) -> SuiteResult:
    """Copy `files` into `work_dir`, scan them once with every language's default rules, score them."""
    tree = work_dir / "tree"
    for planted in files:
        target = tree / planted.path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(planted.source, target)
    languages = tuple(dict.fromkeys(planted.language for planted in files))
    spec = ScanSpec("", "", None, (), (), rule_languages=languages)
    settings = EngineSettings(cache_dir=work_dir / "cache", work_dir=work_dir / "work", jobs=jobs)
    observer = LogCollector()
    result = scan_tree(tree, spec, settings, observer)
    return SuiteResult(score(files, result.findings), result.findings, observer.lines)


def score(files: Iterable[PlantedFile], findings: Sequence[Finding]) -> dict[str, LanguageResult]:
    """Match findings against the markers, per language."""
    reported = {(f.path, f.line, f.rule_id) for f in findings}
    results: dict[str, LanguageResult] = {}
    for planted in files:
        outcome = results.setdefault(planted.language, LanguageResult(planted.language))
        if planted.clean:
            outcome.clean_severe += [
                f for f in findings if f.path == planted.path and f.severity in _SEVERE
            ]
        for bug in planted.bugs:
            outcome.planted.append(bug)
            if bug.rule_id is None:
                outcome.missed.append(bug)
            elif (bug.path, bug.line, bug.rule_id) in reported:
                outcome.found.append(bug)
            else:
                outcome.missed.append(bug)
                outcome.lost.append(bug)
    return results


def recall_table(languages: dict[str, LanguageResult]) -> str:
    """A plain-text table: language, planted, found, recall, severe findings on clean files."""
    rows = [f"{'language':<12} {'planted':>7} {'found':>5} {'recall':>7} {'clean C/M':>9}"]
    for name in sorted(languages, key=str.lower):
        outcome = languages[name]
        rows.append(
            f"{name:<12} {len(outcome.planted):>7} {len(outcome.found):>5} "
            f"{outcome.recall:>7.0%} {len(outcome.clean_severe):>9}"
        )
    planted = sum(len(o.planted) for o in languages.values())
    found = sum(len(o.found) for o in languages.values())
    total = found / planted if planted else 0.0
    rows.append(f"{'all':<12} {planted:>7} {found:>5} {total:>7.0%}")
    return "\n".join(rows)
