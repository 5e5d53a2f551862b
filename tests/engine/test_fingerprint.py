"""Identities: versioned, stable when code moves, distinct per occurrence."""

from __future__ import annotations

import hashlib

from opencheck.engine.fingerprint import (
    context,
    fingerprint,
    identities,
    line_key,
    strip_whitespace,
)

SOURCE = ["def f(x):", "", "    return  eval(x)", "", "", "print(f('1'))"]


def test_exactly_what_the_module_says() -> None:
    parts = b"ruff:S307\0a/b.py\0deff(x):\0returneval(x)\0print(f('1'))\x000"
    expected = hashlib.sha256(parts).hexdigest()
    [identity] = identities([("ruff:S307", "a/b.py", 3, SOURCE)])
    assert identity.fingerprint == f"v2:{expected}"
    assert identity.line_key == hashlib.sha256(b"ruff:S307\0returneval(x)\x000").hexdigest()


def test_context_is_the_nearest_non_blank_lines_within_reach() -> None:
    assert context(SOURCE, 3) == ("deff(x):", "returneval(x)", "print(f('1'))")
    assert context(SOURCE, 1) == ("", "deff(x):", "returneval(x)")
    assert context(SOURCE, 6) == ("returneval(x)", "print(f('1'))", "")
    far = ["a", *[""] * 9, "b", *[""] * 10, "c"]  # "a" ten lines above "b", "c" eleven below
    assert context(far, 11) == ("a", "b", "")
    assert context(SOURCE, 99) == ("", "", "")


def test_whitespace_changes_keep_both_keys() -> None:
    spaced = [line.replace("    ", "\t") + "  " for line in SOURCE]
    assert identities([("r", "p", 3, SOURCE)]) == identities([("r", "p", 3, spaced)])


def test_rule_path_context_and_occurrence_all_count() -> None:
    base = fingerprint("r", "p", ("a", "x", "b"), 0)
    others = {
        fingerprint("s", "p", ("a", "x", "b"), 0),
        fingerprint("r", "q", ("a", "x", "b"), 0),
        fingerprint("r", "p", ("c", "x", "b"), 0),
        fingerprint("r", "p", ("a", "y", "b"), 0),
        fingerprint("r", "p", ("a", "x", "c"), 0),
        fingerprint("r", "p", ("a", "x", "b"), 1),
    }
    assert base not in others and len(others) == 6


def test_a_neighbour_edited_changes_the_fingerprint_not_the_line_key() -> None:
    edited = [*SOURCE]
    edited[0] = "def f(x, y):"
    [before] = identities([("r", "p", 3, SOURCE)])
    [after] = identities([("r", "p", 3, edited)])
    assert before.fingerprint != after.fingerprint
    assert before.line_key == after.line_key


def test_the_same_code_twice_gets_an_occurrence_index() -> None:
    lines = ["x = 1", "x = 1", "x = 1"]
    first, second, third = identities([("r", "p", n, lines) for n in (1, 2, 3)])
    assert len({first.fingerprint, second.fingerprint, third.fingerprint}) == 3
    assert first.line_key == line_key("r", "x=1", 0)
    assert second.line_key == line_key("r", "x=1", 1)
    assert third.line_key == line_key("r", "x=1", 2)
    same_context = ["a", "x = 1", "b", "a", "x = 1", "b"]
    one, two = identities([("r", "p", n, same_context) for n in (2, 5)])
    assert one.fingerprint == fingerprint("r", "p", ("a", "x=1", "b"), 0)
    assert two.fingerprint == fingerprint("r", "p", ("a", "x=1", "b"), 1)


def test_long_lines_are_cut_before_hashing() -> None:
    minified = ["v" * 10_000_000]
    [identity] = identities([("r", "p", 1, minified)])
    assert identity.line_key == line_key("r", "v" * 500, 0)


def test_a_suppression_comment_does_not_change_the_identity() -> None:
    plain = identities([("r", "p", 2, ["a = 1", "x = eval(y)", "b = 2"])])
    for marked in ("x = eval(y)  # noqa: S307 trusted input", "x = eval(y) // NOLINT",
                   "x = eval(y)  -- opencheck-ignore[r]: reviewed"):  # fmt: skip
        assert identities([("r", "p", 2, ["a = 1", marked, "b = 2"])]) == plain
    above = ["a = 1", "# opencheck-ignore-next-line[r]: reviewed", "x = eval(y)", "b = 2"]
    assert identities([("r", "p", 3, above)]) == plain
    assert strip_whitespace("i-- ; j = 1") == "i--;j=1"  # an opener alone cuts nothing
