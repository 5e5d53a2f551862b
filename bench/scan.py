"""End-to-end scan benchmark: OpenCheck on pinned real trees vs Semgrep CE, and the floors.

Per tree, three checks on one service: cold, warm (the same commit) and a commit editing a
few files, each with the service's own per-step wall and CPU seconds (check_profile.py).

Each step is set against its floor (floors.py: tree-sitter's parse rate, ruff and oxlint alone),
and the tree is checked again at twice and four times its size (scaling.py).

Usage: .venv/bin/python bench/scan.py [--trees django,effect] [--languages all] [--no-semgrep]
       [--no-scaling]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import floors
import scaling
from check_profile import RUNS, edit_files, pick_files, print_profile, step_rows
from memory import PeakTreeRss
from outputs import print_targets, write_figures
from scan_targets import targets
from semgrep_ce import default_rule_counts, run_semgrep
from sources import DEFAULT_TREES, SOURCES, archive, git_repo
from sqlalchemy import select

from opencheck.config import Settings
from opencheck.domain.languages import SYSTEM_LANGUAGES
from opencheck.engine.inventory import build_inventory
from opencheck.runtime import Runtime
from opencheck.services import auth, execution_states, projects, results, tasks
from opencheck.services.executions import RunOptions, run_task
from opencheck.services.tasks import NewTask
from opencheck.store.db import unit_of_work
from opencheck.store.models import Execution

LOG_LINE = re.compile(r"^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d GMT\+00:00 (.*)$")
TALLY = re.compile(r"^(?P<name>[\w-]+): (?P<files>\d+) files, (?P<defects>\d+) defects, "
                   r"(?P<seconds>[\d.]+)s$")  # fmt: skip
JOBS = 2  # OpenCheck's default analyser parallelism; Semgrep gets the same


def analyser_times(message: str) -> dict[str, dict[str, float]]:
    """Per analyser: files, defects and summed process seconds over its batches (from the log)."""
    found = {}
    for line in message.splitlines():
        logged = LOG_LINE.match(line)
        m = TALLY.match(logged[1]) if logged else None
        if m:
            found[m["name"]] = {
                "files": int(m["files"]),
                "defects": int(m["defects"]),
                "seconds": float(m["seconds"]),
            }
    return found


def _create_task(runtime: Runtime, repo: Path, languages: list[str]) -> tuple[Any, str]:
    """Create a user, project and task; the user and the task's id."""
    with unit_of_work(runtime.sessions) as s:
        user = auth.create_user(s, name="bench", password="pw", is_admin=True)
        principal = auth.Principal(user.id, user.name, True)
        pid = projects.create_project(s, name="bench").id
        new = NewTask(git_url=str(repo), git_branch="main", languages=languages)
        local_repos = runtime.settings.local_repos
        task = tasks.create_task(
            s,
            principal=principal,
            project_id=pid,
            new=new,
            cipher=runtime.cipher,
            local_repos=local_repos,
        )
    return principal, task.id


def _queue_check(runtime: Runtime, principal: Any, task_id: str) -> str:
    """Queue a full check of the task; its execution id."""
    with unit_of_work(runtime.sessions) as s:
        return run_task(
            s,
            principal=principal,
            task_id=task_id,
            options=RunOptions(),
            cipher=runtime.cipher,
            local_repos=runtime.settings.local_repos,
        ).id


def _check(runtime: Runtime, principal: Any, task_id: str) -> dict[str, Any]:
    """Queue a full check, poll until its result is stored; its figures and stored steps."""
    exec_id = _queue_check(runtime, principal, task_id)
    start = time.perf_counter()
    with PeakTreeRss(os.getpid()) as peak:
        if runtime.queue is None:  # once: a start sweeps the worktrees an earlier one left
            runtime.start_queue()
        while True:
            with unit_of_work(runtime.sessions) as s:
                execution = s.scalar(select(Execution).where(Execution.id == exec_id))
                assert execution is not None
                if execution.status not in ("quering", "running"):
                    message = execution_states.log_texts(s, [exec_id]).get(exec_id, "")
                    steps = results.step_times(s, exec_id)
                    break
            time.sleep(0.05)
    wall = time.perf_counter() - start
    return {
        "status": execution.status,
        "code_lines": execution.code_lines,
        "files": execution.file_total,
        "defects": execution.defect_count,
        "message": message,
        "wall_seconds": round(wall, 3),
        "peak_tree_rss_mb": peak.mib,
        "steps": step_rows(steps),
    }


