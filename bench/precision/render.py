"""The harness's figures as text tables (printed) and as JSON and Markdown files."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from figures import SPLITS, Figures, SplitFigures, Tally, gate_summary, meets_targets
from labels import slug


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.0f}%"


def _cell(tally: Tally) -> str:
    return f"{_pct(tally.precision)} ({tally.true}/{tally.labelled})"


def language_table(figures: Figures) -> list[str]:
    """One row per language: findings, labels and precisions per split, and the verdict."""
    head = "| language | split | findings | crit+maj | precision | crit+maj precision | "
    head += "weighted | wrong severity | hotspots (review precision) | target |"
    rows = [head, "|" + " --- |" * 10]
    for language, per_split in sorted(figures.languages.items()):
        verdict = "met" if meets_targets(per_split) else "NOT met"
        for split in SPLITS:
            f: SplitFigures = per_split[split]
            if not f.findings and not f.all.labelled and not f.hotspots:
                continue
            rows.append(
                f"| {language} | {split} | {f.findings} | {f.severe_findings} | {_cell(f.all)} "
                f"| {_cell(f.severe)} | {_pct(f.weighted)} ({_pct(f.labelled_volume)} of volume) "
                f"| {f.wrong_severity} | {f.hotspots}: {_cell(f.hotspot_tally)} | {verdict} |"
            )
    return rows


def rule_table(figures: Figures) -> list[str]:
    """One row per rule that has findings: volume and precision per split."""
    rows = ["| language | rule | severity | tuned | heldout |", "|" + " --- |" * 5]
    for rule in sorted(figures.rules, key=lambda r: (r.language, r.rule)):
        cells = [
            f"{rule.findings[s]} found, {_cell(rule.tally[s])}" if rule.findings[s] else "—"
            for s in SPLITS
        ]
        severity = rule.severity.lower() + (", hotspot" if rule.hotspot else "")
        rows.append(f"| {rule.language} | {rule.rule} | {severity} | " + " | ".join(cells) + " |")
    return rows


def other_tables(figures: Figures) -> list[str]:
    summary = gate_summary(figures.gates)
    rows = [
        f"Default gate: fails on {summary['failing']} of {summary['trees']} trees; "
        f"{summary['failing_true_only']} only for critical/major findings labelled true, "
        f"{summary['failing_on_false_or_noise']} for at least one labelled false or noise, "
        f"{summary['failing_on_unlabelled']} for unlabelled ones.",
        "",
        "| tree | critical | major | default gate | crit+maj true | false/noise | unlabelled |",
        "|" + " --- |" * 7,
    ]
    rows += [
        f"| {tree} | {g['critical']} | {g['major']} | {g['gate']} | {g['true']}"
        f" | {g['false_or_noise']} | {g['unlabelled']} |"
        for tree, g in figures.gates.items()
    ]
    rows += ["", "| labels no longer reported | true (lost) | false+noise (fixed) |"]
    rows += ["| --- | --- | --- |"]
    rows += [
        f"| {language} | {t.true} | {t.false + t.noise} |"
        for language, t in sorted(figures.gone.items())
    ]
    missing = {
        language: sorted({r for f in per.values() for r in f.unlabelled_severe_rules})
        for language, per in figures.languages.items()
    }
    rows += ["", "Critical/major rules with findings but no labels:"]
    rows += [f"- {lang}: {', '.join(r)}" for lang, r in sorted(missing.items()) if r] or ["- none"]
    return rows


def write(figures: Figures, recall: dict[str, Any], results: Path) -> tuple[Path, Path]:
    """precision-<UTC time>.json and .md under `results`."""
    results.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    data = {
        "languages": {},
        "rules": [],
        "gates": figures.gates,
        "gate_summary": gate_summary(figures.gates),
        "recall": recall,
    }
    for language, per_split in figures.languages.items():
        data["languages"][language] = {s: asdict(f) for s, f in per_split.items()}
        data["languages"][language]["target_met"] = meets_targets(per_split)
    data["rules"] = [
        {
            "language": r.language,
            "rule": r.rule,
            "severity": r.severity,
            "hotspot": r.hotspot,
            "findings": dict(r.findings),
            "labels": {s: asdict(t) for s, t in r.tally.items()},
        }
        for r in figures.rules
    ]
    data["gone"] = {language: asdict(t) for language, t in figures.gone.items()}
    as_json = results / f"precision-{stamp}.json"
    as_json.write_text(json.dumps(data, indent=1, default=list), encoding="utf-8")
    as_md = results / f"precision-{stamp}.md"
    lines = ["# Precision", "", *language_table(figures), "", *recall_table(recall), ""]
    lines += [*other_tables(figures), "", "## Per rule", "", *rule_table(figures)]
    as_md.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return as_json, as_md


def recall_table(recall: dict[str, Any]) -> list[str]:
    """Planted-bug recall per language (empty when the suite was not run)."""
    if not recall:
        return []
    rows = ["| language | planted | found | recall | crit/major on clean files |"]
    rows.append("|" + " --- |" * 5)
    for language, r in sorted(recall.items()):
        rows.append(
            f"| {language} | {r['planted']} | {r['found']} | {_pct(r['recall'])} "
            f"| {r['clean_severe']} |"
        )
    return rows


__all__ = ["language_table", "other_tables", "recall_table", "rule_table", "slug", "write"]
