"""A loopback TCP proxy that can be cut: a server the cluster reaches through it seems to go
away (every connection dropped, new ones refused, as while it restarts) and come back.

Threads, not asyncio: the proxy runs beside synchronous tests, and a pair of blocking pumps
per connection is the simplest thing that forwards bytes both ways.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from types import TracebackType

from tests.support import free_port

CHUNK = 65536


class TcpProxy:
    """Listens on `127.0.0.1:port` and forwards each connection to `target`."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = free_port()
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._listener: socket.socket | None = None
        self._accepting: threading.Thread | None = None
        self.connections = 0  # accepted so far, for tests that check the proxy was used

    def __enter__(self) -> TcpProxy:
        self.restore()
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _tb: TracebackType | None,
    ) -> None:
        self.cut()

    def restore(self) -> None:
        """Listen again on the same port."""
        assert self._listener is None, "the proxy is not cut"
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(128)
        self._listener = listener
        self._accepting = threading.Thread(target=self._accept, args=(listener,), daemon=True)
        self._accepting.start()

    def cut(self) -> None:
        """Stop listening (connections are refused) and drop every open connection."""
        listener, self._listener = self._listener, None
        if listener is not None:
            # shutdown() wakes the thread blocked in accept(); close() alone may not.
            _quietly_shut(listener)
            listener.close()
        if self._accepting is not None:
            self._accepting.join(timeout=5)
            self._accepting = None
        with self._lock:
            dropped, self._open = self._open, set()
        for sock in dropped:
            _quietly_shut(sock)
            sock.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:  # shut down by cut()
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                if self._listener is not listener:  # cut meanwhile
                    client.close()
                    upstream.close()
                    return
                self._open |= {client, upstream}
                self.connections += 1
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(src, dst), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(CHUNK):
                dst.sendall(data)
        except OSError:
            pass  # the other side or cut() closed it
        # One side is finished: so is the connection (as a server that went away ends it).
        for sock in (src, dst):
            _quietly_shut(sock)
        with self._lock:
            self._open -= {src, dst}
        src.close()  # each pump closes the socket it reads; the other pump closes the other


def _quietly_shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
