"""The analyse step: every applicable analyser over batches of files, in parallel threads."""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from opencheck.domain.severity import Severity
from opencheck.engine import threads
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
from opencheck.engine.reuse import Reuse
from opencheck.engine.steps import StepTimes

CANCEL_POLL = 0.2
# A slow analyser still checks a file over its size cap, alone in a batch under the full time
# budget, up to this many times its cap and this many files; beyond that the file is a notice.
SLOW_LANE_FACTOR = 4
SLOW_LANE_FILES = 16


@dataclass(frozen=True)
class Notice:
    """A file one analyser did not check, and why: a parse failure, a size cap, a time-out."""

    analyzer: str
    path: str
    reason: str


@dataclass
class _Tally:
    """What one analyser did over all its batches."""

    files: int = 0
    defects: int = 0
    duration: float = 0.0
    failed_files: int = 0
    reasons: list[str] = field(default_factory=list)
    unparsed: int = 0


@dataclass
class AnalyzerRun:
    """What one analyser did on one language's files: its time, files, and whether it failed.

    A batch mixing languages (oxlint on JavaScript and TypeScript) splits its time by file count.
    """

    analyzer: str
    language: str
    seconds: float = 0.0
    files: int = 0
    failed: bool = False


@dataclass
class AnalysisOutcome:
    """Raw findings with the severity their rule was selected with, and who failed."""

    findings: list[RawFinding] = field(default_factory=list)
    severities: dict[str, Severity] = field(default_factory=dict)
    failed: list[str] = field(default_factory=list)
    log: list[str] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    runs: dict[tuple[str, str], AnalyzerRun] = field(default_factory=dict)  # (analyser, language)

    def run_of(self, analyzer: str, language: str) -> AnalyzerRun:
        """The run of `analyzer` on `language`, created on first use."""
        key = (analyzer, language)
        if key not in self.runs:
            self.runs[key] = AnalyzerRun(analyzer, language)
        return self.runs[key]


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
    reuse: Reuse | None = None,
) -> tuple[list[_Job], list[tuple[str, BatchResult]]]:
    """One job per batch of files per applicable analyser; unavailable analysers are failures.

    With `reuse`, files whose findings are cached get no job: (analyser, their replayed result).
    """
    jobs: list[_Job] = []
    replays: list[tuple[str, BatchResult]] = []
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
            for lang in covered:
                if inventory.files.get(lang):
                    run = outcome.run_of(name, lang)
                    run.files, run.failed = len(inventory.files[lang]), True
            continue
        outcome.severities.update(selection.severities)
        files = _supported(analyzer, inventory.root, files, outcome)
        files, slow = _by_size(analyzer, inventory.root, files, outcome)
        if reuse is not None:
            # After the size and support checks, which decide per check what is analysed.
            files, replay = reuse.recall(analyzer, selection, files)
            slow, slow_replay = reuse.recall(analyzer, selection, slow)
            replays.extend((name, r) for r in (replay, slow_replay) if r is not None)
        # Slow, superlinear tools (shellcheck) declare a smaller batch.
        size = getattr(analyzer, "max_files", MAX_BATCH_FILES)
        # An analyser that must run some files differently (cppcheck: C++ headers) splits them.
        split = getattr(analyzer, "split", None)
        for group, batch_size in ((files, size), (slow, 1)):
            parts = split(inventory.root, group) if split and group else [(analyzer, group)]
            for variant, part in parts:
                jobs.extend(_Job(variant, b, selection) for b in batches(part, batch_size))
    return jobs, replays


def _supported(
    analyzer: Analyzer, root: Path, files: list[str], outcome: AnalysisOutcome
) -> list[str]:
    """The files the analyser can read; its `unsupported` hook names the others, with why.

    A zsh script or a template in a Shell file's clothing is a notice, never fed to shellcheck.
    """
    unsupported = getattr(analyzer, "unsupported", None)
    refused = unsupported(root, files) if unsupported else {}
    outcome.notices.extend(Notice(analyzer.name, path, why) for path, why in refused.items())
    if refused:
        outcome.log.append(f"{analyzer.name} cannot read {len(refused)} files (see the file list)")
    return [path for path in files if path not in refused]


