"""The measure step in a thread of its own, beside the analysers, stopped with them."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FuturesTimeout
from pathlib import Path

from opencheck.engine import threads
from opencheck.engine.analysis import CANCEL_POLL
from opencheck.engine.analyzers.base import Limits
from opencheck.engine.errors import ScanCancelled
from opencheck.engine.inventory import Inventory
from opencheck.engine.metrics.measure import CodeMeasures, measure_code
from opencheck.engine.reuse import Reuse
from opencheck.engine.steps import StepTimes


class Measuring:
    """The measure step in a thread of its own, beside the analysers; stopped with them."""

    def __init__(
        self,
        root: Path,
        inventory: Inventory,
        languages: Sequence[str],
        limits: Limits,
        jobs: int,
        times: StepTimes,
        reuse: Reuse | None = None,
    ) -> None:
        self._stop = threading.Event()
        own = dataclasses.replace(limits, cancelled=self._stop.is_set)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="measure")

        def measure() -> CodeMeasures:
            with times.step("metrics"):
                return measure_code(root, inventory, languages, own, jobs, reuse)

        self._future = threads.submit(self._pool, measure)

    def __enter__(self) -> Measuring:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()  # a no-op when the result is in; otherwise kill the child process
        self._pool.shutdown(wait=True)

    def result(self, cancelled: Callable[[], bool]) -> CodeMeasures:
        """Wait for the measures, polling `cancelled` from this (the observer's) thread."""
        while True:
            try:
                return self._future.result(timeout=CANCEL_POLL)
            except FuturesTimeout:
                if cancelled():
                    raise ScanCancelled("the scan was cancelled") from None
