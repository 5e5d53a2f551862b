"""One harness for the `opencheck scan` tests: repositories built by the tests, and the CLI run
as a subprocess as a user or a pipeline would run it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

OPENCHECK = [sys.executable, "-m", "opencheck.cli.main"]

# An undefined name (critical), a request without certificate checks (major, security, CWE-295),
# an unused import (minor) and a suppressed eval (ignored).
APP = """\
import os

import requests


def fetch(url):
    return requests.get(url, verify=False)


def total(items):
    return sum(item.price for item in itemz)


def parse(text):
    return eval(text)  # noqa: S307
"""
CLEAN = """\
def add(a, b):
    return a + b
"""
# One unused import: a minor defect (ruff says nothing about a file of imports alone).
MINOR = """\
import os


def add(a, b):
    return a + b
"""


def env() -> dict[str, str]:
    """The caller's environment without OpenCheck's settings or colour switches."""
    drop = ("OPENCHECK_", "NO_COLOR", "FORCE_COLOR")
    return {k: v for k, v in os.environ.items() if not k.startswith(drop)}


def git(repo: Path, *args: str) -> str:
    identity = ["-c", "user.name=Test", "-c", "user.email=test@example.com"]
    result = subprocess.run(["git", *identity, *args], cwd=repo, capture_output=True,
                            text=True, check=True, env=env())  # fmt: skip
    return result.stdout


def make_repo(root: Path, files: dict[str, str], *, commit: bool = True) -> Path:
    """A git repository holding `files`, committed unless told otherwise."""
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "-b", "main")
    write(root, files)
    if commit:
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "initial")
    return root


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def scan(path: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """`opencheck scan PATH ARGS…`, output captured (so piped, not a terminal)."""
    return subprocess.run(
        [*OPENCHECK, "scan", str(path), *args],
        capture_output=True, text=True, env=env(), cwd=cwd, timeout=300,
    )  # fmt: skip
