"""The job queue seam: how queued executions reach a worker."""

from __future__ import annotations

from typing import Protocol, runtime_checkable


@runtime_checkable
class JobQueue(Protocol):
    """Delivers execution ids to workers; the executions table is the durable record."""

    name: str

    def start(self) -> None:
        """Start this process's part: worker threads (embedded), the reaper, webhooks."""

    def enqueue(self, execution_id: str, pool: str = "default") -> None:
        """Hand a queued execution to a worker of its pool."""

    def cancel(self, execution_id: str) -> None:
        """Fast path for a stop request; the database flag is the reliable one."""

    def shutdown(self) -> None:
        """Stop consuming; running checks are aborted and left to recovery."""
