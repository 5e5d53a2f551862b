"""Semgrep CE on the same files as OpenCheck, offline, with as many rules as its default set.

Semgrep is installed only for the benchmark, from `requirements-semgrep.txt` into
`bench/.venv-semgrep` on first use (again whenever that file changes).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from memory import PeakTreeRss
from semgrep_rules import rule_file

from opencheck.engine.analyzers.base import SYNTAX_ERROR, default_selection
from opencheck.engine.analyzers.registry import ANALYZERS
from opencheck.engine.inventory import MAX_FILE_BYTES

BENCH = Path(__file__).resolve().parent
REQUIREMENTS = BENCH / "requirements-semgrep.txt"
VENV = BENCH / ".venv-semgrep"
STAMP = VENV / ".installed"
# No version check, no metrics, no registry: the rule file is local and nothing is sent.
OFFLINE_ENV = {
    **os.environ,
    "SEMGREP_ENABLE_VERSION_CHECK": "0",
    "SEMGREP_SEND_METRICS": "off",
}


def ensure_semgrep() -> Path:
    """The semgrep executable of `bench/.venv-semgrep`, installing it when missing or stale."""
    wanted = REQUIREMENTS.read_text()
    binary = VENV / "bin" / "semgrep"
    if binary.is_file() and STAMP.is_file() and STAMP.read_text() == wanted:
        return binary
    print(f"installing Semgrep CE into {VENV} (once) ...", flush=True)
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(VENV)], check=True)
    pip = [str(VENV / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    done = subprocess.run([*pip, "-r", str(REQUIREMENTS)], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"installing Semgrep failed:\n{done.stdout}{done.stderr}")
    STAMP.write_text(wanted)
    return binary


def version(binary: Path) -> str:
    out = subprocess.run(
        [str(binary), "--version", "--disable-version-check"],
        check=True, capture_output=True, text=True, env=OFFLINE_ENV,
    )  # fmt: skip
    return out.stdout.strip()


def default_rule_counts(languages: Iterable[str]) -> dict[str, int]:
    """Rules in OpenCheck's default ("basic") rule set per language, syntax-error rules left out.

    Every analyser reports files it cannot parse as `<tool>:syntax-error`; Semgrep reports
    parse errors without a rule, so those pseudo-rules are not counted.
    """
    counts: dict[str, int] = {}
    for language in languages:
        ids = {
            rule_id
            for analyzer in ANALYZERS.values()
            if language in analyzer.languages
            for rule_id in default_selection(analyzer, "basic", [language]).ids
            if not rule_id.endswith(":" + SYNTAX_ERROR)
        }
        if ids:
            counts[language] = len(ids)
    return counts


def command(binary: Path, config: Path, files: Sequence[str], jobs: int) -> list[str]:
    return [
        str(binary), "scan", f"--config={config}", "--json", "--quiet", "--metrics=off",
        "--disable-version-check", "--oss-only", f"--jobs={jobs}",
        f"--max-target-bytes={MAX_FILE_BYTES}",  # OpenCheck's limit (Semgrep's default: 1 MB)
        "--", *files,
    ]  # fmt: skip


def run_semgrep(
    tree: Path, files: Sequence[str], counts: dict[str, int], jobs: int, work: Path
) -> dict[str, Any]:
    """Time one Semgrep scan of `files` (relative to `tree`) with a generated rule file.

    Files are passed explicitly, so Semgrep's default ignores (tests/, node_modules, ...)
    do not apply and it reads the very files OpenCheck checked.
    """
    binary = ensure_semgrep()
    text, variants = rule_file(counts)
    config = work / "semgrep-rules.yml"
    config.write_text(text)
    output = work / "semgrep.json"
    start = time.perf_counter()
    with output.open("wb") as sink:
        process = subprocess.Popen(
            command(binary, config, files, jobs), cwd=tree, stdout=sink, env=OFFLINE_ENV
        )
        with PeakTreeRss(process.pid) as peak:
            returncode = process.wait()
    wall = time.perf_counter() - start
    report = json.loads(output.read_bytes())
    errors = report.get("errors", [])
    return {
        "version": version(binary),
        "exit_code": returncode,
        "rules": sum(counts.values()),
        "rules_per_language": counts,
        "variant_rules": {k: v for k, v in variants.items() if v},
        "files_given": len(files),
        "files_scanned": len(report.get("paths", {}).get("scanned", [])),
        "findings": len(report.get("results", [])),
        "errors": len(errors),
        "error_types": _error_types(errors),
        "wall_seconds": round(wall, 3),
        "peak_tree_rss_mb": peak.mib,
    }


def _error_types(errors: list[dict[str, Any]]) -> dict[str, int]:
    types: dict[str, int] = {}
    for error in errors:
        kind = str(error.get("type", "?"))
        if isinstance(error.get("type"), list):
            kind = str(error["type"][0])
        types[kind] = types.get(kind, 0) + 1
    return types
