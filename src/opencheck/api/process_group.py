"""`opencheck serve --processes N` on Linux: N API processes, each listening on a socket of its
own on the one port (SO_REUSEPORT), so that the kernel spreads connections across them.

With one shared listening socket, whichever process woke first accepted a whole burst of
connections: eight keep-alive connections all went to one of two processes, which then served
everything on one core while the other idled. Linux hashes each new connection to one of the
group's sockets instead; only processes of the same user may join the group.

Each process's event loop writes the time into shared memory every second; a process whose loop
stopped turning (stopped, deadlocked, blocked by a call that never returns) still holds its
socket and its share of new connections, so the group kills and replaces it.
"""

from __future__ import annotations

import asyncio
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

from opencheck.api.connection_share import ConnectionShare, install

log = logging.getLogger("opencheck")

CHECK_SECONDS = 0.5
QUICK_EXIT_SECONDS = 10.0  # a process that dies this soon after its start did not start
QUICK_EXITS_TOLERATED = 3  # failed starts in a row before the group gives up (a broken config)
STOP_SECONDS = 30.0  # for a process's graceful stop before it is killed
BEAT_SECONDS = 1.0  # how often a process's event loop says it still turns
HANG_SECONDS = 30.0  # default: a process whose loop has not turned for this long is replaced


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


def _serve(spec: ServerSpec, beat: Any, counts: Any, slot: int) -> None:
    import uvicorn

    class BeatingServer(uvicorn.Server):
        async def serve(self, sockets: list[socket.socket] | None = None) -> None:
            beating = asyncio.create_task(_beat(beat, share))
            try:
                await super().serve(sockets)
            finally:
                beating.cancel()

    sock = port_socket(spec.host, spec.port)
    config = uvicorn.Config(spec.app, factory=True, log_level=spec.log_level, access_log=False)
    server = BeatingServer(config)
    share = ConnectionShare(counts, slot, lambda: len(server.server_state.connections))
    install(share)  # before uvicorn builds the app, which reads it
    server.run(sockets=[sock])


async def _beat(beat: Any, share: ConnectionShare) -> None:
    """Write the time (CLOCK_MONOTONIC, the same in every process) while the loop turns, and
    this process's connection count (each answer publishes it as well)."""
    while True:
        beat.value = time.monotonic()
        share.publish()
        await asyncio.sleep(BEAT_SECONDS)


@dataclass(frozen=True)
class _Member:
    process: BaseProcess
    started: float
    beat: Any  # a shared double: when the process's event loop last turned

    def silent_for(self) -> float:
        return time.monotonic() - max(self.started, self.beat.value)


class ProcessGroup:
    """Starts the processes, replaces one that dies, and stops them all on SIGTERM or SIGINT."""

    def __init__(
        self, spec: ServerSpec, processes: int, hang_seconds: float = HANG_SECONDS
    ) -> None:
        self._spec = spec
        self._count = processes
        self._hang_seconds = hang_seconds
        self._context = multiprocessing.get_context("spawn")
        self._processes: list[_Member] = []
        # Each process's open connections, by slot (api/connection_share.py).
        self._connections = self._context.Array("i", processes, lock=False)
        self._stop = threading.Event()
        self._failed_starts = 0  # in a row: exited quickly, or hung before turning

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
            self._processes = [self._start(n) for n in range(self._count)]
            while not self._stop.wait(CHECK_SECONDS):
                if not (self._replace_hung() and self._replace_dead()):
                    return 1
            return 0
        finally:
            self._stop_all()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            holder.close()

    def _on_signal(self, _signum: int, _frame: Any) -> None:
        self._stop.set()

    def _start(self, slot: int) -> _Member:
        beat = self._context.Value("d", 0.0, lock=False)
        self._connections[slot] = 0  # a process replaced holds none of its predecessor's
        process = self._context.Process(
            target=_serve, args=(self._spec, beat, self._connections, slot), name="opencheck-api"
        )
        process.start()
        return _Member(process, time.monotonic(), beat)

    def _replace_hung(self) -> bool:
        """Replace each process whose event loop stopped turning; False when processes keep
        hanging before their loop's first turn (they never start: a broken configuration)."""
        for n, member in enumerate(self._processes):
            silent = member.silent_for()
            if not member.process.is_alive() or silent <= self._hang_seconds:
                continue
            log.warning(
                "API process %s has not turned its event loop for %.0f s; replacing it",
                member.process.pid,
                silent,
            )
            member.process.kill()
            member.process.join()
            never_turned = member.beat.value < member.started
            if not self._went_on(never_turned, "hanging before their event loop first turned"):
                return False
            self._processes[n] = self._start(n)
        return True

    def _replace_dead(self) -> bool:
        for n, member in enumerate(self._processes):
            process, started = member.process, member.started
            if process.is_alive() or self._stop.is_set():
                continue
            quick = time.monotonic() - started < QUICK_EXIT_SECONDS
            if not self._went_on(quick, f"exiting at start (exit code {process.exitcode})"):
                return False
            log.warning(
                "API process %s exited (code %s); starting another", process.pid, process.exitcode
            )
            self._processes[n] = self._start(n)
        return True

    def _went_on(self, failed_start: bool, failing: str) -> bool:
        """Count a process that failed to start (in a row); False, and an error, once
        `QUICK_EXITS_TOLERATED` did."""
        self._failed_starts = self._failed_starts + 1 if failed_start else 0
        if self._failed_starts >= QUICK_EXITS_TOLERATED:
            log.error("API processes keep %s; stopping", failing)
            return False
        return True

    def _stop_all(self) -> None:
        processes = [member.process for member in self._processes]
        for process in processes:
            if process.is_alive():
                process.terminate()  # SIGTERM: uvicorn finishes the requests in flight
        deadline = time.monotonic() + STOP_SECONDS
        for process in processes:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join()
