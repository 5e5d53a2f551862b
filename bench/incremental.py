"""Merge-request check benchmark: on the Django tree, a merge request changing about 200 lines
in 5 files, checked incrementally with a warm repository cache, against a full check of the
same tree in the same run (the reference).

Both are timed from the run request to the stored gate result through the service (embedded
queue, SQLite). Prints seconds and the ratio, writes the figures to
bench/results/incremental-<UTC time>.json.
Usage: .venv/bin/python bench/incremental.py [--tree django] [--repeat 3]
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

from outputs import print_targets, write_figures
from sources import SOURCES, archive, git_repo
from sqlalchemy import select

from opencheck.config import Settings
from opencheck.domain.languages import SYSTEM_LANGUAGES
from opencheck.runtime import Runtime
from opencheck.services import auth, projects, tasks
from opencheck.services.executions import RunOptions, run_task
from opencheck.services.incremental import IncSettings
from opencheck.services.tasks import NewTask
from opencheck.store.db import unit_of_work
from opencheck.store.models import Execution

CHANGED_FILES = 5
LINES_PER_FILE = 40  # 5 x 40 = 200 lines
MERGE_ID = 1
# New code for the merge request: ordinary functions, one of them with a real defect.
ADDED = '''

def _bench_helper_{n}(values, scale=1):
    """Added by the merge request."""
    total = 0
    for value in values:
        if value is None:
            continue
        total += value * scale
    result = []
    for index, value in enumerate(values):
        result.append((index, value))
    mapping = {{key: key * 2 for key in range(scale)}}
    if total > 100:
        return total, mapping
    return eval(str(total)), result
'''


def _git(repo: Path, *args: str) -> str:
    env = {"GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@x", "GIT_COMMITTER_NAME": "b",
           "GIT_COMMITTER_EMAIL": "b@x", "GIT_CONFIG_GLOBAL": "/dev/null",
           "PATH": "/usr/bin:/bin"}  # fmt: skip
    done = subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True,
                          text=True, env=env)  # fmt: skip
    return done.stdout.strip()


def make_merge_request(repo: Path) -> int:
    """A commit off main changing 5 Python files by about 200 lines, as refs/pull/1/head."""
    files = sorted(p for p in (repo / "django" / "utils").glob("*.py") if p.stat().st_size > 4000)
    changed = 0
    for n, path in enumerate(files[:CHANGED_FILES]):
        block = "".join(ADDED.format(n=f"{n}_{k}") for k in range(3))[: LINES_PER_FILE * 60]
        lines = block.splitlines(keepends=True)[:LINES_PER_FILE]
        path.write_text(path.read_text() + "".join(lines))
        changed += len(lines)
    _git(repo, "checkout", "-q", "-b", "feature")
    _git(repo, "commit", "-q", "-am", "merge request")
    head = _git(repo, "rev-parse", "HEAD")
    _git(repo, "checkout", "-q", "main")
    _git(repo, "branch", "-q", "-D", "feature")
    _git(repo, "update-ref", f"refs/pull/{MERGE_ID}/head", head)
    _git(repo, "repack", "-a", "-d", "-q")
    return changed


def _timed_run(
    runtime: Runtime, principal: auth.Principal, task_id: str, **options: Any
) -> dict[str, Any]:
    start = time.perf_counter()
    with unit_of_work(runtime.sessions) as s:
        repos = runtime.settings.local_repos
        exec_id = run_task(s, principal=principal, task_id=task_id, options=RunOptions(**options),
                           cipher=runtime.cipher, local_repos=repos).id  # fmt: skip
    while True:
        with unit_of_work(runtime.sessions) as s:
            e = s.scalar(select(Execution).where(Execution.id == exec_id))
            assert e is not None
            if e.status not in ("quering", "running"):
                seconds = time.perf_counter() - start
                return {"status": e.status, "seconds": round(seconds, 3), "gate": e.review_result,
                        "defects": e.defect_count, "code_lines": e.code_lines}  # fmt: skip
        time.sleep(0.02)


def run_checks(
    repo: Path, data_dir: Path, repeat: int, with_merge_request: bool = True
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Full checks of `repo`'s main, then its merge request's checks, through the service."""
    settings = Settings(data_dir=data_dir, workers=1, poll_interval=0.02,
                        local_repo_roots=(repo.parent,))  # fmt: skip
    runtime = Runtime.build(settings)
    try:
        runtime.start_queue()
        with unit_of_work(runtime.sessions) as s:
            user = auth.create_user(s, name="bench", password="pw", is_admin=True)
            principal = auth.Principal(user.id, user.name, True)
            pid = projects.create_project(s, name="bench").id
            languages = list(SYSTEM_LANGUAGES)
            full = tasks.create_task(s, principal=principal, project_id=pid, new=NewTask(
                git_url=str(repo), git_branch="main", languages=languages),
                cipher=runtime.cipher, local_repos=settings.local_repos).id  # fmt: skip
            inc = tasks.create_task(s, principal=principal, project_id=pid, new=NewTask(
                git_url=str(repo), git_branch="main", languages=languages, task_type="inc",
                inc=IncSettings(merge_id=str(MERGE_ID), target_branch="main")),
                cipher=runtime.cipher, local_repos=settings.local_repos).id  # fmt: skip
        fulls = [_timed_run(runtime, principal, full) for _ in range(repeat)]
        mrs = [_timed_run(runtime, principal, inc, ref="pull") for _ in range(repeat)
               if with_merge_request]  # fmt: skip
    finally:
        runtime.close()
    return fulls, mrs


def run_full_checks(repo: Path, data_dir: Path, repeat: int) -> list[dict[str, Any]]:
    """Only the full checks (the reference of other benchmarks)."""
    return run_checks(repo, data_dir, repeat, with_merge_request=False)[0]


def run(tree: str, repeat: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="opencheck-inc-") as tmp:
        repo = git_repo(archive(SOURCES[tree]), Path(tmp) / "src")
        changed = make_merge_request(repo)
        fulls, mrs = run_checks(repo, Path(tmp) / "data", repeat)
    full_s = statistics.median(r["seconds"] for r in fulls)
    mr_s = statistics.median(r["seconds"] for r in mrs)
    return {"tree": tree, "changed_lines": changed, "changed_files": CHANGED_FILES,
            "full": fulls, "merge_request": mrs, "full_median_s": full_s, "mr_median_s": mr_s,
            "speedup": round(full_s / mr_s, 1),
            "targets": {"mr_at_most_2s": mr_s <= 2,
                        "at_least_20x": full_s / mr_s >= 20}}  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tree", default="django", choices=sorted(SOURCES))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    report = run(args.tree, args.repeat)
    print(f"{report['tree']}: full check {report['full_median_s']:.2f} s (median of {args.repeat},"
          f" warm cache after the first), merge request of {report['changed_lines']} lines in"
          f" {report['changed_files']} files {report['mr_median_s']:.2f} s:"
          f" {report['speedup']}x faster")  # fmt: skip
    print_targets(report["targets"])
    write_figures("incremental", report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
