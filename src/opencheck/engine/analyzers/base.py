"""The analyser interface, rule metadata, and the one helper that runs analysers in batches."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, Protocol

from opencheck.domain.defects import RULE_TYPES, RuleType
from opencheck.domain.severity import Severity
from opencheck.engine import runner
from opencheck.engine.errors import AnalyzerError, EngineError, ScanCancelled

# Every analyser names its parse failures `<tool>:syntax-error`; they are kept in every selection
# because a file that does not parse has not been checked by any rule.
SYNTAX_ERROR = "syntax-error"
MAX_BATCH_FILES = 200
MAX_BATCH_CHARS = 100_000
# No batch of a sane analyser writes this much; one that does is stopped (SIGXFSZ).
MAX_OUTPUT_MB = 256
# The folder holding the `opencheck` package (an editable install keeps it outside the venv):
# its rule packs and the metrics child's code are read by confined children.
CODE_HOME = Path(__file__).resolve().parents[3]
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z`])")


@dataclass(frozen=True)
class RuleOption:
    """A threshold of a rule a rule set may change (ruff's `max-complexity`): an integer."""

    key: str
    name: str
    default: int
    low: int
    high: int
    description: str = ""

    def parse(self, value: str) -> int:
        """`value` as this option's integer; ValueError names the allowed range."""
        try:
            number = int(str(value).strip())
        except ValueError:
            number = None
        if number is None or not self.low <= number <= self.high:
            raise ValueError(f"{self.key} must be an integer in the range {self.low}-{self.high}")
        return number


class RawFinding(NamedTuple):
    """One result as an analyser reports it: before severity, source line and fingerprint."""

    rule_id: str
    path: str
    line: int
    column: int
    message: str


@dataclass(frozen=True)
class Rule:
    """Metadata of one rule; `id` is namespaced by tool (`ruff:F821`)."""

    id: str
    name: str
    language: str
    severity: Severity
    tags: tuple[str, ...] = ()
    security: bool = False
    description: str = ""
    bad_example: str = ""
    good_example: str = ""
    # Off by default: the rule stays in the catalog (a custom rule set can enable it) but is not
    # in the default rule sets, because the precision harness measured it below the bar.
    default: bool = True
    # "all" runs on main and test code; "main" (production hardening, security) skips test code.
    scope: str = "all"
    # A security-sensitive use to review (exec, eval, deserialisation, a weak hash...), not shown
    # to take untrusted input: listed apart from vulnerabilities and never counted by the gate.
    hotspot: bool = False
    # The names users already suppress this check by in other tools (Kotlin's `UNUSED_VARIABLE`,
    # detekt's `EmptyCatchBlock`, Java's `unused`): a marker naming one suppresses this rule too.
    suppressed_by: tuple[str, ...] = ()
    # Thresholds a rule set may change (`rule_config_list` on the wire).
    options: tuple[RuleOption, ...] = ()

    @property
    def code(self) -> str:
        """The id without its tool prefix, as the tool itself spells it."""
        return self.id.split(":", 1)[1]

    @property
    def summary(self) -> str:
        """What is wrong, in words: the description's first sentence (never the rule's slug)."""
        return _SENTENCE_END.split(self.description)[0] if self.description else self.name

    @property
    def fix(self) -> str:
        """How to fix it: the description's last sentence (descriptions end with the fix)."""
        return _SENTENCE_END.split(self.description)[-1] if self.description else ""


@dataclass(frozen=True)
class RuleSelection:
    """The rules to run, their severities and option values (the services layer may override
    both); an option not named here keeps the rule's default."""

    severities: Mapping[str, Severity] = field(default_factory=dict)
    options: Mapping[str, Mapping[str, int]] = field(default_factory=dict)

    @property
    def ids(self) -> frozenset[str]:
        return frozenset(self.severities)

    def option(self, rule: Rule, key: str) -> int:
        """The value of `rule`'s option `key` in this selection, else its default."""
        chosen = self.options.get(rule.id, {})
        for option in rule.options:
            if option.key == key:
                return chosen.get(key, option.default)
        raise KeyError(f"{rule.id} has no option {key!r}")

    @classmethod
    def of(cls, rules: Iterable[Rule]) -> RuleSelection:
        return cls({rule.id: rule.severity for rule in rules})


class Analyzer(Protocol):
    """One external tool: what it checks, how to call it, how to read its output."""

    name: str
    languages: frozenset[str]
    rules: tuple[Rule, ...]

    def available(self) -> str | None:
        """None when the tool can run here, else the reason it cannot."""
        ...

    def command(self, files: Sequence[str], rules: RuleSelection) -> list[str]:
        """argv checking `files` (relative to the worktree, which is the cwd) with `rules`."""
        ...

    def parse(self, raw: bytes, root: Path) -> list[RawFinding]:
        """Findings in the tool's stdout; pure. Raises AnalyzerError on unreadable output."""
        ...


def hotspot_rules(analyzers: Iterable[Analyzer]) -> frozenset[str]:
    """The ids of the hotspot rules of `analyzers`."""
    return frozenset(rule.id for a in analyzers for rule in a.rules if rule.hotspot)


def default_selection(
    analyzer: Analyzer, rule_type: str, languages: Iterable[str] | None = None
) -> RuleSelection:
    """The analyser's default rules for `rule_type` ("security": security rules only).

    Rules marked off by default (`Rule.default`) are left out.
    """
    if rule_type not in RULE_TYPES:
        raise ValueError(f"rule type must be one of {', '.join(RULE_TYPES)}, not {rule_type!r}")
    wanted = None if languages is None else set(languages)
    return RuleSelection.of(
        rule
        for rule in analyzer.rules
        if (wanted is None or rule.language in wanted)
        and rule.default
        and (rule_type == RuleType.BASIC or rule.security or rule.code == SYNTAX_ERROR)
    )


@dataclass(frozen=True)
class Limits:
    """What every analyser process is allowed: time, address space, when to stop, and whether
    it is confined to the worktree (Landlock, where the kernel has it)."""

    timeout: float
    memory_mb: int | None
    cancelled: Callable[[], bool]
    confine: bool = True
    # A batch that times out is checked again file by file, each within this many seconds.
    file_timeout: float = 60.0


@dataclass
class BatchResult:
    """The outcome of one analyser process over one batch of files."""

    files: Sequence[str]
    findings: list[RawFinding]
    duration: float
    error: str | None = None
    timed_out: bool = False


def batches(
    files: Sequence[str], max_files: int = MAX_BATCH_FILES, max_chars: int = MAX_BATCH_CHARS
) -> list[list[str]]:
    """Split `files` into batches short enough for one command line each."""
    result: list[list[str]] = []
    current: list[str] = []
    size = 0
    for path in files:
        if current and (len(current) >= max_files or size + len(path) + 1 > max_chars):
            result.append(current)
            current, size = [], 0
        current.append(path)
        size += len(path) + 1
    if current:
        result.append(current)
    return result


def run_batch(
    analyzer: Analyzer,
    root: Path,
    files: Sequence[str],
    selection: RuleSelection,
    limits: Limits,
) -> BatchResult:
    """Run `analyzer` over one batch; a crash, timeout or bad output becomes `error`, not a raise.

    Only `ScanCancelled` propagates, so that a stop request ends the whole scan.
    """
    try:
        result = runner.run(
            analyzer.command(files, selection),
            cwd=root,
            timeout=limits.timeout,
            memory_mb=limits.memory_mb,
            cancelled=limits.cancelled,
            max_output_mb=MAX_OUTPUT_MB,
            confine=worktree_only(root) if limits.confine else None,
        )
    except ScanCancelled:
        raise
    except EngineError as exc:  # the tool could not even start
        return BatchResult(files, [], 0.0, str(exc))
    if result.timed_out:
        reason = f"timed out after {limits.timeout:g}s"
        return BatchResult(files, [], result.duration, reason, timed_out=True)
    if result.returncode < 0:
        return BatchResult(files, [], result.duration, _signal_reason(-result.returncode))
    try:
        findings = analyzer.parse(result.stdout, root)
    except AnalyzerError as exc:
        detail = _last_line(result.stderr) or str(exc)
        return BatchResult(files, [], result.duration, f"exit code {result.returncode}: {detail}")
    # Never report a file we did not ask for, nor a rule that was not selected.
    wanted = set(files)
    findings = [f for f in findings if f.path in wanted and f.rule_id in selection.severities]
    return BatchResult(files, findings, result.duration)


def _signal_reason(number: int) -> str:
    try:
        name = signal.Signals(number).name
    except ValueError:
        name = str(number)
    hint = " (out of memory?)" if name in ("SIGKILL", "SIGABRT", "SIGSEGV") else ""
    if name == "SIGXFSZ":
        hint = f" (more than {MAX_OUTPUT_MB} MB of output)"
    return f"killed by {name}{hint}"


def _last_line(stderr: bytes) -> str:
    lines = [ln.strip() for ln in stderr.decode(errors="replace").splitlines() if ln.strip()]
    return lines[-1][:300] if lines else ""


def bundled_binary(*names: str) -> str | None:
    """A tool installed next to this interpreter (by its PyPI wheel), else the first on PATH."""
    for name in names:
        bundled = Path(sys.executable).parent / name
        if bundled.is_file():
            return str(bundled)
    return next((found for name in names if (found := shutil.which(name))), None)


_TEMP_LOCK = threading.Lock()
_TEMP: list[Path] = []


def private_temp_folder() -> Path:
    """This process's own temp folder (mode 0700): configs, copies, and confined children's
    only writable place. One per process: batches start in parallel threads, and a second
    folder would be unreadable to a child confined to the first."""
    with _TEMP_LOCK:
        if not _TEMP:
            _TEMP[:] = [Path(tempfile.mkdtemp(prefix="opencheck-"))]
        return _TEMP[0]


def worktree_only(root: Path) -> runner.Confinement:
    """A child reading the worktree and its tools, writing only this process's temp folder."""
    return runner.Confinement((root, CODE_HOME), (private_temp_folder(),))


def content_file(text: str, *, prefix: str, suffix: str) -> Path:
    """A file holding `text` in this process's temp folder, named by its hash, written once.

    Written under a private name and renamed into place: batches of one analyser start in
    parallel threads, and none may read a config or rules file another is still writing.
    """
    folder = private_temp_folder()
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    path = folder / f"{prefix}-{digest}{suffix}"
    if not path.is_file():  # also after a tmp cleaner removed it
        folder.mkdir(parents=True, exist_ok=True)
        partial = folder / f".{path.name}.{os.getpid()}.{threading.get_ident()}"
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, path)
    return path


