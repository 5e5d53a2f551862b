"""The `opencheck` console script, run as a subprocess as a user would."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.support import free_port

OPENCHECK = [sys.executable, "-m", "opencheck.cli.main"]


def oc(*args: str, data_dir: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENCHECK_")}
    return subprocess.run(
        [*OPENCHECK, *args, "--data-dir", str(data_dir)],
        input=stdin, capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip


def test_admin_commands(tmp_path: Path) -> None:
    r = oc("admin", "create-user", "alice", "--password-stdin", data_dir=tmp_path, stdin="pw\n")
    assert r.returncode == 0, r.stderr
    r = oc("admin", "create-project", "Demo", data_dir=tmp_path)
    pid = r.stdout.strip()
    assert re.fullmatch(r"[0-9a-f]{32}", pid), r.stdout + r.stderr
    assert r.stderr == ""  # the result only: no migration context or plugin lines around it
    assert oc("admin", "add-member", pid, "alice", "developer", data_dir=tmp_path).returncode == 0
    r = oc("admin", "add-member", pid, "alice", "emperor", data_dir=tmp_path)
    assert r.returncode == 2 and "role must be one of" in r.stderr
    r = oc("admin", "add-member", pid, "nobody", "viewer", data_dir=tmp_path)
    assert r.returncode == 2 and "nobody" in r.stderr
    r = oc("admin", "create-token", "alice", "--ttl", "2h", data_dir=tmp_path)
    assert r.returncode == 0 and r.stdout.startswith("oc_")
    assert oc("admin", "create-token", "alice", "--ttl", "soon", data_dir=tmp_path).returncode == 2
    r = oc("admin", "create-group", pid, "nightly", data_dir=tmp_path)
    assert re.fullmatch(r"[0-9a-f]{32}\n", r.stdout)
    r = oc("admin", "create-access-key", "alice", data_dir=tmp_path)
    assert "AK=" in r.stdout and "SK=" in r.stdout
    r = oc("admin", "create-user", "alice", "--password-stdin", data_dir=tmp_path, stdin="x\n")
    assert r.returncode == 2 and "already exists" in r.stderr
    r = oc("db", "upgrade", data_dir=tmp_path)
    assert r.returncode == 0 and "alembic.runtime.plugins" not in r.stderr


@pytest.mark.slow
def test_serve_creates_the_admin_once_and_serves_http(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENCHECK_")}
    cmd = [*OPENCHECK, "serve", "--port", str(port), "--data-dir", str(tmp_path), "--workers", "1"]
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True, env=env)
    try:
        lines = []
        deadline = time.monotonic() + 60
        while not any("with password:" in ln for ln in lines):
            assert time.monotonic() < deadline and proc.poll() is None, "".join(lines)
            lines.append(proc.stderr.readline())  # type: ignore[union-attr]
        password = re.search(r"with password: (\S+)", "".join(lines)).group(1)  # type: ignore[union-attr]
        base = f"http://127.0.0.1:{port}"
        while True:
            try:
                if httpx.get(base + "/health").status_code == 200:
                    break
            except httpx.TransportError:
                assert time.monotonic() < deadline
                time.sleep(0.2)
        body = {"auth": {"identity": {"methods": ["password"],
                "password": {"user": {"name": "admin", "password": password}}}}}  # fmt: skip
        r = httpx.post(base + "/v3/auth/tokens", json=body)
        assert r.status_code == 201 and r.headers["X-Subject-Token"]
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
    r = oc("admin", "create-token", "admin", data_dir=tmp_path)
    assert r.returncode == 0
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True, env=env)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health").status_code == 200:
                    break
            except httpx.TransportError:
                assert time.monotonic() < deadline
                time.sleep(0.2)
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    assert "with password:" not in err
    # One log line per request, carrying its request id.
    line = r"opencheck\.access GET /health 200 [0-9.]+ms request_id=(?P<id>[0-9a-f]{32})"
    found = re.search(line, err)
    assert found and err.count(found["id"]) == 1, err[-2000:]  # the request id once


def test_tokens_are_revoked_and_bounded_by_the_maximum_lifetime(tmp_path: Path) -> None:
    from opencheck.config import Settings
    from opencheck.runtime import Runtime
    from opencheck.services import auth
    from opencheck.store.db import unit_of_work

    assert oc("admin", "create-user", "bob", "--password-stdin", data_dir=tmp_path,
              stdin="pw\n").returncode == 0  # fmt: skip
    r = oc("admin", "create-token", "bob", "--ttl", "90d", data_dir=tmp_path)
    assert r.returncode == 2 and "maximum token lifetime" in r.stderr
    first = oc("admin", "create-token", "bob", data_dir=tmp_path).stdout.strip()
    second = oc("admin", "create-token", "bob", data_dir=tmp_path).stdout.strip()
    r = oc("admin", "revoke-token", "bob", "--token-stdin", data_dir=tmp_path, stdin=first + "\n")
    assert r.returncode == 0 and "revoked the token" in r.stdout, r.stderr
    runtime = Runtime.build(Settings(data_dir=tmp_path))
    try:
        with unit_of_work(runtime.sessions) as s:
            assert auth.resolve_token(s, token=second).name == "bob"
            with pytest.raises(Exception, match="expired"):
                auth.resolve_token(s, token=first)
    finally:
        runtime.close()
    r = oc("admin", "revoke-token", "bob", data_dir=tmp_path)
    assert r.returncode == 0 and "revoked 1 tokens of bob" in r.stdout


def test_serve_and_worker_take_the_local_repository_roots(tmp_path: Path) -> None:
    from opencheck.cli.main import build_parser, settings_from

    for command in ("serve", "worker"):
        args = build_parser().parse_args([command, "--local-repo-roots", f"{tmp_path}:/srv/git"])
        settings = settings_from(args)
        assert settings.local_repo_roots == (tmp_path, Path("/srv/git"))
        assert settings.local_repos.check(str(tmp_path / "r")) is not None
    assert settings_from(build_parser().parse_args(["serve"])).local_repos.roots == ()


@pytest.mark.parametrize(
    ("command", "setting", "value", "message"),
    [
        ("serve", "OPENCHECK_PORT", "http", "OPENCHECK_PORT must be a whole number, got 'http'"),
        ("serve", "OPENCHECK_LEASE_SECONDS", "1m", "OPENCHECK_LEASE_SECONDS must be a number"),
        ("worker", "OPENCHECK_WORKER_MEMORY_MB", "64",
         "OPENCHECK_WORKER_MEMORY_MB must be 0 (no cap) or at least 1024, got 64"),
        ("db", "OPENCHECK_LOG_FORMAT", "xml", "OPENCHECK_LOG_FORMAT must be one of text, json"),
    ],
)  # fmt: skip
def test_a_setting_that_cannot_be_used_is_named_without_a_traceback(
    tmp_path: Path, command: str, setting: str, value: str, message: str
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENCHECK_")}
    args = [*OPENCHECK, command, "upgrade"] if command == "db" else [*OPENCHECK, command]
    r = subprocess.run(
        [*args, "--data-dir", str(tmp_path)],
        capture_output=True, text=True, env={**env, setting: value}, timeout=120,
    )  # fmt: skip
    assert r.returncode == 2, r.stderr
    assert message in r.stderr and "Traceback" not in r.stderr
