"""`opencheck remote` as a subprocess against a live server, with a token and with AK/SK."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest

from opencheck.services import auth
from opencheck.store.db import unit_of_work
from tests.api.test_defect_lifecycle import FIRST
from tests.api.test_incremental import _mr_repo
from tests.conftest import Api

pytestmark = pytest.mark.slow
CLEAN = '"""Nothing to report."""\n\n\ndef add(a: int, b: int) -> int:\n    return a + b\n'


def remote(api: Api, *args: str, **auth_env: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENCHECK_")}
    env["OPENCHECK_URL"] = api.http.base_url.__str__().rstrip("/")
    env.update(auth_env or {"OPENCHECK_TOKEN": api.admin.headers["X-Auth-Token"]})
    return subprocess.run([sys.executable, "-m", "opencheck.cli.main", "remote", "task", *args],
                          capture_output=True, text=True, env=env, timeout=300)  # fmt: skip


def test_create_run_wait_and_defects_exit_by_the_gate(api: Api, repo_factory: Any) -> None:
    pid = api.project()
    bad = repo_factory({"app.py": FIRST}, name="bad")
    r = remote(api, "create", "--project", pid, "--git-url", str(bad), "--language", "python")
    assert r.returncode == 0, r.stderr
    tid = r.stdout.strip()
    r = remote(api, "run", tid, "--wait")
    assert r.returncode == 1, r.stderr  # two critical defects: the gate fails
    assert "gate failed: critical 2, major 0, minor 2" in r.stderr
    execution = r.stdout.strip()
    r = remote(api, "defects", tid, "--job-id", execution, "--format", "json")
    assert r.returncode == 0 and len(json.loads(r.stdout)) == 4
    r = remote(api, "defects", tid)
    assert "app.py:6: ruff:F821" in r.stdout
    r = remote(api, "report", tid, "--format", "sarif")
    assert r.returncode == 0 and len(json.loads(r.stdout)["runs"][0]["results"]) == 4
    good = repo_factory({"app.py": CLEAN}, name="good")
    r = remote(api, "create", "--project", pid, "--git-url", str(good), "--language", "python")
    clean = r.stdout.strip()
    r = remote(api, "run", clean)
    assert r.returncode == 0
    assert remote(api, "wait", clean, r.stdout.strip()).returncode == 0
    listed = remote(api, "list", "--project", pid).stdout
    assert tid in listed and clean in listed


def test_aksk_merge_requests_and_errors(api: Api, repo_factory: Any) -> None:
    with unit_of_work(api.runtime.sessions) as s:
        user = auth.get_user_by_name_or_raise(s, name=api.admin.name)
        ak, sk = auth.create_access_key(s, user=user, cipher=api.runtime.cipher)
    keys = {"OPENCHECK_AK": ak, "OPENCHECK_SK": sk}
    repo, _, _ = _mr_repo(repo_factory)
    pid = api.project()
    r = remote(api, "create", "--project", pid, "--git-url", str(repo), "--language", "python",
               **keys)  # fmt: skip
    assert r.returncode == 0, r.stderr
    tid = r.stdout.strip()
    r = remote(api, "run", tid, "--ref", "merge_request", "--merge-id", "8", "--wait", **keys)
    assert r.returncode == 1, r.stderr  # the merge request adds one critical defect
    assert "gate failed: critical 1," in r.stderr
    wrong = {"OPENCHECK_AK": ak, "OPENCHECK_SK": "not-the-secret"}
    r = remote(api, "list", "--project", pid, **wrong)
    assert r.returncode == 2 and "CC.00000003" in r.stderr
    r = remote(api, "run", tid, "--ref", "pull", "--merge-id", "x")
    assert r.returncode == 2 and "merge_id" in r.stderr
    r = remote(api, "list", "--project", pid, OPENCHECK_TOKEN="")
    assert r.returncode == 2 and "OPENCHECK_TOKEN" in r.stderr
