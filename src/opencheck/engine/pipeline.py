"""One scan as a short sequence of steps: fetch, inventory, count lines, analyse, report."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from opencheck.domain.defects import RULE_TYPES, RuleType
from opencheck.domain.findings import Finding
from opencheck.domain.languages import canonical_language, upper_code
from opencheck.domain.roles import Role
from opencheck.engine import landlock
from opencheck.engine.analysis import (
    AnalysisOutcome,
    AnalyzerRun,
    Notice,
    analyze,
)
from opencheck.engine.analyzers.base import (
    Analyzer,
    Limits,
    RuleSelection,
    hotspot_rules,
)
from opencheck.engine.analyzers.registry import ANALYZERS
from opencheck.engine.checkout_budget import CheckoutBudget
from opencheck.engine.checkouts import Checkout
from opencheck.engine.diffs import FileChange, describe, on_changed_lines
from opencheck.engine.errors import redact
from opencheck.engine.fetch import RepoCache, RepoCredentials
from opencheck.engine.git_refs import Target
from opencheck.engine.inventory import Inventory, LeftOut, build_inventory, clean_relative
from opencheck.engine.languages import UnreadUnlessRead, unread_without_language
from opencheck.engine.loc import LanguageStats, count_lines
from opencheck.engine.local_repos import LocalRepoPolicy
from opencheck.engine.metrics.background import Measuring
from opencheck.engine.metrics.measure import CodeMeasures
from opencheck.engine.reporting import to_findings
from opencheck.engine.result_cache import ResultCache
from opencheck.engine.reuse import Reuse
from opencheck.engine.scan_log import log_confinement, log_inventory, log_reuse
from opencheck.engine.scan_observer import (
    LogCollector,
    Progress,
    ScanObserver,
    check_cancelled,
)
from opencheck.engine.steps import StepTimes
from opencheck.engine.suppressing import unused_severities
from opencheck.engine.test_code import drop_main_only_on_tests, main_only_rules, read_text

__all__ = [
    "EngineSettings",
    "LogCollector",
    "RepoCredentials",
    "ScanObserver",
    "ScanResult",
    "ScanSpec",
    "run_scan",
    "scan_tree",
]

ANALYSIS_START, ANALYSIS_END = 50, 95


@dataclass(frozen=True)
class ScanSpec:
    """What to scan and with which rules."""

    repo_url: str
    branch: str
    credentials: RepoCredentials | None
    include_paths: tuple[str, ...]
    excludes: tuple[str, ...]
    rule_languages: tuple[str, ...]  # system language names the task's rule sets cover
    rule_type: str = RuleType.BASIC
    # Per system language, the rules of the task's rule set; a language left out (or None)
    # runs the analysers' default rules.
    rule_selections: Mapping[str, RuleSelection] | None = None
    # Test code beyond the conventions (prefixes or globs, as `excludes`).
    test_paths: tuple[str, ...] = ()
    # Whose clone of the repository to use: one tenant never reads another's cached fetches.
    cache_scope: str = ""
    # What to check out instead of the branch head (a request's head, a commit).
    target: Target | None = None
    # What to compare with: the files changed since (renames follow their defects).
    compare_to: Target | None = None
    # Check only the files changed since `compare_to`, report only defects on changed lines.
    incremental: bool = False


@dataclass(frozen=True)
class EngineSettings:
    """Where the engine keeps clones and worktrees, and its limits."""

    cache_dir: Path
    work_dir: Path
    fetch_timeout: float = 600
    analyzer_timeout: float = 900
    analyzer_memory_mb: int = 2048
    jobs: int = 2
    # Local repositories are refused unless their real path is under one of these roots.
    local_repos: LocalRepoPolicy = field(default_factory=LocalRepoPolicy)
    checkout_budget: CheckoutBudget = field(default_factory=CheckoutBudget)
    # Analysers and the metrics child may read only the worktree (Landlock, where present).
    confine_analyzers: bool = True
    # A timed-out batch is checked again file by file, each within this many seconds.
    file_timeout: float = 60
    # Reuse the findings and measures of files unchanged since an earlier check (reuse.py),
    # kept in `cache_dir`/REUSE_FILE.
    reuse: bool = True


REUSE_FILE = "reuse.sqlite"


@dataclass
class ScanResult:
    """Everything one scan found out about one commit."""

    commit: str
    languages: dict[str, LanguageStats]
    findings: list[Finding]
    partial: bool
    failed_analyzers: list[str]
    skipped: dict[str, int]
    metrics: CodeMeasures = field(default_factory=CodeMeasures)
    # Files an analyser did not check, each with its reason (parse failure, size cap, failure).
    notices: list[Notice] = field(default_factory=list)
    roles: dict[str, Role] = field(default_factory=dict)  # path → role; main when absent
    left_out: list[LeftOut] = field(default_factory=list)  # listed, never analysed
    code_lines: dict[str, int] = field(default_factory=dict)  # per analysed file
    # With a comparison: its merge base, and the files changed since (None when not compared).
    base: str | None = None
    changes: tuple[FileChange, ...] | None = None
    # Per analyser and language: its time, files and failure (the service's metrics).
    analyzer_runs: list[AnalyzerRun] = field(default_factory=list)
    # Wall and CPU seconds of each step so far; the service adds its own (storing, the gate).
    times: StepTimes = field(default_factory=StepTimes)

    def renamed(self) -> dict[str, str]:
        """Old path → new path of the files git found renamed since the comparison base."""
        return {c.old_path: c.path for c in self.changes or () if c.old_path is not None}


def run_scan(
    spec: ScanSpec,
    settings: EngineSettings,
    observer: ScanObserver,
    execution_id: str,
    *,
    analyzers: Mapping[str, Analyzer] = ANALYZERS,
    times: StepTimes | None = None,
) -> ScanResult:
    """Fetch, inventory, count and analyse; the worktree is always removed afterwards.

    Each step's seconds go to `times` (a new one when None), which the result carries.
    Raises FetchError, ScanCancelled, or ValueError for a bad spec.
    """
    times = times or StepTimes()
    _validate(spec)
    progress = Progress(observer)
    progress(5)
    check_cancelled(observer)
    cache = _repo_cache(settings, observer)
    secrets = (spec.credentials.secret,) if spec.credentials else ()
    what = spec.target.describe() if spec.target else f"branch {spec.branch}"
    observer.log(f"Fetching {redact(spec.repo_url, secrets)} {what}")
    with cache.checkout(
        spec.repo_url,
        spec.branch,
        spec.credentials,
        execution_id,
        scope=spec.cache_scope,
        leave_out=_leave_out(spec, analyzers),
        target=spec.target,
        compare_to=spec.compare_to,
        changed_only=spec.incremental,
        compare_optional=not spec.incremental,
        times=times,
        # Only git writes into a worktree whose analysers may only read it: it can be reused.
        reuse=settings.confine_analyzers and landlock.available() is None,
    ) as checkout:
        _log_checkout(checkout, spec, observer)
        progress(30)
        result = scan_tree(
            checkout.path,
            spec,
            settings,
            observer,
            commit=checkout.commit,
            analyzers=analyzers,
            progress=progress,
            # An incremental checkout leaves out what did not change: no file to count.
            unread=() if spec.incremental else checkout.left_out,
            times=times,
            blobs=checkout.blobs,
        )
    result.base, result.changes = checkout.base, checkout.changes
    if spec.incremental:
        result.findings = on_changed_lines(result.findings, checkout.changes or ())
    progress(ANALYSIS_END)
    return result


def _validate(spec: ScanSpec) -> None:
    """Fail before fetching, not after."""
    if spec.rule_type not in RULE_TYPES:
        raise ValueError(f"rule type must be one of {', '.join(RULE_TYPES)}")
    for path in (*spec.include_paths, *spec.excludes, *spec.test_paths):
        clean_relative(path)


def _repo_cache(settings: EngineSettings, observer: ScanObserver) -> RepoCache:
    return RepoCache(
        settings.cache_dir,
        settings.work_dir,
        timeout=settings.fetch_timeout,
        cancelled=observer.cancelled,
        local_repos=settings.local_repos,
        budget=settings.checkout_budget,
    )


def _log_checkout(checkout: Checkout, spec: ScanSpec, observer: ScanObserver) -> None:
    observer.log(f"Checked out commit {checkout.commit}")
    if checkout.changes is not None:
        only = "; only those are checked" if spec.incremental else ""
        observer.log(f"Compared with {checkout.base}: {describe(checkout.changes)}{only}")


def scan_tree(
    root: Path,
    spec: ScanSpec,
    settings: EngineSettings,
    observer: ScanObserver,
    *,
    commit: str = "",
    analyzers: Mapping[str, Analyzer] = ANALYZERS,
    progress: Callable[[float], None] | None = None,
    unread: Sequence[str] = (),
    times: StepTimes | None = None,
    blobs: Mapping[str, str] | None = None,
) -> ScanResult:
    """Inventory, line counts and analysis of a tree already on disk (a worktree or a folder).

    `spec.repo_url` and `spec.branch` are not used here; the tree is never modified.
    `unread` files were left out of the checkout by name: counted as having no language.
    `blobs` (path → "mode blob-id" of the tree's files, from git) lets the check reuse what
    earlier checks found in the same files, when `settings.reuse`.
    """
    progress = progress or Progress(observer)
    times = times or StepTimes()
    inventory, languages, code_lines = _inventory_and_lines(
        root, spec, observer, progress, unread, times
    )
    checked = _checked_languages(languages, spec.rule_languages, observer)
    reuse = None
    if settings.reuse and blobs is not None:
        reuse = Reuse(ResultCache(settings.cache_dir / REUSE_FILE), blobs)
    outcome, measures = _analyse(
        root, inventory, checked, spec, settings, observer, analyzers, progress, times, reuse
    )
    with times.step("findings"):
        _keep_main_only_rules_off_tests(root, inventory, outcome, analyzers)
        findings = to_findings(
            root,
            inventory,
            outcome,
            unused_severities(checked, spec.rule_type, spec.rule_selections),
            hotspot_rules(analyzers.values()),
        )
    for line in outcome.log:
        observer.log(line)
    if measures.errors:
        observer.log(f"[WARNING] Code metrics are incomplete: {'; '.join(measures.errors[:5])}")
    return ScanResult(
        commit=commit,
        languages=languages,
        findings=findings,
        partial=bool(outcome.failed or outcome.notices),
        failed_analyzers=outcome.failed,
        skipped=dict(inventory.skipped),
        metrics=measures,
        notices=outcome.notices,
        roles=dict(inventory.roles),
        left_out=list(inventory.left_out),
        code_lines=code_lines,
        analyzer_runs=list(outcome.runs.values()),
        times=times,
    )


def _inventory_and_lines(
    root: Path,
    spec: ScanSpec,
    observer: ScanObserver,
    progress: Callable[[float], None],
    unread: Sequence[str],
    times: StepTimes,
) -> tuple[Inventory, dict[str, LanguageStats], dict[str, int]]:
    """Which files there are and what role each has; code lines per language and per file."""
    check_cancelled(observer)
    with times.step("inventory"):
        inventory = build_inventory(
            root, spec.include_paths, spec.excludes, spec.test_paths, unread=unread
        )
    log_inventory(inventory, observer)
    progress(40)
    check_cancelled(observer)
    code_lines: dict[str, int] = {}
    with times.step("line counting"):
        languages = count_lines(inventory, code_lines)
    progress(50)
    check_cancelled(observer)
    return inventory, languages, code_lines


def _analyse(
    root: Path,
    inventory: Inventory,
    checked: list[str],
    spec: ScanSpec,
    settings: EngineSettings,
    observer: ScanObserver,
    analyzers: Mapping[str, Analyzer],
    progress: Callable[[float], None],
    times: StepTimes,
    reuse: Reuse | None,
) -> tuple[AnalysisOutcome, CodeMeasures]:
    """The analysers, and the metrics beside them; each also times itself in its own threads."""
    limits = Limits(
        settings.analyzer_timeout,
        settings.analyzer_memory_mb,
        observer.cancelled,
        settings.confine_analyzers,
        settings.file_timeout,
    )
    log_confinement(settings.confine_analyzers, observer)
    with (
        times.step("analysis"),
        Measuring(root, inventory, checked, limits, settings.jobs, times, reuse) as measuring,
    ):
        outcome = analyze(
            root,
            inventory,
            checked,
            spec.rule_type,
            limits=limits,
            jobs=settings.jobs,
            analyzers=analyzers,
            progress=lambda f: progress(ANALYSIS_START + (ANALYSIS_END - ANALYSIS_START) * f),
            selections=spec.rule_selections,
            times=times,
            reuse=reuse,
        )
        measures = measuring.result(observer.cancelled)
    if reuse is not None:
        with times.step("reuse"):
            reuse.flush()
        log_reuse(reuse, observer)
    return outcome, measures


def _leave_out(spec: ScanSpec, analyzers: Mapping[str, Analyzer]) -> Callable[[str], bool]:
    """Which files the checkout need not write: those no step of this check reads."""
    checked = set(filter(None, map(canonical_language, spec.rule_languages)))
    readers = {
        language
        for analyzer in analyzers.values()
        if getattr(analyzer, "reads_other_files", False)
        for language in analyzer.languages & checked
    }
    return UnreadUnlessRead(readers) if readers else unread_without_language


def _keep_main_only_rules_off_tests(
    root: Path, inventory: Inventory, outcome: AnalysisOutcome, analyzers: Mapping[str, Analyzer]
) -> None:
    """Drop findings of main-only rules (security, production hardening) in test code."""
    outcome.findings, dropped = drop_main_only_on_tests(
        outcome.findings,
        main_only=main_only_rules(analyzers.values()),
        role_of=inventory.role_of,
        language_of=inventory.language_of(),
        read=read_text(root),
    )
    if dropped:
        outcome.log.append(f"{dropped} findings of rules for production code left out of test code")


def _checked_languages(
    languages: Mapping[str, LanguageStats], rule_languages: Sequence[str], observer: ScanObserver
) -> list[str]:
    """Languages both in the code and in the rules; warns about the code languages left out."""
    in_rules = list(dict.fromkeys(filter(None, map(canonical_language, rule_languages))))
    by_size = sorted(languages, key=lambda lang: (-languages[lang].code, lang))
    unchecked = [lang for lang in by_size if lang not in in_rules]
    if unchecked:
        observer.log(
            "[WARNING]  : Some languages in the code are not checked! "
            f"Languages in code: [{', '.join(map(upper_code, unchecked))}], "
            f"while in rules: [{', '.join(map(upper_code, in_rules))}]"
        )
    return [lang for lang in by_size if lang in in_rules]
