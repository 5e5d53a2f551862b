"""Scan corpus trees with OpenCheck's default rule sets and keep every finding as JSON lines."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from opencheck.domain.languages import SYSTEM_LANGUAGES
from opencheck.engine.pipeline import (
    EngineSettings,
    LogCollector,
    ScanResult,
    ScanSpec,
    scan_tree,
)

RESULTS = Path(__file__).resolve().parent.parent / "results" / "precision"
FINDINGS_DIR = RESULTS / "findings"


@dataclass(frozen=True)
class Reported:
    """One finding of one corpus tree, as the harness keeps it."""

    tree: str
    split: str
    language: str
    rule: str
    severity: str  # CRITICAL, MAJOR, MINOR, SUGGESTION, INFO
    path: str
    line: int
    message: str
    code_line: str
    suppressed: bool = False
    hotspot: bool = False

    @property
    def key(self) -> tuple[str, str, int, str]:
        """What a label names: tree, path, line and rule."""
        return (self.tree, self.path, self.line, self.rule)


def scan(root: Path, tree: str, split: str, *, jobs: int = 2) -> tuple[list[Reported], list[str]]:
    """Every default rule of every system language over `root`; (findings, the scan's log)."""
    spec = ScanSpec(
        repo_url="",
        branch="",
        credentials=None,
        include_paths=(),
        excludes=(),
        rule_languages=SYSTEM_LANGUAGES,
    )
    observer = LogCollector()
    with tempfile.TemporaryDirectory(prefix="precision-") as work:
        settings = EngineSettings(Path(work) / "cache", Path(work) / "work", jobs=jobs)
        result = scan_tree(root, spec, settings, observer)
    return _reported(result, tree, split), observer.lines


def _reported(result: ScanResult, tree: str, split: str) -> list[Reported]:
    return [
        Reported(
            tree=tree,
            split=split,
            language=f.language,
            rule=f.rule_id,
            severity=f.severity.name,
            path=f.path,
            line=f.line,
            message=f.message,
            code_line=f.code_line.strip()[:200],
            suppressed=bool(getattr(f, "suppression", None)),
            hotspot=bool(getattr(f, "hotspot", False)),
        )
        for f in result.findings
    ]


def save(tree: str, findings: list[Reported], directory: Path = FINDINGS_DIR) -> Path:
    """Write one tree's findings as JSON lines (replacing an earlier run's)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{tree}.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for finding in findings:
            out.write(json.dumps(asdict(finding), ensure_ascii=False) + "\n")
    return path


def load(tree: str, directory: Path = FINDINGS_DIR) -> list[Reported] | None:
    """The findings of the last scan of `tree`, or None if it was never scanned."""
    path = directory / f"{tree}.jsonl"
    if not path.is_file():
        return None
    return list(_read(path))


def _read(path: Path) -> Iterator[Reported]:
    with path.open(encoding="utf-8") as source:
        for line in source:
            if line.strip():
                yield Reported(**json.loads(line))
