"""Defect statuses and rule types spell what the CodeArts reference spells."""

from __future__ import annotations

from opencheck.domain.defects import RULE_TYPES, DefectStatus, RuleType


def test_defect_status_codes_are_the_reference_s() -> None:
    assert [(s.name, s.code) for s in DefectStatus] == [
        ("UNRESOLVED", "0"), ("RESOLVED", "1"), ("IGNORED", "2")]  # fmt: skip
    assert DefectStatus(int("2")) is DefectStatus.IGNORED


def test_rule_types_are_basic_and_security() -> None:
    assert RULE_TYPES == ("basic", "security") and RuleType("security") is RuleType.SECURITY
