"""Precision from labels: per language, per rule, per split, overall and for critical+major."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from labels import Label
from scanning import Reported

from opencheck.domain.gate import DEFAULT_GATE, evaluate
from opencheck.domain.severity import Severity

SEVERE = ("CRITICAL", "MAJOR")
SPLITS = ("tuned", "heldout")
# The targets of issue 7, per language and split.
TARGET_SEVERE = 0.90
TARGET_OVERALL = 0.80
TARGET_LABELS = 40


@dataclass
class Tally:
    """Verdicts of some labelled findings."""

    true: int = 0
    false: int = 0
    noise: int = 0

    def add(self, verdict: str) -> None:
        setattr(self, verdict, getattr(self, verdict) + 1)

    @property
    def labelled(self) -> int:
        return self.true + self.false + self.noise

    @property
    def precision(self) -> float | None:
        return self.true / self.labelled if self.labelled else None


@dataclass
class SplitFigures:
    """One language on one split of the corpus."""

    findings: int = 0
    severe_findings: int = 0
    all: Tally = field(default_factory=Tally)
    severe: Tally = field(default_factory=Tally)
    wrong_severity: int = 0  # true findings a reader would grade differently
    weighted: float | None = None  # per-rule precision weighted by each rule's volume
    labelled_volume: float = 0.0  # share of the findings whose rule has labels
    unlabelled_severe_rules: list[str] = field(default_factory=list)
    # Security hotspots are a review list, not defects (as Sonar keeps them apart): counted and
    # labelled on their own, outside the precision above.
    hotspots: int = 0
    hotspot_tally: Tally = field(default_factory=Tally)


@dataclass
class RuleFigures:
    language: str
    rule: str
    severity: str
    findings: Counter[str] = field(default_factory=Counter)  # per split
    hotspot: bool = False
    tally: dict[str, Tally] = field(default_factory=lambda: {s: Tally() for s in SPLITS})


@dataclass
class Figures:
    languages: dict[str, dict[str, SplitFigures]]
    rules: list[RuleFigures]
    gone: dict[str, Tally]  # labels (by language) whose finding is no longer reported
    gates: dict[str, dict[str, object]]  # per tree: counts by severity and the default gate


def compute(findings: Sequence[Reported], labels: Mapping[tuple, Label]) -> Figures:
    """Join the current findings with the labels; suppressed findings are not counted, and
    hotspots are counted apart from the defects."""
    shown = [f for f in findings if not f.suppressed]
    languages: dict[str, dict[str, SplitFigures]] = defaultdict(
        lambda: {s: SplitFigures() for s in SPLITS}
    )
    rules: dict[tuple[str, str], RuleFigures] = {}
    for f in shown:
        figures = languages[f.language][f.split]
        rule = rules.setdefault((f.language, f.rule), RuleFigures(f.language, f.rule, f.severity))
        rule.hotspot = f.hotspot
        rule.findings[f.split] += 1
        label = labels.get(f.key)
        if label is not None:
            rule.tally[f.split].add(label.verdict)
        if f.hotspot:
            figures.hotspots += 1
            if label is not None:
                figures.hotspot_tally.add(label.verdict)
            continue
        figures.findings += 1
        figures.severe_findings += f.severity in SEVERE
        if label is None:
            continue
        figures.all.add(label.verdict)
        if f.severity in SEVERE:
            figures.severe.add(label.verdict)
        if label.verdict == "true" and label.deserved.upper() != f.severity:
            figures.wrong_severity += 1
    for (language, _), rule in sorted(rules.items()):
        for split in SPLITS:
            if not rule.hotspot:
                _weigh(languages[language][split], rule, split)
    for per_split in languages.values():
        for figures in per_split.values():
            if figures.labelled_volume:
                figures.weighted = (figures.weighted or 0.0) / figures.labelled_volume
            if figures.findings:
                figures.labelled_volume /= figures.findings
    return Figures(
        dict(languages), list(rules.values()), _gone(shown, labels), _gates(shown, labels)
    )


def _weigh(figures: SplitFigures, rule: RuleFigures, split: str) -> None:
    count = rule.findings[split]
    precision = rule.tally[split].precision
    if not count:
        return
    if precision is None:
        if rule.severity in SEVERE:
            figures.unlabelled_severe_rules.append(rule.rule)
        return
    figures.weighted = (figures.weighted or 0.0) + precision * count
    figures.labelled_volume += count


def _gone(shown: Sequence[Reported], labels: Mapping[tuple, Label]) -> dict[str, Tally]:
    """Labels whose finding is no longer reported, by label file (a language's slug).

    A gone false or noise label is a fixed false positive; a gone true label is lost recall.
    """
    present = {f.key for f in shown}
    gone: dict[str, Tally] = defaultdict(Tally)
    for key, label in labels.items():
        if key not in present:
            gone[label.language].add(label.verdict)
    return dict(gone)


def _gates(
    shown: Sequence[Reported], labels: Mapping[tuple, Label]
) -> dict[str, dict[str, object]]:
    """Per tree: critical and major defects (hotspots apart, as the gate counts them), the
    default gate's verdict, and how the labels judge the critical and major findings."""
    counts: dict[str, Counter[Severity]] = defaultdict(Counter)
    judged: dict[str, Counter[str]] = defaultdict(Counter)
    for f in shown:
        if f.hotspot:
            continue
        counts[f.tree][Severity[f.severity]] += 1
        if f.severity in SEVERE:
            label = labels.get(f.key)
            judged[f.tree][label.verdict if label else "unlabelled"] += 1
    return {
        tree: {
            "critical": c[Severity.CRITICAL],
            "major": c[Severity.MAJOR],
            "gate": evaluate(DEFAULT_GATE, c),
            "true": judged[tree]["true"],
            "false_or_noise": judged[tree]["false"] + judged[tree]["noise"],
            "unlabelled": judged[tree]["unlabelled"],
        }
        for tree, c in sorted(counts.items())
    }


def gate_summary(gates: Mapping[str, Mapping[str, object]]) -> dict[str, int]:
    """Trees whose default gate fails, and why: only for findings labelled true, for at least
    one labelled false or noise, or (otherwise) for unlabelled findings."""
    failing = [g for g in gates.values() if g["gate"] != "success"]
    return {
        "trees": len(gates),
        "failing": len(failing),
        "failing_true_only": sum(
            1 for g in failing if not g["false_or_noise"] and not g["unlabelled"]
        ),
        "failing_on_false_or_noise": sum(1 for g in failing if g["false_or_noise"]),
        "failing_on_unlabelled": sum(
            1 for g in failing if not g["false_or_noise"] and g["unlabelled"]
        ),
    }


def meets_targets(per_split: Mapping[str, SplitFigures]) -> bool:
    """Issue 7's bar for one language: enough labels, and both precisions on every split."""
    if sum(f.all.labelled for f in per_split.values()) < TARGET_LABELS:
        return False
    for figures in per_split.values():
        overall, severe = figures.all.precision, figures.severe.precision
        if figures.findings and (overall is None or overall < TARGET_OVERALL):
            return False
        if severe is not None and severe < TARGET_SEVERE:
            return False
    return True
