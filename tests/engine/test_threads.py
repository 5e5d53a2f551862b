"""Work in the engine's thread pools sees the submitting thread's context (the execution id)."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

import pytest

from opencheck import logs
from opencheck.engine import threads


def _record() -> logging.LogRecord:
    record = logging.LogRecord("opencheck.engine", logging.INFO, __file__, 1, "m", None, None)
    logs.ContextFilter().filter(record)
    return record


@pytest.mark.parametrize("calls", [1, 8])
def test_a_pool_thread_logs_with_the_execution_id_of_its_check(calls: int) -> None:
    with ThreadPoolExecutor(max_workers=2) as pool, logs.execution("e1"):
        records = [threads.submit(pool, _record).result() for _ in range(calls)]
        plain = pool.submit(_record).result()  # what a plain submit loses
    assert [r.execution_id for r in records] == ["e1"] * calls  # type: ignore[attr-defined]
    assert plain.execution_id is None  # type: ignore[attr-defined]