def opencheck_scan(
    repo: Path,
    data_dir: Path,
    languages: list[str],
    edited: list[str],
    runs_wanted: Sequence[str] = RUNS,
) -> dict[str, dict[str, Any]]:
    """Cold, warm and few-files checks of one task through the service (see check_profile)."""
    # The tree is a local repository beside the data directory.
    settings = Settings(
        data_dir=data_dir, workers=1, poll_interval=0.05, local_repo_roots=(repo.parent,)
    )
    runtime = Runtime.build(settings)
    runs: dict[str, dict[str, Any]] = {}
    try:
        principal, task_id = _create_task(runtime, repo, languages)
        for run in runs_wanted:
            if run == "few_files":
                runs[run] = {"edited": edited, "commit": edit_files(repo, edited)}
            runs[run] = {**runs.get(run, {}), **_check(runtime, principal, task_id)}
    finally:
        runtime.close()
    return runs


def ru_maxrss_mb() -> dict[str, float]:
    """ru_maxrss (KiB on Linux) so far: this process, and the largest waited-for child."""
    self_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"self_mb": round(self_mb, 1), "largest_child_mb": round(child_mb, 1)}


def rate(lines: int, seconds: float) -> float:
    return round(lines / seconds, 1) if seconds else 0.0


def bench_tree(key: str, languages: list[str], with_semgrep: bool) -> dict[str, Any]:
    """Build the tree's repository, check it with OpenCheck, then Semgrep and ruff on it."""
    source = SOURCES[key]
    path = archive(source)
    report: dict[str, Any] = {"tree": key, "source": f"{source.label}: {path.name}"}
    with tempfile.TemporaryDirectory(prefix="opencheck-bench-") as tmp:
        repo = git_repo(path, Path(tmp) / "src")
        inventory = build_inventory(repo, [], [])
        checked = [lang for lang in languages if inventory.files.get(lang)]
        edited = pick_files([p for lang in checked for p in inventory.files[lang]])
        runs = opencheck_scan(repo, Path(tmp) / "data", languages, edited)
        for run in runs.values():
            run["analysers"] = analyser_times(str(run.pop("message")))
            run["code_lines_per_second"] = rate(int(run["code_lines"]), run["wall_seconds"])
        scan = runs["cold"]
        code_lines = int(scan["code_lines"])
        rss = ru_maxrss_mb()  # before Semgrep and ruff run as children
        peak = max(run["peak_tree_rss_mb"] for run in runs.values())
        report["opencheck"] = {
            **scan,
            # The sampler needs the GIL, so it can miss a short peak of this process.
            "peak_memory_mb": max(peak, rss["self_mb"]),
            "ru_maxrss": rss,
        }
        report["profile"] = runs
        report["floors"] = floors.measure(inventory, checked, JOBS)
        if with_semgrep:
            files = sorted(p for lang in checked for p in inventory.files[lang])
            semgrep = run_semgrep(repo, files, default_rule_counts(checked), JOBS, Path(tmp))
            semgrep["code_lines_per_second"] = rate(code_lines, semgrep["wall_seconds"])
            report["semgrep"] = semgrep
            report["ratio_opencheck_to_semgrep_rate"] = round(
                report["opencheck"]["code_lines_per_second"] / semgrep["code_lines_per_second"], 2
            )
    return report


