"""`opencheck remote task create|list|run|wait|defects|report`: the service from a shell or a
pipeline.

`run --wait` and `wait` exit as a pipeline needs: 0 when the gate holds, 1 when it fails, 2
when the check failed or stopped, or on a usage, connection or server error.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

from opencheck.cli.remote_client import Remote, RemoteError

GATE_PASSED, GATE_FAILED, ERROR = 0, 1, 2
POLL = 1.0
STATUS = {0: "checking", 1: "failed", 2: "succeeded", 3: "stopped"}


def add_parsers(sub: Any) -> None:
    remote = sub.add_parser("remote", help="talk to an OpenCheck server (OPENCHECK_URL)")
    rsub = remote.add_subparsers(dest="remote_command", required=True)
    task = rsub.add_parser("task", help="tasks of a project")
    tsub = task.add_subparsers(dest="task_command", required=True)
    create = tsub.add_parser("create", help="create a task; prints its id")
    create.add_argument("--project", required=True)
    create.add_argument("--git-url", required=True)
    create.add_argument("--branch", default="main")
    create.add_argument("--language", action="append", required=True, help="repeatable")
    create.add_argument("--name")
    create.add_argument("--merge-id", help="an incremental task of this merge request")
    listing = tsub.add_parser("list", help="the project's tasks")
    listing.add_argument("--project", required=True)
    listing.add_argument("--limit", type=int, default=100)
    run = tsub.add_parser("run", help="run a check; prints the execution id")
    run.add_argument("task")
    run.add_argument("--ref", choices=("pull", "merge_request"))
    run.add_argument("--merge-id")
    run.add_argument("--job-type")
    run.add_argument("--commit-id")
    run.add_argument("--wait", action="store_true", help="wait and exit by the gate")
    wait = tsub.add_parser("wait", help="wait for an execution; exit by its gate")
    wait.add_argument("task")
    wait.add_argument("execution")
    defects = tsub.add_parser("defects", help="the defects of a result")
    defects.add_argument("task")
    defects.add_argument("--job-id")
    defects.add_argument("--format", choices=("text", "json"), default="text")
    report = tsub.add_parser("report", help="a result's defects as SARIF, GitLab or JSON")
    report.add_argument("task")
    report.add_argument("--job-id")
    report.add_argument("--format", choices=("sarif", "gitlab", "json"), default="sarif")
    report.add_argument("-o", "--output", help="write to this file instead of stdout")


def run(args: argparse.Namespace) -> int:
    """Carry out a `remote` command; returns the exit code."""
    try:
        remote = Remote.from_env()
        command = args.task_command
        if command == "create":
            return _create(remote, args)
        if command == "list":
            return _list(remote, args)
        if command == "run":
            return _run(remote, args)
        if command == "wait":
            return _wait(remote, args.task, args.execution)
        if command == "report":
            return _report(remote, args)
        return _defects(remote, args)
    except RemoteError as exc:
        print(f"opencheck: {exc}", file=sys.stderr)
        return ERROR


def _create(remote: Remote, args: argparse.Namespace) -> int:
    body: dict[str, Any] = {"git_url": args.git_url, "git_branch": args.branch,
                            "language": args.language}  # fmt: skip
    if args.name:
        body["task_name"] = args.name
    if args.merge_id:
        body |= {"task_type": "inc", "inc_config": {"merge_id": args.merge_id}}
    print(remote.call("POST", f"/v2/{args.project}/task", body=body)["task_id"])
    return 0


def _list(remote: Remote, args: argparse.Namespace) -> int:
    page = remote.call("GET", f"/v2/{args.project}/tasks", {"limit": min(args.limit, 100)})
    for task in page.get("tasks", []):
        print(f"{task.get('task_id', '')}\t{task.get('task_name', '')}")
    return 0


def _run(remote: Remote, args: argparse.Namespace) -> int:
    body = {key: value for key, value in (("ref", args.ref), ("merge_id", args.merge_id),
            ("job_type", args.job_type), ("commit_id", args.commit_id)) if value}  # fmt: skip
    execution = remote.call("POST", f"/v2/tasks/{args.task}/run", body=body)["exec_id"]
    print(execution)
    sys.stdout.flush()
    return _wait(remote, args.task, execution) if args.wait else 0


def _wait(remote: Remote, task: str, execution: str) -> int:
    """Poll until the execution ends (progress on a terminal); 0/1 by the gate, else 2."""
    tty = sys.stderr.isatty()
    while True:
        state = remote.call("GET", f"/v2/tasks/{task}/progress", {"job_id": execution})
        status = int(state["task_status"])
        if status != 0:
            break
        if tty:
            progress = state.get("progress", {})
            print(f"\r{progress.get('ratio', '')} {progress.get('info', '')[:70]:<70}",
                  end="", file=sys.stderr)  # fmt: skip
        time.sleep(POLL)
    if tty:
        print(file=sys.stderr)
    if status != 2:
        print(f"opencheck: the check {STATUS.get(status, status)}", file=sys.stderr)
        return ERROR
    summary = remote.call("GET", f"/v2/tasks/{task}/defects-summary", {"job_id": execution})
    passed = summary.get("is_access") == "success"
    counts = ", ".join(f"{name} {summary.get(f'{name}_count', 0)}"
                       for name in ("critical", "major", "minor", "suggestion"))  # fmt: skip
    print(f"gate {'passed' if passed else 'failed'}: {counts}", file=sys.stderr)
    return GATE_PASSED if passed else GATE_FAILED


def _defects(remote: Remote, args: argparse.Namespace) -> int:
    found: list[dict[str, Any]] = []
    offset = 0
    while True:
        page = remote.call("GET", f"/v2/tasks/{args.task}/defects-detail",
                           {"job_id": args.job_id, "offset": offset, "limit": 100})  # fmt: skip
        found.extend(page.get("defects", []))
        offset += 100
        if offset >= int(page.get("total", 0)) or not page.get("defects"):
            break
    if args.format == "json":
        print(json.dumps(found, indent=2))
        return 0
    for d in found:
        print(f"{d['file_path']}:{d['line_number']}: {d['defect_checker_name']}"
              f" [{d['defect_level']}] {d['defect_content']}")  # fmt: skip
    return 0


def _report(remote: Remote, args: argparse.Namespace) -> int:
    params = {"format": args.format, "job_id": args.job_id}
    document = json.dumps(remote.call("GET", f"/v2/tasks/{args.task}/report", params), indent=2)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write(document + "\n")
    else:
        print(document)
    return 0
