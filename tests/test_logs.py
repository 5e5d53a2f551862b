"""Log records carry the request id and the execution id, in the text and the JSON format."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterator

import pytest

from opencheck import logs

Capture = Callable[[str], tuple[logging.Logger, io.StringIO]]


@pytest.fixture
def capture() -> Iterator[Capture]:
    """A logger whose records go, filtered and formatted as `fmt`, into a string."""
    logger = logging.getLogger("opencheck.test_logs")
    logger.setLevel(logging.INFO)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(logs.ContextFilter())
    logger.addHandler(handler)

    def start(fmt: str) -> tuple[logging.Logger, io.StringIO]:
        handler.setFormatter(logs.formatter(fmt))
        return logger, stream

    yield start
    logger.removeHandler(handler)


def test_json_lines_carry_both_ids(capture: Capture) -> None:
    logger, stream = capture("json")
    logger.info("outside")
    token = logs.request_id.set("r1")
    try:
        with logs.execution("e1"):
            logger.info("inside %s", "both")
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            logger.exception("failed")
    finally:
        logs.request_id.reset(token)
    outside, inside, failed = (json.loads(line) for line in stream.getvalue().splitlines())
    assert (outside["request_id"], outside["execution_id"]) == (None, None)
    assert inside["message"] == "inside both" and inside["logger"] == "opencheck.test_logs"
    assert (inside["request_id"], inside["execution_id"]) == ("r1", "e1")
    assert (failed["request_id"], failed["execution_id"]) == ("r1", None)
    assert "RuntimeError: boom" in failed["exception"] and failed["level"] == "ERROR"


def test_text_lines_name_the_ids_that_are_set(capture: Capture) -> None:
    logger, stream = capture("text")
    logger.info("plain")
    with logs.execution("e2"):
        logger.info("in a check")
    plain, checked = stream.getvalue().splitlines()
    assert plain.endswith("INFO opencheck.test_logs plain")
    assert checked.endswith("INFO opencheck.test_logs in a check execution_id=e2")
    with pytest.raises(ValueError, match="log format"):
        logs.formatter("xml")
