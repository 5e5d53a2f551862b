"""The precision harness: scan a pinned corpus of real code, join the findings with labels, print
precision per language and per rule (and planted-bug recall), and write the figures to
bench/results/.

Usage (from the repository root):
  .venv/bin/python bench/precision                       # scan every tree, then report
  .venv/bin/python bench/precision report --reuse        # report on the last scan's findings
  .venv/bin/python bench/precision fetch                 # only download and unpack the corpus
  .venv/bin/python bench/precision sample --languages Go --per-rule 3   # findings to label
Options: --languages Go,Rust (trees of these languages), --trees name,name.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]  # this folder's modules, then bench/'s

import corpus  # noqa: E402
import figures  # noqa: E402
import labels  # noqa: E402
import planted  # noqa: E402
import render  # noqa: E402
import sampling  # noqa: E402
import scanning  # noqa: E402

RESULTS = HERE.parent / "results"


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    trees = _select(args)
    if not trees:
        print("no corpus tree matches the selection")
        return 2
    if args.command == "fetch":
        for tree in trees:
            corpus.materialise(tree)
        return 0
    found = _findings(trees, reuse=args.reuse or args.command == "sample")
    if args.command == "sample":
        wanted = {lang.lower() for lang in _languages(args) or ()}
        if wanted:  # the trees' other languages keep their sheets
            found = [f for f in found if f.language.lower() in wanted]
        return _sample(found, trees, args.per_rule)
    return _report(found, skip_recall=args.no_recall)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bench/precision", description=__doc__.split("\n")[0])
    parser.add_argument("command", nargs="?", default="report",
                        choices=("report", "fetch", "sample"))  # fmt: skip
    parser.add_argument("--languages", default="", help="comma-separated system languages")
    parser.add_argument("--trees", default="", help="comma-separated tree names")
    parser.add_argument("--reuse", action="store_true", help="use the last scan's findings")
    parser.add_argument("--per-rule", type=int, default=3, help="sample size per rule and split")
    parser.add_argument("--no-recall", action="store_true", help="skip the planted-bug suite")
    return parser


def _languages(args: argparse.Namespace) -> list[str] | None:
    return [x.strip() for x in args.languages.split(",") if x.strip()] or None


def _select(args: argparse.Namespace) -> list[corpus.Tree]:
    languages = _languages(args)
    names = {x.strip() for x in args.trees.split(",") if x.strip()}
    trees = corpus.load_manifest(languages)
    return [t for t in trees if not names or t.name in names]


def _findings(trees: Sequence[corpus.Tree], *, reuse: bool) -> list[scanning.Reported]:
    """Every tree's findings: scanned now, or from the last scan when `reuse` and present."""
    found: list[scanning.Reported] = []
    for tree in trees:
        earlier = scanning.load(tree.name) if reuse else None
        if earlier is not None:
            found.extend(earlier)
            continue
        root = corpus.materialise(tree)
        if root is None:
            continue  # materialise said why
        started = time.perf_counter()
        reported, log = scanning.scan(root, tree.name, tree.split)
        scanning.save(tree.name, reported)
        seconds = time.perf_counter() - started
        warnings = sum("[WARNING]" in line or "failed" in line for line in log)
        print(f"scanned {tree.name}: {len(reported)} findings in {seconds:.1f}s "
              f"({warnings} warning lines)")  # fmt: skip
        found.extend(reported)
    return found


def _sample(found: list[scanning.Reported], trees: Sequence[corpus.Tree], per_rule: int) -> int:
    known = labels.all_labels()
    chosen = sampling.pick(found, known, per_rule)
    roots = {t.name: root for t in trees if (root := corpus.materialise(t)) is not None}
    out = RESULTS / "precision" / "sheets"
    out.mkdir(parents=True, exist_ok=True)
    by_language: dict[str, list[scanning.Reported]] = {}
    for finding in chosen:
        by_language.setdefault(finding.language, []).append(finding)
    for language, sample in sorted(by_language.items()):
        name = labels.slug(language)
        (out / f"{name}.md").write_text(sampling.sheet(sample, roots), encoding="utf-8")
        todo = [labels.Label(f.tree, f.path, f.line, f.rule, "", "", "") for f in sample]
        (out / f"{name}-todo.csv").unlink(missing_ok=True)
        labels.append_labels(out / f"{name}-todo.csv", todo)
        print(f"{language}: {len(sample)} findings to label in {out / name}.md")
    return 0


def _report(found: list[scanning.Reported], *, skip_recall: bool) -> int:
    result = figures.compute(found, labels.all_labels())
    recall = {} if skip_recall else planted.recall()
    for line in render.language_table(result):
        print(line)
    print()
    for line in [*render.recall_table(recall), "", *render.other_tables(result)]:
        print(line)
    as_json, as_md = render.write(result, recall, RESULTS)
    print(f"\nwrote {as_json} and {as_md} (per-rule table there)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
