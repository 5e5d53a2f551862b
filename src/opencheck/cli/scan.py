"""`opencheck scan`: check a working copy on disk with the service's engine, no server.

Exit codes (as Semgrep): 0 when the gate holds, 1 when it fails, 2 on a usage or internal error.
Machine formats write nothing but the document to stdout; progress and warnings go to stderr.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import tempfile
from pathlib import Path
from typing import Any, TextIO

from opencheck.cli import scan_inputs
from opencheck.cli.scan_inputs import FAIL_ON_CHOICES
from opencheck.domain.findings import Finding
from opencheck.domain.gate import GATE_PASSED, evaluate
from opencheck.domain.severity import Severity
from opencheck.engine import working_copy
from opencheck.engine.diffs import describe, on_changed_lines
from opencheck.engine.pipeline import EngineSettings, ScanResult, ScanSpec, scan_tree
from opencheck.errors import InvalidParameter
from opencheck.reports import text
from opencheck.reports.base import GateOutcome, Report
from opencheck.reports.formats import FORMATS

DEFAULT_FAIL_ON = "major"  # the default gate: critical <= 0 and major <= 0


def add_parser(sub: Any) -> None:
    """Register `opencheck scan` on the sub-command parser."""
    p = sub.add_parser(
        "scan",
        help="check a working copy (no server); exit 1 when the gate fails",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                   help="the folder to check (default .), or files and folders under the "
                   "current folder to check only those (as pre-commit passes them)")  # fmt: skip
    p.add_argument("--lang", action="append", metavar="CODE", help="check only this language "
                   "(repeatable; e.g. python, js, cpp); default: every language found")  # fmt: skip
    p.add_argument("--rule-set", type=Path, metavar="FILE",
                   help="YAML or JSON: language -> rule ids to run (docs/cli.md)")  # fmt: skip
    p.add_argument("--format", choices=sorted(FORMATS), default="text", help="default text")
    p.add_argument("-o", "--output", type=Path, metavar="FILE", help="write the report here")
    p.add_argument("--fail-on", choices=FAIL_ON_CHOICES, default=DEFAULT_FAIL_ON,
                   help="fail on a defect this severe or worse (default major: the default "
                   "gate, critical <= 0 and major <= 0)")  # fmt: skip
    p.add_argument("--changed-since", metavar="REF", help="check the files changed since REF, "
                   "report defects on changed lines only")  # fmt: skip
    p.add_argument("--baseline", type=Path, metavar="FILE",
                   help="a SARIF file OpenCheck wrote: report only defects not in it")  # fmt: skip
    p.add_argument("--jobs", type=int, metavar="N", help="analyser processes (default: CPUs)")
    p.add_argument("-v", "--verbose", action="store_true", help="the scan log on stderr")


def run(args: argparse.Namespace) -> int:
    """Run the scan `args` describe; returns the exit code."""
    root, only = _root(args.paths)
    if args.jobs is not None and args.jobs < 1:
        raise InvalidParameter("--jobs must be at least 1")
    fail_on = scan_inputs.fail_on(args.fail_on)
    baseline = scan_inputs.baseline(args.baseline) if args.baseline else None
    spec = ScanSpec(
        repo_url=str(root),
        branch="",
        credentials=None,
        include_paths=only,
        excludes=(),
        rule_languages=scan_inputs.languages(args.lang),
        rule_selections=scan_inputs.rule_set(args.rule_set) if args.rule_set else None,
    )
    console = Console(sys.stderr, verbose=args.verbose)
    report = _scan(root, spec, args, console)
    console.done()
    findings = [f for f in report.findings if baseline is None or f.fingerprint not in baseline]
    counts = Report(findings).summary()
    gate = GateOutcome(_passes(counts, fail_on), fail_on)
    final = Report(findings, report.roles, gate, report.partial, report.failed_analyzers)
    _write(final, args.format, args.output)
    return 0 if gate.passed else 1


def _root(paths: list[Path]) -> tuple[Path, tuple[str, ...]]:
    """The folder to scan, and the paths under it to check (none: all of it).

    One folder is the root; files (or several paths) are checked under the current folder.
    """
    if not paths or (len(paths) == 1 and paths[0].is_dir()):
        root = paths[0] if paths else Path(".")
        if not root.is_dir():
            raise InvalidParameter(f"{root} is not a folder")
        return root.resolve(), ()
    cwd = Path.cwd().resolve()
    only = []
    for path in paths:
        if not path.exists():
            raise InvalidParameter(f"{path} does not exist")
        try:
            only.append(path.resolve().relative_to(cwd).as_posix())
        except ValueError:
            raise InvalidParameter(f"{path} is not under the current folder") from None
    return cwd, tuple(only)


def _scan(root: Path, spec: ScanSpec, args: argparse.Namespace, console: Console) -> Report:
    """Scan the working copy (or only what changed since a ref) into an unfiltered report."""
    in_git = working_copy.in_git_repository(root)
    changes = None
    if args.changed_since is not None:
        if not in_git:
            raise InvalidParameter(f"--changed-since needs a git repository; {root} is not in one")
        changes = working_copy.changed_since(root, args.changed_since)
        console.log(f"Changed since {args.changed_since}: {describe(changes)}")
        changes = tuple(c for c in changes if _within(c.path, spec.include_paths))
        if not changes:
            return Report([])
        spec = _only(spec, [c.path for c in changes])
    if in_git:
        spec = _replace(spec, excludes=tuple(working_copy.ignored_excludes(root)))
    with tempfile.TemporaryDirectory(prefix="opencheck-scan-") as scratch:
        settings = EngineSettings(
            cache_dir=Path(scratch),
            work_dir=Path(scratch),
            jobs=max(1, args.jobs or os.cpu_count() or 1),
        )
        result = scan_tree(root, spec, settings, console)
    findings = result.findings
    if changes is not None:
        findings = on_changed_lines(findings, changes)
    return _report(result, findings)


def _within(path: str, only: tuple[str, ...]) -> bool:
    return not only or any(p in ("", ".") or path == p or path.startswith(p + "/") for p in only)


def _only(spec: ScanSpec, paths: list[str]) -> ScanSpec:
    return _replace(spec, include_paths=tuple(paths))


def _replace(spec: ScanSpec, **changes: Any) -> ScanSpec:
    return dataclasses.replace(spec, **changes)


def _report(result: ScanResult, findings: list[Finding]) -> Report:
    return Report(findings, result.roles, None, result.partial, result.failed_analyzers)


def _passes(counts: dict[Severity, int], fail_on: Severity | None) -> bool:
    """The gate: no counted defect at `fail_on` or worse (`None`: never fails)."""
    if fail_on is None:
        return True
    return evaluate(scan_inputs.gate_for(fail_on), counts) == GATE_PASSED


def _write(report: Report, fmt: str, output: Path | None) -> None:
    render = FORMATS[fmt]
    if output is not None:
        output.write_text(render(report), encoding="utf-8")
        if fmt != "text":  # a person still wants the summary on the terminal
            sys.stderr.write(text.summary(report, color=_tty(sys.stderr)))
        return
    sys.stdout.write(render(report, color=fmt == "text" and _tty(sys.stdout)))
    sys.stdout.flush()


def _tty(stream: TextIO) -> bool:
    return (
        stream.isatty()
        and os.environ.get("NO_COLOR", "") == ""
        and os.environ.get("TERM") != "dumb"
    )


class Console:
    """A ScanObserver for a person: warnings on stderr, the log with -v, a progress bar on a
    terminal; never cancels (Ctrl-C interrupts the process, which kills its children)."""

    def __init__(self, stream: TextIO, *, verbose: bool) -> None:
        self.stream = stream
        self.verbose = verbose
        self.bar = stream.isatty()
        self.shown = -1

    def log(self, message: str) -> None:
        if self.verbose or message.startswith("[WARNING]"):
            self._clear()
            self.stream.write(message.replace("[WARNING]  :", "[WARNING]") + "\n")

    def progress(self, percent: int) -> None:
        if self.bar and percent != self.shown:
            self.shown = percent
            filled = percent * 30 // 100
            self.stream.write(f"\rScanning [{'#' * filled}{'.' * (30 - filled)}] {percent:3d}%")
            self.stream.flush()

    def cancelled(self) -> bool:
        return False

    def done(self) -> None:
        """Clear the progress bar."""
        self._clear()

    def _clear(self) -> None:
        if self.bar and self.shown >= 0:
            self.stream.write("\r\033[K")
            self.shown = -1
