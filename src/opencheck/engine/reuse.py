"""Findings of unchanged files, reused: an analyser checks only the files whose content changed.

An analyser opts in with `reusable(path) -> bool`, true for the files whose findings depend
only on that file's content and path and on the analyser's configuration (ruff, oxlint,
shellcheck, sqlfluff, flawfinder, tree-sitter; ast-grep except Go files, whose findings read
the module's go.mod). Analysers reading other files (cppcheck follows includes) never opt in
and always run. What is decided across files (test code, roles, suppressions, fingerprints,
duplication) is computed by every check afresh from the reused raw findings.

The metrics child's report on a file (its lines, its functions' sizes and complexity) is
reused the same way, keyed on the engine's code, Python and its packages, `.gitattributes`,
the language measured and the file's path and blob. Duplication, found across files, is
reused only for the very same files (every path and blob): an unchanged commit.

Key version 1 of a file's findings is the SHA-256 of, in order:
- the key version and the analyser's name;
- its command line without files (its rules and thresholds, its config files, which are named
  by their content), this process's private temp folder written as `<tmp>`;
- the selected rule ids and rule options (an analyser may report more than it was asked);
- the executable's real path, size and modification time, the Python version and the
  site-packages folder's modification time (a tool or grammar upgrade);
- a digest of OpenCheck's engine code and rule packs (the adapters filter findings);
- the ids of the commit's `.gitattributes` files (they change the checked-out text: line ends);
- the file's path, mode and git blob id.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import sys
import sysconfig
import threading
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from opencheck.engine.analyzers.base import (
    Analyzer,
    BatchResult,
    RawFinding,
    RuleSelection,
    private_temp_folder,
)
from opencheck.engine.metrics.duplication import Duplication
from opencheck.engine.result_cache import ResultCache

KEY_VERSION = 1
_ENGINE = Path(__file__).resolve().parent


class Reuse:
    """What one check takes from earlier ones (findings, file measures) and keeps for later."""

    def __init__(self, cache: ResultCache, blobs: Mapping[str, str]) -> None:
        self.cache = cache
        self.blobs = blobs
        self._tree = _tree_digest(blobs)
        self._keys: dict[tuple[str, str], str] = {}  # (analyser, path) → key
        # Written once, at the end of the check: one transaction, not one per batch.
        self._pending: dict[str, str] = {}
        self._lock = threading.Lock()

    def recall(
        self, analyzer: Analyzer, selection: RuleSelection, files: Sequence[str]
    ) -> tuple[list[str], BatchResult | None]:
        """(the files `analyzer` must still check, a result replaying the reused ones)."""
        reusable = getattr(analyzer, "reusable", None)
        if reusable is None:
            return list(files), None
        config = _config_digest(analyzer, selection, self._tree)
        keys = {
            path: _file_key(config, path, self.blobs[path])
            for path in files
            if path in self.blobs and reusable(path)
        }
        self._keys.update(((analyzer.name, path), key) for path, key in keys.items())
        found = self.cache.get_many(keys.values())
        reused, findings = [], []
        for path, key in keys.items():
            entries = _decode(found.get(key), path)
            if entries is not None:
                reused.append(path)
                findings.extend(entries)
        if not reused:
            return list(files), None
        done = set(reused)
        return [p for p in files if p not in done], BatchResult(reused, findings, 0.0)

    def remember(self, analyzer: str, result: BatchResult) -> None:
        """Keep the findings of a batch that ran to the end, per file (none is an entry too)."""
        if result.error is not None:
            return  # a failed or timed-out batch says nothing about its files
        keyed = {path: self._keys.get((analyzer, path)) for path in result.files}
        per_file: dict[str, list[list[object]]] = {path: [] for path, key in keyed.items() if key}
        for finding in result.findings:
            if finding.path in per_file:
                per_file[finding.path].append(
                    [finding.rule_id, finding.line, finding.column, finding.message]
                )
        entries = {
            key: json.dumps(per_file[path], separators=(",", ":"))
            for path, key in keyed.items()
            if key
        }
        with self._lock:
            self._pending.update(entries)

    def flush(self) -> None:
        """Write what this check learnt to the cache."""
        with self._lock:
            pending, self._pending = self._pending, {}
        self.cache.put_many(pending)

    def recall_measures(self, arguments: Sequence[str]) -> dict[str, bytes]:
        """The metrics child's report line of each `LANGUAGE:PATH` argument measured before."""
        keys = self._measure_keys(arguments)
        found = self.cache.get_many(keys.values())
        return {arg: found[key].encode() for arg, key in keys.items() if key in found}

    def remember_measures(self, arguments: Sequence[str], output: bytes) -> None:
        """Keep the child's reports on `arguments`; a report of an error is not kept."""
        lines: dict[str, str] = {}
        for line in output.decode(errors="replace").splitlines():
            try:
                report = json.loads(line)
            except ValueError:
                return  # the output is cut short: keep nothing of it
            if isinstance(report, dict) and "error" not in report and "raw_lines" in report:
                lines[str(report.get("path"))] = line
        keys = self._measure_keys(arguments)
        with self._lock:
            self._pending.update(
                {
                    key: lines[arg.split(":", 1)[1]]
                    for arg, key in keys.items()
                    if arg.split(":", 1)[1] in lines
                }
            )

    def recall_duplication(self, paths: Sequence[str]) -> Duplication | None:
        """The duplication found before among exactly these files with this content."""
        key = self._duplication_key(paths)
        value = self.cache.get_many([key]).get(key) if key else None
        try:
            found = json.loads(value) if value else None
            return Duplication(dict(found["lines"]), dict(found["blocks"])) if found else None
        except (ValueError, TypeError, KeyError):
            return None

    def remember_duplication(self, paths: Sequence[str], duplication: Duplication) -> None:
        key = self._duplication_key(paths)
        if key:
            value = {"lines": duplication.lines, "blocks": duplication.blocks}
            with self._lock:
                self._pending[key] = json.dumps(value, separators=(",", ":"))

    def _duplication_key(self, paths: Sequence[str]) -> str | None:
        """Found across files: keyed on every file's path and blob, in the order read."""
        if not all(path in self.blobs for path in paths):
            return None
        listed = json.dumps([[path, self.blobs[path]] for path in paths])
        parts = (str(KEY_VERSION), "duplication", code_digest(), self._tree, listed)
        return hashlib.sha256("\0".join(parts).encode()).hexdigest()

    def _measure_keys(self, arguments: Sequence[str]) -> dict[str, str]:
        config = hashlib.sha256(
            "\0".join(
                (str(KEY_VERSION), "metrics", _environment(), code_digest(), self._tree)
            ).encode()
        ).hexdigest()
        keys = {}
        for argument in arguments:
            language, _, path = argument.partition(":")
            if path in self.blobs:
                keys[argument] = _file_key(f"{config}\0{language}", path, self.blobs[path])
        return keys


