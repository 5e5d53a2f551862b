"""`opencheck serve --processes N` on Linux: N API processes, each listening on a socket of its
own on the one port (SO_REUSEPORT), so that the kernel spreads connections across them.

With one shared listening socket, whichever process woke first accepted a whole burst of
connections: eight keep-alive connections all went to one of two processes, which then served
everything on one core while the other idled. Linux hashes each new connection to one of the
group's sockets instead; only processes of the same user may join the group.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import socket
import sys
import threading
import time
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from typing import Any

log = logging.getLogger("opencheck")

CHECK_SECONDS = 0.5
QUICK_EXIT_SECONDS = 10.0  # a process that dies this soon after its start did not start
QUICK_EXITS_TOLERATED = 3  # in a row, before the group gives up (a broken config, a taken port)
STOP_SECONDS = 30.0  # for a process's graceful stop before it is killed


def supported() -> bool:
    """Whether the kernel spreads connections over sockets sharing a port (Linux does; the
    BSDs and macOS hand them all to one socket)."""
    return sys.platform == "linux" and hasattr(socket, "SO_REUSEPORT")


def port_socket(host: str, port: int) -> socket.socket:
    """A socket bound to host:port that others of this user's group may bind as well."""
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        # Linux copies it to accepted connections: without it every keep-alive answer after
        # the first would wait for a delayed ACK (see cli.serve.listener).
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind(address)
    except OSError:
        sock.close()
        raise
    return sock


@dataclass(frozen=True)
class ServerSpec:
    """What each process serves (picklable: processes are spawned)."""

    app: str  # "module:factory"
    host: str
    port: int
    log_level: str = "warning"


def _serve(spec: ServerSpec) -> None:
    import uvicorn

    sock = port_socket(spec.host, spec.port)
    config = uvicorn.Config(spec.app, factory=True, log_level=spec.log_level, access_log=False)
    uvicorn.Server(config).run(sockets=[sock])


class ProcessGroup:
    """Starts the processes, replaces one that dies, and stops them all on SIGTERM or SIGINT."""

    def __init__(self, spec: ServerSpec, processes: int) -> None:
        self._spec = spec
        self._count = processes
        self._context = multiprocessing.get_context("spawn")
        self._processes: list[tuple[BaseProcess, float]] = []
        self._stop = threading.Event()
        self._quick_exits = 0

    def run(self) -> int:
        """Serve until stopped; 1 when the processes keep failing to start."""
        # Binding here first fails at once with a clear error when the port is taken by
        # another program, and holds the port while a process is being replaced.
        try:
            holder = port_socket(self._spec.host, self._spec.port)
        except OSError as exc:
            log.error("cannot listen on %s:%s: %s", self._spec.host, self._spec.port, exc)
            return 1
        previous = {
            sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGTERM, signal.SIGINT)
        }
        try:
            self._processes = [self._start() for _ in range(self._count)]
            while not self._stop.wait(CHECK_SECONDS):
                if not self._replace_dead():
                    return 1
            return 0
        finally:
            self._stop_all()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            holder.close()

    def _on_signal(self, _signum: int, _frame: Any) -> None:
        self._stop.set()

    def _start(self) -> tuple[BaseProcess, float]:
        process = self._context.Process(target=_serve, args=(self._spec,), name="opencheck-api")
        process.start()
        return process, time.monotonic()

    def _replace_dead(self) -> bool:
        for n, (process, started) in enumerate(self._processes):
            if process.is_alive() or self._stop.is_set():
                continue
            quick = time.monotonic() - started < QUICK_EXIT_SECONDS
            self._quick_exits = self._quick_exits + 1 if quick else 0
            if self._quick_exits >= QUICK_EXITS_TOLERATED:
                log.error(
                    "API processes keep exiting at start (exit code %s); stopping", process.exitcode
                )
                return False
            log.warning(
                "API process %s exited (code %s); starting another", process.pid, process.exitcode
            )
            self._processes[n] = self._start()
        return True

    def _stop_all(self) -> None:
        for process, _ in self._processes:
            if process.is_alive():
                process.terminate()  # SIGTERM: uvicorn finishes the requests in flight
        deadline = time.monotonic() + STOP_SECONDS
        for process, _ in self._processes:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join()
