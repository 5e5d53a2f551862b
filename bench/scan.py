"""End-to-end scan benchmark: OpenCheck on a pinned Django sdist vs `ruff check` directly.

Usage: .venv/bin/python bench/scan.py [--version 5.2.8]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from opencheck.config import Settings
from opencheck.domain.languages import SYSTEM_LANGUAGES
from opencheck.runtime import Runtime
from opencheck.services import auth, projects, tasks
from opencheck.services.executions import RunOptions, run_task
from opencheck.services.tasks import NewTask
from opencheck.store.db import unit_of_work
from opencheck.store.models import Execution

BENCH = Path(__file__).resolve().parent
CACHE = BENCH / ".cache"
RESULTS = BENCH / "results"
VENV_BIN = Path(sys.executable).parent
LOG_LINE = re.compile(r"^(\d{4}/\d\d/\d\d \d\d:\d\d:\d\d) GMT\+00:00 (.*)$")
GIT_ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@example.com",
    "GIT_CONFIG_GLOBAL": "/dev/null",
}


def sdist(version: str) -> Path:
    """The cached Django sdist, downloaded with pip on first use."""
    CACHE.mkdir(parents=True, exist_ok=True)
    found = sorted(CACHE.glob(f"[Dd]jango-{version}.tar.gz"))
    if not found:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
             f"Django=={version}", "-d", str(CACHE)],
            check=True,
        )  # fmt: skip
        found = sorted(CACHE.glob(f"[Dd]jango-{version}.tar.gz"))
    return found[0]


def git_repo(archive: Path, into: Path) -> Path:
    """Unpack the sdist and commit it as branch `main` of a fresh repository."""
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")
    [root] = [p for p in into.iterdir() if p.is_dir()]
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "sdist"]):
        subprocess.run(["git", "-C", str(root), *args], check=True, env=GIT_ENV)
    return root


def step_times(message: str) -> list[dict[str, object]]:
    """Seconds from each log line to the next (the log has one-second resolution)."""
    entries = []
    for line in message.splitlines():
        m = LOG_LINE.match(line)
        if m:
            entries.append((datetime.strptime(m[1], "%Y/%m/%d %H:%M:%S"), m[2]))
    return [
        {"step": text, "seconds": (entries[i + 1][0] - at).total_seconds()}
        for i, (at, text) in enumerate(entries[:-1])
    ] + ([{"step": entries[-1][1], "seconds": 0.0}] if entries else [])


def opencheck_scan(repo: Path, data_dir: Path, languages: list[str]) -> dict[str, object]:
    settings = Settings(data_dir=data_dir, workers=1, poll_interval=0.05)
    runtime = Runtime.build(settings)
    try:
        with unit_of_work(runtime.sessions) as s:
            user = auth.create_user(s, name="bench", password="pw", is_admin=True)
            principal = auth.Principal(user.id, user.name, True)
            pid = projects.create_project(s, name="bench").id
            new = NewTask(git_url=str(repo), git_branch="main", languages=languages)
            task = tasks.create_task(
                s, principal=principal, project_id=pid, new=new, cipher=runtime.cipher
            )
            task_id = task.id
        start = time.perf_counter()
        with unit_of_work(runtime.sessions) as s:
            exec_id = run_task(
                s, principal=principal, task_id=task_id, options=RunOptions(),
                cipher=runtime.cipher,
            ).id  # fmt: skip
        runtime.start_queue()
        while True:
            with unit_of_work(runtime.sessions) as s:
                execution = s.scalar(select(Execution).where(Execution.id == exec_id))
                assert execution is not None
                if execution.status not in ("quering", "running"):
                    wall = time.perf_counter() - start
                    row = {
                        "status": execution.status,
                        "code_lines": execution.code_lines,
                        "files": execution.file_total,
                        "defects": execution.defect_count,
                        "message": execution.message,
                    }
                    break
            time.sleep(0.05)
    finally:
        runtime.close()
    row["wall_seconds"] = round(wall, 3)
    return row


def ruff_direct(tree: Path) -> dict[str, object]:
    ruff = shutil.which("ruff", path=str(VENV_BIN)) or "ruff"
    start = time.perf_counter()
    out = subprocess.run(
        [ruff, "check", "--select", "ALL", "--isolated", "--no-cache", "--exit-zero",
         "--output-format", "json", str(tree)],
        check=True, capture_output=True,
    )  # fmt: skip
    wall = time.perf_counter() - start
    return {"wall_seconds": round(wall, 3), "findings": len(json.loads(out.stdout))}


def peak_rss_mb() -> dict[str, float]:
    """ru_maxrss (KiB on Linux): this process, and the largest waited-for child."""
    self_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"self_mb": round(self_mb, 1), "largest_child_mb": round(child_mb, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--version", default="5.2.8", help="Django version (pinned)")
    parser.add_argument(
        "--languages",
        default="all",
        help="comma-separated languages the task checks, or 'all' (every system language)",
    )
    args = parser.parse_args()
    archive = sdist(args.version)
    with tempfile.TemporaryDirectory(prefix="opencheck-bench-") as tmp:
        repo = git_repo(archive, Path(tmp) / "src")
        languages = list(SYSTEM_LANGUAGES) if args.languages == "all" else args.languages.split(",")
        scan = opencheck_scan(repo, Path(tmp) / "data", languages)
        rss = peak_rss_mb()  # before ruff-direct, so the child peak is OpenCheck's
        ruff = ruff_direct(repo)
    steps = step_times(str(scan.pop("message")))
    wall = float(scan["wall_seconds"])  # type: ignore[arg-type]
    code_lines = int(scan["code_lines"])  # type: ignore[call-overload]
    report = {
        "source": f"Django=={args.version} sdist ({archive.name})",
        "opencheck": {
            **scan,
            "code_lines_per_second": round(code_lines / wall, 1) if wall else 0.0,
            "steps": steps,
            "peak_rss": rss,
        },
        "ruff_direct": ruff,
        "ratio_opencheck_to_ruff": round(wall / float(ruff["wall_seconds"]), 2),  # type: ignore[arg-type]
        "cpus": os.cpu_count(),
    }
    o = report["opencheck"]
    print(f"source            {report['source']}")
    print(f"status            {scan['status']}")
    print(f"code lines        {code_lines}")
    print(f"files             {scan['files']}")
    print(f"defects           {scan['defects']}")
    print(f"wall (queue→stored) {wall:.2f} s")
    print(f"code lines/s      {o['code_lines_per_second']}")  # type: ignore[index]
    print(f"peak RSS          self {rss['self_mb']} MiB, child {rss['largest_child_mb']} MiB")
    for step in steps:
        print(f"  {step['seconds']:6.0f} s  {step['step']}")
    print(f"ruff direct       {ruff['wall_seconds']} s, {ruff['findings']} findings (--select ALL)")
    print(f"ratio OpenCheck/ruff-direct {report['ratio_opencheck_to_ruff']}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS / f"scan-{stamp}.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    print(f"written           {path}")
    return 0 if scan["status"] == "success" else 1


if __name__ == "__main__":
    sys.exit(main())
