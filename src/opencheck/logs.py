"""Log records that carry the request id and the execution id, as text or as JSON lines."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

# Set by the API's outermost middleware for the request being served.
request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
# Set where a worker carries out an execution (services.checks.process).
execution_id: ContextVar[str | None] = ContextVar("execution_id", default=None)


@contextmanager
def execution(execution_id_: str) -> Iterator[None]:
    """Within the block, this thread's log records carry `execution_id_`."""
    token = execution_id.set(execution_id_)
    try:
        yield
    finally:
        execution_id.reset(token)


TEXT, JSON = "text", "json"
FORMATS = (TEXT, JSON)
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


class ContextFilter(logging.Filter):
    """Gives every record `request_id` and `execution_id` (None outside a request or check)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get()
        if not hasattr(record, "execution_id"):
            record.execution_id = execution_id.get()
        return True


class TextFormatter(logging.Formatter):
    """The usual one-line text, with `request_id=` and `execution_id=` appended when set."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        ids = [
            f"{name}={value}"
            for name in ("request_id", "execution_id")
            if (value := getattr(record, name, None))
        ]
        if not ids:
            return line
        first, newline, rest = line.partition("\n")  # after the message, before a traceback
        return f"{first} {' '.join(ids)}{newline}{rest}"


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, both ids, and any traceback."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
            "execution_id": getattr(record, "execution_id", None),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def formatter(fmt: str) -> logging.Formatter:
    """The formatter of OPENCHECK_LOG_FORMAT (`text` or `json`)."""
    if fmt not in FORMATS:
        raise ValueError(f"log format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    return JsonFormatter() if fmt == JSON else TextFormatter()


def configure(fmt: str = TEXT, level: int = logging.INFO) -> None:
    """One stderr handler on the root logger, replacing any earlier one."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter(fmt))
    handler.addFilter(ContextFilter())
    logging.basicConfig(level=level, handlers=[handler], force=True)
    # Alembic 1.17+ announces each of its plugins at INFO on every start: noise, not news.
    logging.getLogger("alembic.runtime.plugins").setLevel(max(level, logging.WARNING))
