"""A real OpenCheck cluster on this machine: the API and scan workers as `opencheck` processes
on a fresh PostgreSQL database and a broker, driven over HTTP as a user drives it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text

from tests.support import free_port, make_repo

OPENCHECK = str(Path(sys.executable).parent / "opencheck")
LEASE_SECONDS = 6.0  # short, so that a dead worker is noticed within seconds


class Cluster:
    """Starts, kills and restarts the processes of one cluster; all share a database."""

    def __init__(self, root: Path, database_url: str, broker_url: str, **env: str) -> None:
        self.root = root
        self.database_url = database_url
        self.env = {
            **os.environ,
            "OPENCHECK_DATABASE_URL": database_url,
            "OPENCHECK_QUEUE": "celery",
            "OPENCHECK_BROKER_URL": broker_url,
            "OPENCHECK_QUEUE_PREFIX": f"test{uuid.uuid4().hex[:8]}",
            "OPENCHECK_SECRET_KEY": "distributed-test-secret",
            "OPENCHECK_LEASE_SECONDS": str(LEASE_SECONDS),
            "OPENCHECK_LOCAL_REPO_ROOTS": str(root),
            **env,
        }
        self.api_port = free_port()
        self.api: subprocess.Popen[bytes] | None = None
        self.workers: dict[str, subprocess.Popen[bytes]] = {}
        self._admin(["db", "upgrade"])
        self._admin(["admin", "create-user", "root", "--admin", "--password-stdin"], "pw-root\n")
        self.token = self._admin(["admin", "create-token", "root"]).strip()
        self.http = httpx.Client(base_url=f"http://127.0.0.1:{self.api_port}", timeout=30)

    @property
    def headers(self) -> dict[str, str]:
        return {"X-Auth-Token": self.token}

    def _admin(self, args: list[str], stdin: str = "") -> str:
        data_dir = self.root / "admin"
        out = subprocess.run(
            [OPENCHECK, *args, "--data-dir", str(data_dir)],
            input=stdin.encode(),
            capture_output=True,
            env=self.env,
            timeout=120,
            check=True,
        )
        return out.stdout.decode()

    def _start(self, name: str, args: list[str]) -> subprocess.Popen[bytes]:
        log = (self.root / f"{name}.log").open("ab")
        data_dir = self.root / name  # one data directory per process that runs checks
        return subprocess.Popen(
            [OPENCHECK, *args, "--data-dir", str(data_dir)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=self.env,
        )

    def start_api(self, processes: int = 1) -> None:
        """`opencheck serve --no-workers [--processes N]`; returns once it answers."""
        args = ["serve", "--no-workers", "--port", str(self.api_port)]
        self.api = self._start("api", [*args, "--processes", str(processes)])
        deadline = time.monotonic() + 60
        while True:
            try:
                if self.http.get("/health").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            assert self.api.poll() is None, self.log("api")
            assert time.monotonic() < deadline, "the API did not start"
            time.sleep(0.1)

    def start_worker(self, name: str, pool: str = "default", concurrency: int = 1) -> int:
        """`opencheck worker`; returns its pid once it sent its first heartbeat."""
        args = ["worker", "--name", name, "--pool", pool, "--concurrency", str(concurrency)]
        proc = self.workers[name] = self._start(name, args)
        deadline = time.monotonic() + 60
        while not self.sql("SELECT count(*) FROM workers WHERE name = :n", n=name)[0][0]:
            assert proc.poll() is None, self.log(name)
            assert time.monotonic() < deadline, f"worker {name} did not start"
            time.sleep(0.1)
        return proc.pid

    def kill(self, name: str, sig: signal.Signals = signal.SIGKILL) -> None:
        proc = self.api if name == "api" else self.workers[name]
        assert proc is not None
        proc.send_signal(sig)
        proc.wait(timeout=60)

    def log(self, name: str) -> str:
        path = self.root / f"{name}.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def sql(self, query: str, **params: Any) -> list[Any]:
        engine = create_engine(self.database_url)
        try:
            with engine.connect() as conn:
                return list(conn.execute(text(query), params).all())
        finally:
            engine.dispose()

    def project(self) -> str:
        return self._admin(["admin", "create-project", f"p{uuid.uuid4().hex[:6]}"]).strip()

    def create_task(self, project_id: str, repo: Path, **body: object) -> str:
        payload = {"git_url": str(repo), "git_branch": "main", "language": ["python"], **body}
        r = self.http.post(f"/v2/{project_id}/task", json=payload, headers=self.headers)
        assert r.status_code == 200, r.text
        return str(r.json()["task_id"])

    def run(self, task_id: str) -> str:
        r = self.http.post(f"/v2/tasks/{task_id}/run", headers=self.headers)
        assert r.status_code == 200, r.text
        return str(r.json()["exec_id"])

    def statuses(self, ids: list[str]) -> dict[str, str]:
        rows = self.sql("SELECT id, status FROM executions")
        return {eid: status for eid, status in rows if eid in ids}

    def wait_done(self, ids: list[str], timeout: float) -> dict[str, str]:
        """Wait until every execution ended; returns their final statuses."""
        deadline = time.monotonic() + timeout
        while True:
            statuses = self.statuses(ids)
            if all(s not in ("quering", "running") for s in statuses.values()):
                return statuses
            assert time.monotonic() < deadline, statuses
            time.sleep(0.2)

    def logs(self, exec_id: str) -> str:
        rows = self.sql(
            "SELECT text FROM execution_logs WHERE execution_id = :e ORDER BY id", e=exec_id
        )
        return "\n".join(row[0] for row in rows)

    def close(self) -> None:
        for proc in [*self.workers.values(), self.api]:
            if proc is not None and proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in [*self.workers.values(), self.api]:
            if proc is not None:
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
        self.http.close()


@contextmanager
def cluster(root: Path, database_url: str, broker_url: str, **env: str) -> Iterator[Cluster]:
    c = Cluster(root, database_url, broker_url, **env)
    try:
        yield c
    finally:
        c.close()


def analyser_processes_of(pid: int) -> list[int]:
    """Live processes whose OPENCHECK_OWNER says process `pid` started them."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if f"OPENCHECK_OWNER={pid}-".encode() in environ:
            found.append(int(entry.name))
    return found


def big_repo(path: Path, files: int = 60) -> Path:
    """Enough code that a check takes a few seconds, so a worker can be killed during it."""
    body = "".join(f"def f{n}(a, b):\n    import os\n    return a + b + {n}\n\n" for n in range(40))
    return make_repo(path, {f"pkg{n // 50}/m{n}.py": body for n in range(files)})
