"""Scaling of OpenCheck's own structural rules: does any rule cost more than linear time?

A rule that, for every candidate node, searches the whole file (an `inside ... has ...
stopBy: end` evaluated before the cheap tests) is quadratic: harmless on examples, seconds on a
real file. For each language of the ast-grep and tree-sitter packs this builds one file from all
the pack's examples repeated N times and one repeated 2N times, times each rule alone on both,
and prints the ratio: about 2 is linear, about 4 quadratic. Ratios are within this run.

Usage: .venv/bin/python bench/packs.py [--copies 200] [--languages Go,Java]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from opencheck.engine.analyzers.astgrep import ASTGREP
from opencheck.engine.analyzers.base import Analyzer, RuleSelection
from opencheck.engine.analyzers.catalog import ExampleRule
from opencheck.engine.analyzers.treesitter import TREESITTER

RESULTS = Path(__file__).resolve().parent / "results"
EXTENSIONS = {
    "Go": ".go", "Java": ".java", "Kotlin": ".kt", "Rust": ".rs", "C#": ".cs", "PHP": ".php",
    "Scala": ".scala", "Lua": ".lua", "CSS": ".css", "HTML": ".html", "Terraform": ".tf",
    "ArkTS": ".ets", "Cangjie": ".cj",
}  # fmt: skip
SUSPECT_RATIO = 3.0


def _packs() -> list[tuple[Analyzer, ExampleRule]]:
    """(engine, rule with examples) of every structural rule."""
    found: list[tuple[Analyzer, ExampleRule]] = [(ASTGREP, pr) for pr in ASTGREP.pack.values()]  # type: ignore[misc]
    found += [(TREESITTER, qr) for qr in TREESITTER.pack.values()]  # type: ignore[misc]
    return found


def _corpus(rules: list[ExampleRule], copies: int) -> str:
    # PHP needs its opening tag once, at the top.
    unit = "\n".join(text.replace("<?php", "") for er in rules for text in (*er.bad, *er.good))
    return "\n".join([unit] * copies) + "\n"


def _time(analyzer: Analyzer, root: Path, name: str, rule: ExampleRule) -> float:
    argv = analyzer.command([name], RuleSelection.of([rule.rule]))
    start = time.perf_counter()
    subprocess.run(argv, cwd=root, capture_output=True, check=False)
    return time.perf_counter() - start


def language_scaling(
    language: str, entries: list[tuple[Analyzer, ExampleRule]], copies: int, root: Path
) -> list[dict[str, Any]]:
    """Seconds per rule on N and 2N copies of the language's examples, and their ratio."""
    rules = [er for _, er in entries]
    prefix = "<?php\n" if language == "PHP" else ""
    ext = EXTENSIONS[language]
    small, large = f"n{ext}", f"2n{ext}"
    (root / small).write_text(prefix + _corpus(rules, copies), encoding="utf-8")
    (root / large).write_text(prefix + _corpus(rules, 2 * copies), encoding="utf-8")
    rows = []
    for analyzer, er in entries:
        t_small = _time(analyzer, root, small, er)
        t_large = _time(analyzer, root, large, er)
        rows.append(
            {
                "rule": er.rule.id,
                "n_seconds": round(t_small, 3),
                "2n_seconds": round(t_large, 3),
                "ratio": round(t_large / t_small, 2) if t_small else 0.0,
            }
        )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=200, help="N: copies of the examples")
    parser.add_argument("--languages", default="", help="comma-separated; default: all")
    args = parser.parse_args()
    wanted = {x.strip() for x in args.languages.split(",") if x.strip()}
    by_language: dict[str, list[tuple[Analyzer, ExampleRule]]] = {}
    for analyzer, er in _packs():
        if not wanted or er.rule.language in wanted:
            by_language.setdefault(er.rule.language, []).append((analyzer, er))
    report: dict[str, Any] = {"copies": args.copies, "languages": {}}
    suspects = []
    with tempfile.TemporaryDirectory(prefix="opencheck-packs-") as tmp:
        for language, entries in sorted(by_language.items()):
            root = Path(tmp) / language.replace("#", "sharp")
            root.mkdir()
            rows = language_scaling(language, entries, args.copies, root)
            report["languages"][language] = rows
            total_n = sum(r["n_seconds"] for r in rows)
            total_2n = sum(r["2n_seconds"] for r in rows)
            worst = max(rows, key=lambda r: r["ratio"])
            print(f"{language:10} {len(rows):3} rules  N {total_n:6.2f} s  2N {total_2n:6.2f} s"
                  f"  worst ratio {worst['ratio']:5.2f} ({worst['rule']})")  # fmt: skip
            suspects += [r for r in rows if r["ratio"] > SUSPECT_RATIO and r["2n_seconds"] > 0.2]
    for row in suspects:
        print(f"SUPERLINEAR {row['rule']}: {row['n_seconds']} s -> {row['2n_seconds']} s")
    report["superlinear"] = [r["rule"] for r in suspects]
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"packs-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"written {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
