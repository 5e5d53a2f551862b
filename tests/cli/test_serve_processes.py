"""`opencheck serve --processes 2`: two API processes on one port, the embedded scan workers in
exactly one of them, and HTTP figures summed over both, as a user runs it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import uvicorn

from opencheck.api import process_group
from opencheck.cli.serve import listener
from tests.cli.test_cli import OPENCHECK, oc
from tests.support import free_port, make_repo


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _api_processes(pid: int) -> list[int]:
    """The spawned API processes (not multiprocessing's resource tracker)."""
    return [c for c in _children(pid) if b"spawn_main" in _cmdline(c)]


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:  # it ended (a killed process reaped) since it was listed
        return b""


def test_two_api_processes_share_the_port_and_one_runs_the_workers(tmp_path: Path) -> None:
    data, port = tmp_path / "data", free_port()
    repo = make_repo(tmp_path / "repos" / "r", {"a.py": "import os\n"})
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENCHECK_", "PROMETHEUS"))}
    cmd = [*OPENCHECK, "serve", "--port", str(port), "--data-dir", str(data), "--workers", "1",
           "--processes", "2", "--local-repo-roots", str(tmp_path / "repos")]  # fmt: skip
    log = (tmp_path / "serve.log").open("wb")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while len(_api_processes(proc.pid)) < 2 or not _answers(base):
            assert proc.poll() is None and time.monotonic() < deadline, _tail(tmp_path)
            time.sleep(0.2)
        token = oc("admin", "create-token", "admin", data_dir=data).stdout.strip()
        project = oc("admin", "create-project", "p", data_dir=data).stdout.strip()
        headers = {"X-Auth-Token": token}
        with httpx.Client(base_url=base, headers=headers, timeout=30) as http:
            body = {"git_url": str(repo), "git_branch": "main", "language": ["python"]}
            task = http.post(f"/v2/{project}/task", json=body).json()["task_id"]
            r = http.post(f"/v2/tasks/{task}/run")
            assert r.status_code == 200, r.text
            while (status := _status(http, task)) not in ("success", "failed"):
                assert time.monotonic() < deadline + 120, status
                time.sleep(0.3)
            assert status == "success", _tail(tmp_path)
            for _ in range(20):  # keep-alive requests, spread over both processes
                assert http.get("/health").status_code == 200
            metrics = http.get("/metrics").text
        holders = [p for p in _api_processes(proc.pid) if _holds_worker_lock(p, data)]
        assert len(holders) == 1  # the scan workers run in one process of the two
        # Any process answers with the figures of both (prometheus_client multiprocess mode).
        served = [
            ln for ln in metrics.splitlines() if ln.startswith("opencheck_http_requests_total")
        ]
        assert sum(float(ln.rsplit(" ", 1)[1]) for ln in served if "/health" in ln) >= 20
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    assert not _children(proc.pid)


def _answers(base: str) -> bool:
    try:
        return httpx.get(base + "/health").status_code == 200
    except httpx.TransportError:
        return False


def _status(http: httpx.Client, task: str) -> str:
    info = http.get("/v1/tasks").json()["result"]["info"]
    last = [t["lastJob"] for t in info if t["id"] == task and t["lastJob"]]
    return str(last[0]["status"]) if last else ""


def _holds_worker_lock(pid: int, data: Path) -> bool:
    lock = str((data / "scan-workers.lock").resolve())
    fds = Path(f"/proc/{pid}/fd")
    return any(os.readlink(fd) == lock for fd in fds.iterdir() if fd.is_symlink())


def _tail(root: Path) -> str:
    return (root / "serve.log").read_text(errors="replace")[-3000:]


def _shared_listener() -> socket.socket:
    config = uvicorn.Config("opencheck.api.served:app", factory=True, port=free_port(), workers=2)
    return listener(config)


def _port_socket() -> socket.socket:
    return process_group.port_socket("127.0.0.1", free_port())


@pytest.mark.parametrize("make", [_shared_listener, _port_socket])
def test_listening_sockets_set_tcp_nodelay_for_their_connections(
    make: Callable[[], socket.socket],
) -> None:
    """Without it every keep-alive answer after the first waits for a delayed ACK."""
    sock = make()
    try:
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
        sock.listen()  # as uvicorn's server does in each process
        client = socket.create_connection(sock.getsockname()[:2])
        accepted, _ = sock.accept()  # what an API process serves
        try:
            assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
        finally:
            accepted.close()
            client.close()
    finally:
        sock.close()


@pytest.mark.skipif(not process_group.supported(), reason="the kernel does not spread")
def test_connections_opened_at_once_spread_over_the_processes_and_a_dead_one_is_replaced(
    tmp_path: Path,
) -> None:
    with _two_processes(tmp_path) as (proc, port, base):
        _wait_for(
            proc, base, tmp_path, lambda: len(_listening(port, _api_processes(proc.pid))) == 2
        )
        # A burst of connections while one process is busy (here: stopped). With one shared
        # socket the other process accepted all of them; each process has its own queue now.
        busy, other = _api_processes(proc.pid)
        os.kill(busy, signal.SIGSTOP)
        try:
            burst = [socket.create_connection(("127.0.0.1", port)) for _ in range(16)]
            _until_settled(lambda: _connection_owners(port, [other])[other])
        finally:
            os.kill(busy, signal.SIGCONT)
        try:
            for conn in burst:
                conn.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            for conn in burst:
                assert conn.recv(64).startswith(b"HTTP/1.1 200")
            owners = _connection_owners(port, _api_processes(proc.pid))
            # With one shared socket, the process that woke first accepted the whole burst.
            # (One holding more than its share closed some after answering: connection_share.)
            assert len(owners) == 2, owners
        finally:
            for conn in burst:
                conn.close()
        killed = _api_processes(proc.pid)[0]
        os.kill(killed, signal.SIGKILL)
        _wait_for(proc, base, tmp_path, lambda: killed not in _api_processes(proc.pid)
                  and len(_listening(port, _api_processes(proc.pid))) == 2)  # fmt: skip


@pytest.mark.skipif(not process_group.supported(), reason="the kernel does not spread")
def test_keep_alive_connections_split_unevenly_are_evened_out(tmp_path: Path) -> None:
    with _two_processes(tmp_path) as (proc, port, base):
        _wait_for(
            proc, base, tmp_path, lambda: len(_listening(port, _api_processes(proc.pid))) == 2
        )
        pids = _api_processes(proc.pid)
        conns = _uneven(port, pids)  # 7 connections on one process and 1 on the other
        _until_settled(lambda: sum(_connection_owners(port, pids).values()))
        assert sorted(_connection_owners(port, pids).values()) == [1, 7]
        answers: Counter[int] = Counter()
        deadline = time.monotonic() + 30
        while sorted(_connection_owners(port, pids).values()) != [4, 4]:
            assert time.monotonic() < deadline, _connection_owners(port, pids)
            for n, conn in enumerate(conns):  # as a client's keep-alive pool does
                status, close = _ask(conn)
                answers[status] += 1
                if close:  # the answer said so: connect again, wherever the kernel puts it
                    conn.close()
                    conns[n] = socket.create_connection(("127.0.0.1", port))
        assert set(answers) == {200} and answers[200] >= 8
        for conn in conns:
            conn.close()


def _uneven(port: int, pids: list[int]) -> list[socket.socket]:
    """Seven connections held by one process and one by the other (opened until both are)."""
    by_owner: dict[int, list[socket.socket]] = {pid: [] for pid in pids}
    extra: list[socket.socket] = []
    deadline = time.monotonic() + 30
    while not any(len(v) >= 7 for v in by_owner.values()) or not all(by_owner.values()):
        assert time.monotonic() < deadline, by_owner
        conn = socket.create_connection(("127.0.0.1", port))
        owner = _owner_of(port, pids, conn)
        (by_owner[owner] if owner else extra).append(conn)
    many = max(by_owner.values(), key=len)
    few = min(by_owner.values(), key=len)
    for conn in many[7:] + few[1:] + extra:
        conn.close()
    return many[:7] + few[:1]


def _owner_of(port: int, pids: list[int], conn: socket.socket) -> int | None:
    """The API process that accepted `conn` (the server's socket whose peer port is ours)."""
    peer = conn.getsockname()[1]
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        inodes = {
            f"socket:[{fields[9]}]"
            for table in ("/proc/net/tcp", "/proc/net/tcp6")
            for fields in (line.split() for line in Path(table).read_text().splitlines()[1:])
            if int(fields[1].rsplit(":", 1)[1], 16) == port
            and int(fields[2].rsplit(":", 1)[1], 16) == peer
        }
        for pid in pids:
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                try:
                    if os.readlink(fd) in inodes:
                        return pid
                except OSError:
                    continue
        time.sleep(0.05)  # not accepted yet
    return None


def _ask(conn: socket.socket) -> tuple[int, bool]:
    """GET /health on a kept-alive connection: the status and whether the server closes it."""
    conn.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
    data = b""
    while b"\r\n\r\n" not in data:
        data += conn.recv(4096)
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").lower().split("\r\n")
    length = next(int(ln.split(":", 1)[1]) for ln in lines if ln.startswith("content-length:"))
    while len(body) < length:
        body += conn.recv(4096)
    return int(lines[0].split()[1]), "connection: close" in lines


@pytest.mark.skipif(not process_group.supported(), reason="uvicorn's group elsewhere")
def test_a_process_whose_event_loop_stopped_is_replaced(tmp_path: Path) -> None:
    # A stopped (or deadlocked) process keeps its socket and its share of new connections,
    # which would wait forever; it does not exit, so only its silence shows.
    with _two_processes(tmp_path, OPENCHECK_API_HANG_SECONDS="4") as (proc, port, base):
        listening = lambda: len(_listening(port, _api_processes(proc.pid))) == 2  # noqa: E731
        _wait_for(proc, base, tmp_path, listening)
        time.sleep(5)  # longer than the limit: a process that answers is left alone
        first = _api_processes(proc.pid)
        stopped = first[0]
        os.kill(stopped, signal.SIGSTOP)
        _wait_for(proc, base, tmp_path,
                  lambda: stopped not in _api_processes(proc.pid) and listening())  # fmt: skip
        assert first[1] in _api_processes(proc.pid)
        assert f"API process {stopped} has not turned its event loop" in _tail(tmp_path)
        for _ in range(8):  # new connections land on either process, and each is answered
            assert httpx.get(base + "/health", timeout=10).status_code == 200


@pytest.mark.skipif(not process_group.supported(), reason="uvicorn's group elsewhere")
def test_processes_that_hang_before_their_loop_turns_stop_the_group(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Replaced forever otherwise: a hang is not an exit, so it never counted as a failed start.
    spec = process_group.ServerSpec("tests.cli.hanging_app:app", "127.0.0.1", free_port())
    group = process_group.ProcessGroup(spec, processes=1, hang_seconds=1.0)
    with caplog.at_level("WARNING", logger="opencheck"):
        assert group.run() == 1
    assert "API processes keep hanging before their event loop first turned" in caplog.text
    assert caplog.text.count("has not turned its event loop") == process_group.QUICK_EXITS_TOLERATED


def test_a_port_another_program_holds_is_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {k: v for k, v in os.environ.items() if not k.startswith("OPENCHECK_")}
        cmd = [*OPENCHECK, "serve", "--no-workers", "--port", str(port), "--data-dir",
               str(tmp_path / "data"), "--processes", "2"]  # fmt: skip
        done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr


@contextmanager
def _two_processes(root: Path, **env: str) -> Iterator[tuple[subprocess.Popen[bytes], int, str]]:
    """`opencheck serve --no-workers --processes 2` on a free port (its output in
    root/serve.log); stopped with SIGTERM after the block, leaving no process behind."""
    port = free_port()
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("OPENCHECK_", "PROMETHEUS"))}
    cmd = [*OPENCHECK, "serve", "--no-workers", "--port", str(port), "--data-dir",
           str(root / "data"), "--processes", "2"]  # fmt: skip
    with (root / "serve.log").open("wb") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env={**clean, **env})
    try:
        yield proc, port, f"http://127.0.0.1:{port}"
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    assert not _children(proc.pid)


def _wait_for(
    proc: subprocess.Popen[bytes], base: str, root: Path, ready: Callable[[], bool]
) -> None:
    deadline = time.monotonic() + 60
    while not (ready() and _answers(base)):
        assert proc.poll() is None and time.monotonic() < deadline, _tail(root)
        time.sleep(0.2)


def _connection_owners(port: int, pids: list[int], state: str = "01") -> Counter[int]:
    """How many sockets on `port` in `state` (01 established, 0A listening) each of `pids`
    holds (from /proc)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == state:
                inodes.add(f"socket:[{fields[9]}]")
    owners: Counter[int] = Counter()
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                if os.readlink(fd) in inodes:
                    owners[pid] += 1
            except OSError:
                continue
    return owners


def _until_settled(read: Callable[[], int]) -> None:
    """Until `read` gives the same figure three times in a row (at most 10 s)."""
    seen: list[int] = []
    deadline = time.monotonic() + 10
    while (len(seen) < 3 or len(set(seen[-3:])) > 1) and time.monotonic() < deadline:
        seen.append(read())
        time.sleep(0.1)


def _listening(port: int, pids: list[int]) -> Counter[int]:
    return _connection_owners(port, pids, state="0A")
