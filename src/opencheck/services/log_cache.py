"""Rendered log texts of executions, kept while their lines stay the same.

The task list shows each task's latest execution's log (seed 004's `message`): about a hundred
lines a page, read and rendered on every request. Lines are only ever appended, and removed
only with their execution, so an execution's (number of lines, highest line id) names its text
exactly: a line written later changes the count, even one written by a worker whose lease was
reaped, or committed after a line with a higher id.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session

from opencheck.services import execution_states
from opencheck.store.models import ExecutionLog

LogVersion = tuple[int, int]  # (lines, highest line id; 0 without lines)

CACHED_TEXTS = 4096  # about a page's worth of text each: a few MB at most


def version_columns(execution_id: object) -> tuple[object, object]:
    """The two columns of a `LogVersion`, for a query whose rows carry `execution_id`."""
    of_execution = ExecutionLog.execution_id == execution_id
    lines = select(func.count()).where(of_execution).scalar_subquery()
    last = select(func.coalesce(func.max(ExecutionLog.id), 0)).where(of_execution)
    return lines, last.scalar_subquery()


class LogTexts:
    """A bounded, thread-safe cache of rendered log texts by execution and `LogVersion`."""

    def __init__(self, size: int = CACHED_TEXTS) -> None:
        # One entry per execution: a newer version replaces the older, which no row names again.
        self._texts: OrderedDict[str, tuple[LogVersion, str]] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def texts(self, db: Session | Connection, versions: dict[str, LogVersion]) -> dict[str, str]:
        """Each execution's log text; only the executions not cached at their version are read."""
        found: dict[str, str] = {}
        with self._lock:
            for execution_id, version in versions.items():
                kept = self._texts.get(execution_id)
                if kept is not None and kept[0] == version:
                    self._texts.move_to_end(execution_id)
                    found[execution_id] = kept[1]
        missing = [e for e in versions if e not in found]
        if missing:
            read = execution_states.log_texts(db, missing)
            with self._lock:
                for execution_id in missing:
                    self._texts[execution_id] = (versions[execution_id], read[execution_id])
                    self._texts.move_to_end(execution_id)
                while len(self._texts) > self._size:
                    self._texts.popitem(last=False)
            found.update(read)
        return found


LOG_TEXTS = LogTexts()  # one per process: keys name their text exactly, whatever the database
