"""Labels: a reader's verdict on one finding of the corpus, kept as CSV per language."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

LABELS_DIR = Path(__file__).resolve().parent / "labels"
COLUMNS = ("tree", "path", "line", "rule", "verdict", "deserved", "reason")
VERDICTS = ("true", "false", "noise")
DESERVED = ("critical", "major", "minor", "suggestion", "info", "none")


@dataclass(frozen=True)
class Label:
    """Verdict (true/false/noise) and deserved severity of the finding at tree/path/line/rule."""

    tree: str
    path: str
    line: int
    rule: str
    verdict: str
    deserved: str
    reason: str
    language: str = ""  # the slug of the label file it came from

    @property
    def key(self) -> tuple[str, str, int, str]:
        return (self.tree, self.path, self.line, self.rule)


def slug(language: str) -> str:
    """The file-name form of a system language: `C++` → `cpp`, `C#` → `csharp`."""
    named = language.lower().replace("++", "pp").replace("#", "sharp")
    return re.sub(r"[^a-z0-9]+", "-", named).strip("-")


def label_file(language: str, directory: Path = LABELS_DIR) -> Path:
    return directory / f"{slug(language)}.csv"


def read_labels(path: Path) -> list[Label]:
    """The labels of one file; a ValueError names the file and row of a malformed one."""
    if not path.is_file():
        return []
    labels = []
    with path.open(encoding="utf-8", newline="") as source:
        for number, row in enumerate(csv.DictReader(source), start=2):
            try:
                label = Label(
                    tree=row["tree"],
                    path=row["path"],
                    line=int(row["line"]),
                    rule=row["rule"],
                    verdict=row["verdict"].strip().lower(),
                    deserved=(row.get("deserved") or "none").strip().lower(),
                    reason=(row.get("reason") or "").strip(),
                    language=path.stem,
                )
            except (KeyError, TypeError, ValueError) as exc:
                raise ValueError(f"{path}:{number}: {exc}") from None
            if label.verdict not in VERDICTS or label.deserved not in DESERVED:
                raise ValueError(f"{path}:{number}: verdict or deserved severity not known")
            labels.append(label)
    return labels


def all_labels(directory: Path = LABELS_DIR) -> dict[tuple[str, str, int, str], Label]:
    """Every label of every language, by key; the last of two labels on one key wins."""
    return {
        label.key: label for path in sorted(directory.glob("*.csv")) for label in read_labels(path)
    }


def append_labels(path: Path, labels: Iterable[Label]) -> None:
    """Add rows to a label file, writing its header when new."""
    new = not path.is_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        if new:
            writer.writerow(COLUMNS)
        for label in labels:
            writer.writerow(
                [label.tree, label.path, label.line, label.rule, label.verdict,
                 label.deserved, label.reason]
            )  # fmt: skip