def _by_size(
    analyzer: Analyzer, root: Path, files: list[str], outcome: AnalysisOutcome
) -> tuple[list[str], list[str]]:
    """(files within a slow analyser's `max_file_bytes`, files for its slow lane).

    A file over the cap is checked alone in the slow lane, up to SLOW_LANE_FACTOR times the cap
    and SLOW_LANE_FILES files; any other is a notice, never silently dropped.
    """
    cap = getattr(analyzer, "max_file_bytes", None)
    if cap is None:
        return files, []
    sizes = {path: _size(root / path) for path in files}
    kept = [path for path in files if sizes[path] <= cap]
    over = sorted((p for p in files if sizes[p] > cap), key=lambda p: (sizes[p], p))
    slow = [p for p in over if sizes[p] <= cap * SLOW_LANE_FACTOR][:SLOW_LANE_FILES]
    for path in over:
        if path not in slow:
            reason = f"{sizes[path] // 1024} KB, over the {cap * SLOW_LANE_FACTOR // 1024} KB"
            reason += f" {analyzer.name} can check in its time budget"
            outcome.notices.append(Notice(analyzer.name, path, reason))
    if slow:
        outcome.log.append(
            f"{analyzer.name} checks {len(slow)} files over {cap // 1024} KB one at a time"
        )
    return kept, sorted(slow)


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
    options: dict[str, Mapping[str, int]] = {}
    for lang in covered:
        base = default_selection(analyzer, rule_type, [lang]).severities
        chosen = selections.get(lang)
        if chosen is None:
            severities.update(base)
            continue
        options.update(chosen.options)
        for rule_id, severity in base.items():
            if rule_id in chosen.severities:
                severities[rule_id] = chosen.severities[rule_id]
            elif rule_id.endswith(":" + SYNTAX_ERROR):
                severities[rule_id] = severity
    return RuleSelection(severities, options)


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
    times: StepTimes | None = None,
    reuse: Reuse | None = None,
) -> AnalysisOutcome:
    """Run the analysers of `languages` over the inventory; `limits.cancelled` is polled here.

    Worker threads never call `limits.cancelled` themselves (the observer may not be
    thread-safe): this thread polls it and tells them through an event. `selections` maps a
    language to the rules (and severities) of its rule set; None runs every default rule.
    Each analyser's batches are the step `analyser <name>` of `times` (summed, so analysers
    running side by side add up to more than the analysis took). With `reuse`, an analyser
    checks only the files whose findings it has not cached (reuse.py), and caches the others.
    """
    times = times or StepTimes()
    outcome = AnalysisOutcome()
    with times.step("reuse"):
        planned, replays = _plan(
            inventory, languages, rule_type, analyzers, outcome, selections, reuse
        )
    stop = threading.Event()
    worker_limits = dataclasses.replace(limits, cancelled=stop.is_set)
    names = [job.analyzer.name for job in planned] + [name for name, _ in replays]
    order = [analyzer.name for analyzer in analyzers.values()]
    ranked = sorted(set(names), key=lambda n: order.index(n) if n in order else len(order))
    tallies = {name: _Tally() for name in ranked}  # in registry order
    for name, replay in replays:
        _record(name, replay, tallies, outcome)
    with ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="analyse") as pool:
        futures = {
            threads.submit(pool, _run_job, root, job, worker_limits, times, reuse): job
            for job in planned
        }
        try:
            _collect(futures, limits.cancelled, stop, tallies, outcome, progress)
            _time_runs(futures, inventory.language_of(), outcome)
        except BaseException:
            stop.set()  # running batches notice within a poll interval and kill their process
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    _log_tallies(tallies, outcome)
    return outcome


