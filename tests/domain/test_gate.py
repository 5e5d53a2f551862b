import pytest

from opencheck.domain import gate
from opencheck.domain.gate import DEFAULT_GATE, GateItem
from opencheck.domain.severity import Severity

C, M, N, S = Severity.CRITICAL, Severity.MAJOR, Severity.MINOR, Severity.SUGGESTION


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ({}, "success"),
        ({C: 1}, "error"),
        ({M: 1}, "error"),
        ({N: 50, S: 9}, "success"),
        ({C: 0, M: 0, N: 1}, "success"),
    ],
)
def test_default_gate(counts: dict[Severity, int], expected: str) -> None:
    assert gate.evaluate(DEFAULT_GATE, counts) == expected


def test_thresholds_are_inclusive_and_disabled_items_ignored() -> None:
    items = (GateItem(C, True, 2), GateItem(N, False, 0))
    assert gate.evaluate(items, {C: 2, N: 100}) == "success"
    assert gate.evaluate(items, {C: 3}) == "error"


def test_json_round_trip() -> None:
    assert gate.from_json(gate.to_json(DEFAULT_GATE)) == DEFAULT_GATE


def test_severity_spellings() -> None:
    assert [s.job_result_key for s in Severity] == [
        "FATAL",
        "CRITICAL",
        "GENERAL",
        "PROMPT",
        "INFO",
    ]
    assert Severity.from_code("1") is Severity.MAJOR
    with pytest.raises(ValueError):
        Severity.from_code("x")
