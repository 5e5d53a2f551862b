"""How a scan reports to its caller: log lines, monotonic progress, and cancellation."""

from __future__ import annotations

from typing import Protocol

from opencheck.engine.errors import ScanCancelled


class ScanObserver(Protocol):
    """How a scan reports to its caller; `cancelled` is polled about ten times a second."""

    def log(self, message: str) -> None:
        """One line, no timestamp (the caller adds it)."""
        ...

    def progress(self, percent: int) -> None: ...

    def cancelled(self) -> bool: ...


class LogCollector:
    """A ScanObserver that keeps the log lines and never cancels: for scans run by tools."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def log(self, message: str) -> None:
        self.lines.append(message)

    def progress(self, percent: int) -> None:
        pass

    def cancelled(self) -> bool:
        return False


class Progress:
    """Forwards progress to the observer only when it grows, so it is monotonic."""

    def __init__(self, observer: ScanObserver) -> None:
        self.observer = observer
        self.last = -1

    def __call__(self, percent: float) -> None:
        value = int(percent)
        if value > self.last:
            self.last = value
            self.observer.progress(value)


def check_cancelled(observer: ScanObserver) -> None:
    """Raise ScanCancelled when the caller asked to stop."""
    if observer.cancelled():
        raise ScanCancelled("the scan was cancelled")
