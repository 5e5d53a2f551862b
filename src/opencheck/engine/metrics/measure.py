"""The measure step: functions, complexity and duplication of the checked main code.

Test files get their line count only: like Sonar's, the code metrics describe the code that
ships, and leaving the tests out halves the parsing on a well-tested project. Function metrics
come from `python -m opencheck.engine.metrics` child processes over batches of
files, bounded by the runner like an analyser and run `jobs` at a time; meanwhile this thread
finds the duplication across all files, which needs them all in one place.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from opencheck.domain.roles import Role
from opencheck.engine import runner, threads
from opencheck.engine.analyzers.base import MAX_OUTPUT_MB, Limits, batches, worktree_only
from opencheck.engine.errors import EngineError, ScanCancelled
from opencheck.engine.inventory import Inventory
from opencheck.engine.metrics.__main__ import LINES_ONLY
from opencheck.engine.metrics.complexity import FunctionMeasure
from opencheck.engine.metrics.duplication import find_duplication
from opencheck.engine.reuse import Reuse

# The file list goes through stdin, so a batch is limited only to balance the workers and to
# lose little when one child fails; each child costs about 50 ms to start.
BATCH_FILES = 500


@dataclass
class FileMetrics:
    """What the measure step learnt about one file."""

    path: str
    language: str
    raw_lines: int = 0
    functions: list[FunctionMeasure] = field(default_factory=list)
    duplicated_lines: int = 0
    duplicated_blocks: int = 0


@dataclass
class CodeMeasures:
    """Every checked file's metrics, and why some could not be measured."""

    files: list[FileMetrics] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def measure_code(
    root: Path,
    inventory: Inventory,
    languages: Sequence[str],
    limits: Limits,
    jobs: int = 1,
    reuse: Reuse | None = None,
) -> CodeMeasures:
    """Metrics of the inventory's files in `languages`; raises ScanCancelled when cancelled.

    With `reuse`, only the files not measured before go to the child (reuse.py).
    """
    by_path = {
        path: FileMetrics(path, lang)
        for lang in languages
        for path in sorted(inventory.files.get(lang, ()))
    }
    measures = CodeMeasures(files=list(by_path.values()))
    main = [m for m in measures.files if inventory.role_of(m.path) is Role.MAIN]
    arguments = [f"{m.language}:{m.path}" for m in main] + [
        f"{LINES_ONLY}:{m.path}"
        for m in measures.files
        if inventory.role_of(m.path) is not Role.MAIN
    ]
    known = reuse.recall_measures(arguments) if reuse else {}
    _read_reports(b"\n".join(known.values()), by_path, measures)
    arguments = [argument for argument in arguments if argument not in known]
    with ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="measure") as pool:
        running = [
            # In this context, so that the children's CPU counts to the caller's step.
            (batch, threads.submit(pool, _run_batch, root, batch, limits))
            for batch in batches(arguments, BATCH_FILES, max_chars=sys.maxsize)
        ]
        _add_duplication(root, main, limits, reuse)
        for batch, future in running:
            output, error = future.result()
            if error:
                measures.errors.append(error)
            elif reuse is not None:
                reuse.remember_measures(batch, output)
            _read_reports(output, by_path, measures)
    if limits.cancelled():
        raise ScanCancelled("the scan was cancelled")
    return measures


def _run_batch(root: Path, batch: list[str], limits: Limits) -> tuple[bytes, str | None]:
    """The child's output for one batch, and what went wrong with it (None when nothing)."""
    if limits.cancelled():
        return b"", None
    try:
        result = runner.run(
            # -I: the cwd is the untrusted checkout, which must never shadow an import.
            [sys.executable, "-I", "-m", "opencheck.engine.metrics"],
            cwd=root,
            timeout=limits.timeout,
            confine=worktree_only(root) if limits.confine else None,
            memory_mb=limits.memory_mb,
            cancelled=limits.cancelled,
            max_output_mb=MAX_OUTPUT_MB,
            # JSON pairs: a file name may hold a newline, which a line-per-file list would split.
            stdin=json.dumps([argument.split(":", 1) for argument in batch]).encode(),
        )
    except ScanCancelled:
        return b"", None
    except EngineError as exc:
        return b"", str(exc)
    if result.timed_out or result.returncode != 0:
        reason = "timed out" if result.timed_out else f"exit code {result.returncode}"
        return result.stdout, f"{reason} on {len(batch)} files"
    return result.stdout, None


def _read_reports(output: bytes, by_path: dict[str, FileMetrics], measures: CodeMeasures) -> None:
    for line in output.splitlines():
        try:
            report = json.loads(line)
            metrics = by_path[report["path"]]
            if "error" in report:
                measures.errors.append(f"{metrics.path}: {report['error']}")
                continue
            metrics.raw_lines = int(report["raw_lines"])
            metrics.functions = [FunctionMeasure(*f) for f in report.get("functions", ())]
        except (ValueError, KeyError, TypeError):
            measures.errors.append("unreadable metrics output")
            return


def _add_duplication(
    root: Path, files: list[FileMetrics], limits: Limits, reuse: Reuse | None
) -> None:
    def sources() -> Iterator[tuple[str, str]]:
        for metrics in files:
            try:
                data = (root / metrics.path).read_bytes()
            except OSError:
                continue
            yield metrics.path, data.decode("utf-8", errors="replace")

    paths = [metrics.path for metrics in files]
    duplication = reuse.recall_duplication(paths) if reuse else None
    if duplication is None:
        duplication = find_duplication(sources(), limits.cancelled)
        if reuse is not None and not limits.cancelled():  # a stopped search is partial
            reuse.remember_duplication(paths, duplication)
    for metrics in files:
        metrics.duplicated_lines = duplication.lines.get(metrics.path, 0)
        metrics.duplicated_blocks = duplication.blocks.get(metrics.path, 0)