def scale_tree(report: dict[str, Any], languages: list[str]) -> None:
    """Checks of 2x and 4x the tree into `report["scaling"]`; after every tree's own checks,
    so that a 4x check's memory is in no tree's `ru_maxrss`."""
    with tempfile.TemporaryDirectory(prefix="opencheck-bench-") as tmp:
        repo = git_repo(archive(SOURCES[report["tree"]]), Path(tmp) / "src")

        def cold(scaled: Path, data_dir: Path) -> dict[str, Any]:
            return opencheck_scan(scaled, data_dir, languages, [], ("cold",))["cold"]

        report["scaling"] = scaling.measure(repo, report["profile"]["cold"], cold)


def print_tree(report: dict[str, Any]) -> None:
    o = report["opencheck"]
    print(f"== {report['tree']}: {report['source']}")
    print(f"OpenCheck   status {o['status']}, {o['files']} files, {o['code_lines']} code lines,"
          f" {o['defects']} defects")  # fmt: skip
    print(f"  wall (queued → stored) {o['wall_seconds']:.2f} s,"
          f" {o['code_lines_per_second']:,.0f} code lines/s")  # fmt: skip
    print(f"  peak memory {o['peak_memory_mb']} MiB: sampled tree {o['peak_tree_rss_mb']} MiB,"
          f" ru_maxrss self {o['ru_maxrss']['self_mb']} MiB,"
          f" largest child {o['ru_maxrss']['largest_child_mb']} MiB")  # fmt: skip
    for name, a in o["analysers"].items():
        print(f"  {name:<11} {a['seconds']:7.1f} s  {a['files']:6} files  {a['defects']:6} defects")
    runs = report["profile"]
    print("Profile (the service's own timers; analysers and metrics run inside analysis):")
    print_profile(runs)
    for name, run in runs.items():
        print(f"  {name}: {run['status']}, {run['code_lines_per_second']:,.0f} code lines/s")
    s = report.get("semgrep")
    if s:
        print(f"Semgrep CE  {s['version']}, {s['rules']} rules {s['rules_per_language']},"
              f" exit {s['exit_code']}")  # fmt: skip
        print(f"  {s['files_scanned']}/{s['files_given']} files scanned, {s['findings']} findings,"
              f" {s['errors']} errors {s['error_types']}")  # fmt: skip
        print(f"  wall {s['wall_seconds']:.2f} s, {s['code_lines_per_second']:,.0f} code lines/s,"
              f" peak RSS {s['peak_tree_rss_mb']} MiB")  # fmt: skip
        print(f"  rate OpenCheck / Semgrep CE  {report['ratio_opencheck_to_semgrep_rate']}")
    floors.print_floors(report["floors"], runs)
    print(f"Targets ({report['tree']}):")
    print_targets(report["targets"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--trees",
        default=",".join(DEFAULT_TREES),
        help=f"comma-separated pinned trees, of: {', '.join(SOURCES)}",
    )
    parser.add_argument(
        "--languages",
        default="all",
        help="comma-separated languages the task checks, or 'all' (every system language)",
    )
    parser.add_argument("--no-semgrep", action="store_true", help="skip the Semgrep CE run")
    parser.add_argument(
        "--no-scaling", action="store_true", help="skip the checks of 2x and 4x each tree"
    )
    args = parser.parse_args()
    keys = args.trees.split(",")
    unknown = [key for key in keys if key not in SOURCES]
    if unknown:
        parser.error(f"unknown tree(s) {unknown}; pick from {list(SOURCES)}")
    languages = list(SYSTEM_LANGUAGES) if args.languages == "all" else args.languages.split(",")
    reports = []
    for key in keys:
        report = bench_tree(key, languages, not args.no_semgrep)
        report["targets"] = targets(report)
        print_tree(report)
        reports.append(report)
    for report in [] if args.no_scaling else reports:
        scale_tree(report, languages)
        scaling.print_scaling(report["tree"], report["scaling"])
    path = write_figures("scan", {"cpus": os.cpu_count(), "trees": reports})
    print(f"written {path}")
    ok = all(
        run["status"] == "success"
        for r in reports
        for run in [*r["profile"].values(), *r.get("scaling", {}).get("runs", {}).values()]
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
