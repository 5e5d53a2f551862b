"""`opencheck scan` benchmark: on the Django tree, the CLI on a working copy against the
service's full check of the same tree in the same run (the reference), per code line, and
`--changed-since` on a 200-line change in 5 files.

Prints seconds, code lines per second and the ratios; writes the figures to
bench/results/cli-scan-<UTC time>.json.
Usage: .venv/bin/python bench/cli_scan.py [--tree django] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from incremental import _git, make_merge_request, run_full_checks
from outputs import print_targets, write_figures
from sources import SOURCES, archive, git_repo

SCAN = [sys.executable, "-m", "opencheck.cli.main", "scan"]


def _scan(repo: Path, *args: str) -> float:
    start = time.perf_counter()
    done = subprocess.run([*SCAN, str(repo), "--format", "json", "--fail-on", "never", *args],
                          capture_output=True, text=True, check=False)  # fmt: skip
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"opencheck scan failed ({done.returncode}): {done.stderr[-2000:]}")
    return seconds


def run(tree: str, repeat: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="opencheck-cli-") as tmp:
        repo = git_repo(archive(SOURCES[tree]), Path(tmp) / "src")
        make_merge_request(repo)
        full = run_full_checks(repo, Path(tmp) / "data", repeat)
        lines = full[0]["code_lines"]
        scans = [_scan(repo) for _ in range(repeat)]
        # The merge request's head as the working copy, compared with main.
        _git(repo, "checkout", "-q", "--detach", "refs/pull/1/head")
        changed = [_scan(repo, "--changed-since", "main") for _ in range(repeat)]
    full_s = statistics.median(r["seconds"] for r in full)
    scan_s = statistics.median(scans)
    changed_s = statistics.median(changed)
    return {"tree": tree, "code_lines": lines, "service_full_s": full_s, "scan_s": scan_s,
            "changed_since_s": changed_s, "service_lines_per_s": round(lines / full_s),
            "scan_lines_per_s": round(lines / scan_s),
            "targets": {"scan_at_least_as_fast_per_line": scan_s <= full_s,
                        "changed_since_under_2s": changed_s < 2}}  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tree", default="django", choices=sorted(SOURCES))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    report = run(args.tree, args.repeat)
    print(f"{report['tree']}: {report['code_lines']} code lines; service full check"
          f" {report['service_full_s']:.2f} s ({report['service_lines_per_s']:,}/s), opencheck scan"
          f" {report['scan_s']:.2f} s ({report['scan_lines_per_s']:,}/s), ratio"
          f" {report['service_full_s'] / report['scan_s']:.2f}; --changed-since on a 200-line"
          f" change {report['changed_since_s']:.2f} s")  # fmt: skip
    print_targets(report["targets"])
    write_figures("cli-scan", report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
