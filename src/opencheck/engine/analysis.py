"""The analyse step: every applicable analyser over batches of files, in parallel threads."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from opencheck.domain.severity import Severity
from opencheck.engine.analyzers.base import (
    MAX_BATCH_FILES,
    SYNTAX_ERROR,
    Analyzer,
    BatchResult,
    Limits,
    RawFinding,
    RuleSelection,
    batches,
    default_selection,
    run_batch,
)
from opencheck.engine.errors import ScanCancelled
from opencheck.engine.inventory import Inventory

CANCEL_POLL = 0.2


@dataclass
class _Tally:
    """What one analyser did over all its batches."""

    files: int = 0
    defects: int = 0
    duration: float = 0.0
    failed_files: int = 0
    reasons: list[str] = field(default_factory=list)


@dataclass
class AnalysisOutcome:
    """Raw findings with the severity their rule was selected with, and who failed."""

    findings: list[RawFinding] = field(default_factory=list)
    severities: dict[str, Severity] = field(default_factory=dict)
    failed: list[str] = field(default_factory=list)
    log: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Job:
    analyzer: Analyzer
    files: list[str]
    selection: RuleSelection


def _plan(
    inventory: Inventory,
    languages: Sequence[str],
    rule_type: str,
    analyzers: Mapping[str, Analyzer],
    outcome: AnalysisOutcome,
    selections: Mapping[str, RuleSelection] | None = None,
) -> list[_Job]:
    """One job per batch of files per applicable analyser; unavailable analysers are failures."""
    jobs: list[_Job] = []
    for name, analyzer in analyzers.items():
        covered = [lang for lang in languages if lang in analyzer.languages]
        files = sorted(path for lang in covered for path in inventory.files.get(lang, ()))
        if not files:
            continue
        selection = _selection(analyzer, rule_type, covered, selections)
        if not selection.severities:
            continue
        reason = analyzer.available()
        if reason is not None:
            outcome.failed.append(name)
            outcome.log.append(f"{name} failed on {len(files)} files: {reason}")
            continue
        outcome.severities.update(selection.severities)
        files = _within_size_cap(analyzer, inventory.root, files, outcome)
        # Slow, superlinear tools (shellcheck) declare a smaller batch.
        size = getattr(analyzer, "max_files", MAX_BATCH_FILES)
        # An analyser that must run some files differently (cppcheck: C++ headers) splits them.
        split = getattr(analyzer, "split", None)
        groups = split(inventory.root, files) if split else [(analyzer, files)]
        for variant, group in groups:
            jobs.extend(_Job(variant, batch, selection) for batch in batches(group, size))
    return jobs


def _within_size_cap(
    analyzer: Analyzer, root: Path, files: list[str], outcome: AnalysisOutcome
) -> list[str]:
    """The files a slow analyser accepts: its `max_file_bytes` bounds its time per file."""
    cap = getattr(analyzer, "max_file_bytes", None)
    if cap is None:
        return files
    kept = [path for path in files if _size(root / path) <= cap]
    if len(kept) < len(files):
        outcome.log.append(
            f"{analyzer.name} skipped {len(files) - len(kept)} files over {cap // 1024} KB"
        )
    return kept


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _selection(
    analyzer: Analyzer,
    rule_type: str,
    covered: Sequence[str],
    selections: Mapping[str, RuleSelection] | None,
) -> RuleSelection:
    """The analyser's default rules, narrowed and re-graded per language by `selections`.

    A language without a selection keeps the default; syntax errors are always kept.
    """
    if not selections:
        return default_selection(analyzer, rule_type, covered)
    severities: dict[str, Severity] = {}
    for lang in covered:
        base = default_selection(analyzer, rule_type, [lang]).severities
        chosen = selections.get(lang)
        if chosen is None:
            severities.update(base)
            continue
        for rule_id, severity in base.items():
            if rule_id in chosen.severities:
                severities[rule_id] = chosen.severities[rule_id]
            elif rule_id.endswith(":" + SYNTAX_ERROR):
                severities[rule_id] = severity
    return RuleSelection(severities)


def analyze(
    root: Path,
    inventory: Inventory,
    languages: Sequence[str],
    rule_type: str,
    *,
    limits: Limits,
    jobs: int,
    analyzers: Mapping[str, Analyzer],
    progress: Callable[[float], None] = lambda fraction: None,
    selections: Mapping[str, RuleSelection] | None = None,
) -> AnalysisOutcome:
    """Run the analysers of `languages` over the inventory; `limits.cancelled` is polled here.

    Worker threads never call `limits.cancelled` themselves (the observer may not be
    thread-safe): this thread polls it and tells them through an event. `selections` maps a
    language to the rules (and severities) of its rule set; None runs every default rule.
    """
    outcome = AnalysisOutcome()
    planned = _plan(inventory, languages, rule_type, analyzers, outcome, selections)
    stop = threading.Event()
    worker_limits = Limits(limits.timeout, limits.memory_mb, stop.is_set)
    tallies = {job.analyzer.name: _Tally() for job in planned}  # in registry order
    with ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="analyse") as pool:
        futures = {pool.submit(_run_job, root, job, worker_limits): job for job in planned}
        try:
            _collect(futures, limits.cancelled, stop, tallies, outcome, progress)
        except BaseException:
            stop.set()  # running batches notice within a poll interval and kill their process
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    _log_tallies(tallies, outcome)
    return outcome


def _run_job(root: Path, job: _Job, limits: Limits) -> BatchResult:
    if limits.cancelled():
        raise ScanCancelled("the scan was cancelled")
    return run_batch(job.analyzer, root, job.files, job.selection, limits)


def _collect(
    futures: dict[Future[BatchResult], _Job],
    cancelled: Callable[[], bool],
    stop: threading.Event,
    tallies: dict[str, _Tally],
    outcome: AnalysisOutcome,
    progress: Callable[[float], None],
) -> None:
    pending = set(futures)
    while pending:
        done, pending = wait(pending, timeout=CANCEL_POLL, return_when=FIRST_COMPLETED)
        if cancelled():
            raise ScanCancelled("the scan was cancelled")
        for future in done:
            result = future.result()
            tally = tallies[futures[future].analyzer.name]
            tally.duration += result.duration
            if result.error is None:
                tally.files += len(result.files)
                tally.defects += len(result.findings)
                outcome.findings.extend(result.findings)
            else:
                tally.failed_files += len(result.files)
                if result.error not in tally.reasons:
                    tally.reasons.append(result.error)
        progress(1 - len(pending) / len(futures))


def _log_tallies(tallies: Mapping[str, _Tally], outcome: AnalysisOutcome) -> None:
    for name, tally in tallies.items():
        if tally.files:
            outcome.log.append(
                f"{name}: {tally.files} files, {tally.defects} defects, {tally.duration:.1f}s"
            )
        if tally.failed_files:
            outcome.failed.append(name)
            reasons = "; ".join(tally.reasons)
            outcome.log.append(f"{name} failed on {tally.failed_files} files: {reasons}")