def _decode(value: str | None, path: str) -> list[RawFinding] | None:
    """The findings an entry holds; None for a missing or unreadable one (analyse again)."""
    if value is None:
        return None
    try:
        return [
            RawFinding(str(r), path, int(ln), int(col), str(m))
            for r, ln, col, m in json.loads(value)
        ]
    except (ValueError, TypeError):
        return None


def _file_key(config: str, path: str, blob: str) -> str:
    return hashlib.sha256(f"{config}\0{path}\0{blob}".encode()).hexdigest()


def _tree_digest(blobs: Mapping[str, str]) -> str:
    """What in the commit besides a file itself shapes its checked-out text."""
    attributes = sorted(
        (path, blob)
        for path, blob in blobs.items()
        if path == ".gitattributes" or path.endswith("/.gitattributes")
    )
    return hashlib.sha256(json.dumps(attributes).encode()).hexdigest()


def _config_digest(analyzer: Analyzer, selection: RuleSelection, tree: str) -> str:
    argv = analyzer.command([], selection)
    temp = str(private_temp_folder())
    parts = [
        str(KEY_VERSION),
        analyzer.name,
        *(arg.replace(temp, "<tmp>") for arg in argv),
        *sorted(selection.ids),
        json.dumps({rule: dict(opts) for rule, opts in selection.options.items()}, sort_keys=True),
        _executable(argv[0] if argv else ""),
        _environment(),
        code_digest(),
        tree,
    ]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


@functools.cache
def _executable(name: str) -> str:
    """The tool's real path, size and modification time (cached: tools do not change while
    a worker runs; an upgrade restarts it)."""
    found = shutil.which(name) or name
    try:
        real = os.path.realpath(found)
        info = os.stat(real)
    except OSError:
        return name
    return f"{real}:{info.st_size}:{info.st_mtime_ns}"


@functools.cache
def _environment() -> str:
    """The Python running child analysers and the packages it imports (tree-sitter grammars)."""
    try:
        packages = os.stat(sysconfig.get_paths()["purelib"]).st_mtime_ns
    except (OSError, KeyError):
        packages = 0
    return f"{sys.version}:{packages}"


@functools.cache
def code_digest() -> str:
    """A digest of the engine's code and rule packs: a new adapter filter invalidates reuse."""
    digest = hashlib.sha256()
    for path in sorted(_engine_files()):
        digest.update(path.relative_to(_ENGINE).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _engine_files() -> Iterable[Path]:
    for folder, subfolders, names in os.walk(_ENGINE):
        subfolders[:] = [name for name in subfolders if name != "__pycache__"]
        for name in names:
            if not name.endswith((".pyc", ".pyo")):
                yield Path(folder) / name