def read_head(root: Path, path: str, limit: int) -> bytes:
    """The first `limit` bytes of `root/path` (b"" when unreadable), for content sniffing."""
    try:
        with (root / path).open("rb") as source:
            return source.read(limit)
    except OSError:
        return b""


def relative_path(filename: str, root: Path) -> str:
    """`filename` relative to `root` as a POSIX path (tools print absolute paths)."""
    path = Path(filename)
    if not path.is_absolute():
        return path.as_posix()
    for base in (root, root.resolve()):
        if path.is_relative_to(base):
            return path.relative_to(base).as_posix()
    return path.as_posix()


def first_syntax_error_per_file(findings: list[RawFinding], tool: str) -> list[RawFinding]:
    """Keep one parse error per file: the ones after it are usually its echoes."""
    syntax_rule = f"{tool}:{SYNTAX_ERROR}"
    seen: set[str] = set()
    kept = []
    for finding in findings:
        if finding.rule_id == syntax_rule:
            if finding.path in seen:
                continue
            seen.add(finding.path)
        kept.append(finding)
    return kept


def json_items(raw: bytes, tool: str, key: str | None = None) -> list[Any]:
    """The list a tool printed as JSON: the top level, or the list under `key` of an object."""
    try:
        report = json.loads(raw)
    except ValueError as exc:
        raise AnalyzerError(f"{tool} printed invalid JSON: {exc}") from None
    if key is not None:
        report = report.get(key) if isinstance(report, dict) else None
    if not isinstance(report, list):
        where = f"an object with a {key} list" if key else "a list"
        raise AnalyzerError(f"{tool} printed JSON that is not {where}")
    return report
