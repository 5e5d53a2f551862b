"""Fingerprints: versioned, stable when code moves, distinct per occurrence."""

from __future__ import annotations

import hashlib

from opencheck.engine.fingerprint import fingerprint, fingerprints


def test_exactly_what_the_docstring_says() -> None:
    expected = hashlib.sha256(b"ruff:F401\0a/b.py\0importos\x000").hexdigest()
    assert fingerprint("ruff:F401", "a/b.py", "  import   os\n", 0) == f"v1:{expected}"


def test_whitespace_changes_keep_the_fingerprint() -> None:
    assert fingerprint("r", "p", "x = f( 1 )", 0) == fingerprint("r", "p", "\tx=f(1)  ", 0)


def test_rule_path_line_and_occurrence_all_count() -> None:
    base = fingerprint("r", "p", "x", 0)
    others = {
        fingerprint("s", "p", "x", 0),
        fingerprint("r", "q", "x", 0),
        fingerprint("r", "p", "y", 0),
        fingerprint("r", "p", "x", 1),
    }
    assert base not in others and len(others) == 4


def test_same_line_twice_gets_an_occurrence_index() -> None:
    items = [("r", "p", "x = 1"), ("r", "p", "x = 1"), ("r", "other", "x = 1"), ("s", "p", "x = 1")]
    result = fingerprints(items)
    assert result[0] == fingerprint("r", "p", "x = 1", 0)
    assert result[1] == fingerprint("r", "p", "x = 1", 1)
    assert result[2] == fingerprint("r", "other", "x = 1", 0)
    assert result[3] == fingerprint("s", "p", "x = 1", 0)