def _run_job(
    root: Path, job: _Job, limits: Limits, times: StepTimes, reuse: Reuse | None
) -> list[BatchResult]:
    if limits.cancelled():
        raise ScanCancelled("the scan was cancelled")
    with times.step(f"analyser {job.analyzer.name}"):
        results = [run_batch(job.analyzer, root, job.files, job.selection, limits)]
        if results[0].timed_out and len(job.files) > 1:
            results = _file_by_file(root, job, limits)
    if reuse is not None:
        with times.step("reuse"):
            for result in results:
                reuse.remember(job.analyzer.name, result)
    return results


def _file_by_file(root: Path, job: _Job, limits: Limits) -> list[BatchResult]:
    """The files of a timed-out batch one by one, each within the per-file limit, so that one
    file that never finishes costs only itself; all of it within one more batch timeout."""
    deadline = time.monotonic() + limits.timeout
    results = []
    for index, path in enumerate(job.files):
        left = deadline - time.monotonic()
        if left <= 0:
            reason = f"not checked: its batch timed out, and so did {limits.timeout:g}s of retries"
            results.append(BatchResult(job.files[index:], [], 0.0, reason))
            break
        own = dataclasses.replace(limits, timeout=min(limits.file_timeout, left))
        results.append(run_batch(job.analyzer, root, [path], job.selection, own))
    return results


def _collect(
    futures: dict[Future[list[BatchResult]], _Job],
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
            for result in future.result():
                _record(futures[future].analyzer.name, result, tallies, outcome)
        progress(1 - len(pending) / len(futures))


def _record(
    name: str, result: BatchResult, tallies: dict[str, _Tally], outcome: AnalysisOutcome
) -> None:
    """Add one batch's findings; its parse failures and a failed batch's files are notices."""
    tally = tallies[name]
    tally.duration += result.duration
    if result.error is not None:
        tally.failed_files += len(result.files)
        if result.error not in tally.reasons:
            tally.reasons.append(result.error)
        outcome.notices.extend(Notice(name, path, result.error) for path in result.files)
        return
    tally.files += len(result.files)
    for finding in result.findings:
        if finding.rule_id.endswith(":" + SYNTAX_ERROR):
            tally.unparsed += 1
            reason = f"could not parse line {finding.line}: {finding.message}"
            outcome.notices.append(Notice(name, finding.path, reason.strip()))
        else:
            tally.defects += 1
            outcome.findings.append(finding)


def _time_runs(
    futures: dict[Future[list[BatchResult]], _Job],
    language_of: Mapping[str, str],
    outcome: AnalysisOutcome,
) -> None:
    """Each finished batch's time and files per (analyser, language); a failed batch fails both."""
    for future, job in futures.items():
        for result in future.result():
            if not result.files:
                continue
            share = result.duration / len(result.files)
            for path in result.files:
                run = outcome.run_of(job.analyzer.name, language_of.get(path, ""))
                run.seconds += share
                run.files += 1
                run.failed = run.failed or result.error is not None


def _log_tallies(tallies: Mapping[str, _Tally], outcome: AnalysisOutcome) -> None:
    for name, tally in tallies.items():
        if tally.files:
            outcome.log.append(
                f"{name}: {tally.files} files, {tally.defects} defects, {tally.duration:.1f}s"
            )
        if tally.unparsed:
            outcome.log.append(f"{name} could not parse {tally.unparsed} files")
        if tally.failed_files:
            outcome.failed.append(name)
            reasons = "; ".join(tally.reasons)
            outcome.log.append(f"{name} failed on {tally.failed_files} files: {reasons}")
    unchecked = {notice.path for notice in outcome.notices}
    if unchecked:
        outcome.log.append(
            f"[WARNING] {len(unchecked)} files were not fully checked (parse failures, size caps "
            "or failed analysers); the file list gives each one's reason"
        )
