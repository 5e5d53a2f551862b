"""The precision harness on a small corpus the test builds: scan, label, sample, figures, files."""

from __future__ import annotations

import json
from pathlib import Path

import figures
import labels
import render
import sampling
import scanning

# Real ruff findings: eval (S307) twice, an undefined name and an unused import once each.
APP = """import os


def load(text):
    return eval(text) + missing


def again(text):
    return eval(text)
"""


def scanned(tmp_path: Path, name: str = "demo", split: str = "tuned") -> list[scanning.Reported]:
    tree = tmp_path / name
    tree.mkdir(exist_ok=True)
    (tree / "app.py").write_text(APP)
    found, log = scanning.scan(tree, name, split, jobs=1)
    assert any(line.startswith("ruff:") for line in log)
    return found


def by_rule(found: list[scanning.Reported]) -> dict[str, list[scanning.Reported]]:
    rules: dict[str, list[scanning.Reported]] = {}
    for f in found:
        rules.setdefault(f.rule, []).append(f)
    return rules


def test_scan_keeps_every_finding_and_saves_it(tmp_path: Path):
    found = scanned(tmp_path)
    rules = by_rule(found)
    assert [f.line for f in rules["ruff:S307"]] == [5, 9]
    assert [f.line for f in rules["ruff:F821"]] == [5]
    assert {f.language for f in found} == {"Python"}
    scanning.save("demo", found, tmp_path / "out")
    assert scanning.load("demo", tmp_path / "out") == found
    assert scanning.load("other", tmp_path / "out") is None


def test_labels_join_findings_into_precision_per_language_rule_and_split(tmp_path: Path):
    found = scanned(tmp_path)
    _, eval_9 = by_rule(found)["ruff:S307"]
    [missing] = by_rule(found)["ruff:F821"]
    label_path = tmp_path / "labels" / "python.csv"
    labels.append_labels(
        label_path,
        [
            labels.Label("demo", "app.py", 5, "ruff:S307", "noise", "none", "by design"),
            labels.Label("demo", "app.py", 9, "ruff:S307", "true", "major", "input reaches eval"),
            labels.Label("demo", "app.py", 5, "ruff:F821", "true", "major", "NameError"),
            labels.Label("demo", "gone.py", 1, "ruff:F401", "false", "none", "re-export"),
        ],
    )
    known = labels.all_labels(label_path.parent)
    assert known[eval_9.key].reason == "input reaches eval"
    result = figures.compute(found, known)
    python = result.languages["Python"]["tuned"]
    # eval is a security hotspot: a review list counted apart from the defects' precision.
    assert all(f.hotspot for f in found if f.rule == "ruff:S307")
    assert (python.all.true, python.all.noise, python.all.labelled) == (1, 0, 1)
    assert python.all.precision == 1.0
    assert (python.hotspots, python.hotspot_tally.true, python.hotspot_tally.noise) == (2, 1, 1)
    severe = [f for f in found if f.severity in figures.SEVERE and not f.hotspot]
    assert python.severe_findings == len(severe)
    rule = next(r for r in result.rules if r.rule == "ruff:S307")
    assert rule.findings["tuned"] == 2 and rule.tally["tuned"].precision == 0.5
    # The label whose finding is gone is a fixed false positive, by its label file.
    assert result.gone["python"].false == 1
    # The gate fails for the critical F821 alone (the eval hotspots are not counted), and its
    # label says the failure is deserved.
    gate = result.gates["demo"]
    assert (gate["gate"], gate["true"], gate["false_or_noise"], gate["unlabelled"]) == (
        "error",
        1,
        0,
        0,
    )
    assert figures.gate_summary(result.gates)["failing_true_only"] == 1
    assert missing.key in known


def test_targets_need_forty_labels_and_both_precisions(tmp_path: Path):
    per_split = {s: figures.SplitFigures() for s in figures.SPLITS}
    per_split["tuned"].findings = 50
    per_split["tuned"].all = figures.Tally(true=37, false=3)
    assert figures.meets_targets(per_split)  # 92.5% on 40 labels
    per_split["tuned"].severe = figures.Tally(true=8, noise=2)
    assert not figures.meets_targets(per_split)  # critical+major at 80%
    per_split["tuned"].severe = figures.Tally(true=9, noise=1)
    per_split["heldout"].findings = 5
    per_split["heldout"].all = figures.Tally(true=3, false=2)
    assert not figures.meets_targets(per_split)  # held-out at 60%


def test_sample_takes_a_few_per_rule_and_split_and_skips_labelled(tmp_path: Path):
    found = scanned(tmp_path) + scanned(tmp_path, "held", split="heldout")
    first = sampling.pick(found, set(), per_rule=1)
    assert sorted((f.rule, f.split) for f in first) == [
        ("ruff:F401", "heldout"),
        ("ruff:F401", "tuned"),
        ("ruff:F821", "heldout"),
        ("ruff:F821", "tuned"),
        ("ruff:S307", "heldout"),
        ("ruff:S307", "tuned"),
    ]
    assert sampling.pick(found, {f.key for f in first}, per_rule=1) == []
    more = sampling.pick(found, {f.key for f in first}, per_rule=2)
    assert [f.rule for f in more] == ["ruff:S307", "ruff:S307"]
    text = sampling.sheet(first, {"demo": tmp_path / "demo"})
    assert "> " in text and "return eval(text)" in text


def test_report_files_hold_the_tables(tmp_path: Path):
    found = scanned(tmp_path)
    result = figures.compute(found, {})
    recall = {"Python": {"planted": 4, "found": 3, "recall": 0.75, "clean_severe": 0}}
    as_json, as_md = render.write(result, recall, tmp_path / "results")
    data = json.loads(as_json.read_text())
    defects = [f for f in found if not f.hotspot]
    assert data["languages"]["Python"]["tuned"]["findings"] == len(defects)
    assert data["languages"]["Python"]["tuned"]["hotspots"] == len(found) - len(defects)
    assert data["recall"]["Python"]["found"] == 3
    text = as_md.read_text()
    assert "| Python | tuned |" in text and "| Python | 4 | 3 | 75% | 0 |" in text
    assert "ruff:S307" in text
