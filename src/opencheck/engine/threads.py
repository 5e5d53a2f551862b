"""Work handed to a thread pool runs in a copy of the submitting thread's context, so that
what the context carries (the execution id every log record of a check has, opencheck.logs)
follows the check into its analyser and measuring threads; a plain `submit` loses it."""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from concurrent.futures import Executor, Future
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


def submit(pool: Executor, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> Future[T]:
    """`pool.submit(fn, ...)` in a copy of this thread's context (one copy per call: a context
    may not be entered by two threads at once)."""
    return pool.submit(contextvars.copy_context().run, fn, *args, **kwargs)
