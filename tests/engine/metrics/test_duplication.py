"""Duplicated blocks of ten significant lines, within and across files."""

from __future__ import annotations

from opencheck.engine.metrics.duplication import WINDOW, find_duplication

BLOCK = "".join(f"    total = total + value_{n}\n" for n in range(WINDOW))


def test_a_block_repeated_in_two_files_marks_both() -> None:
    a = "def a():\n" + BLOCK + "    return total\n"
    b = "# another file\n\ndef b():\n" + BLOCK.replace("    ", "\t") + "\n    return 0\n"
    found = find_duplication([("a.py", a), ("b.py", b), ("c.py", "x = 1\n")])
    assert found.lines == {"a.py": WINDOW, "b.py": WINDOW}
    assert found.blocks == {"a.py": 1, "b.py": 1}
    assert (found.total_lines, found.total_blocks) == (2 * WINDOW, 2)


def test_blank_lines_and_braces_inside_a_block_do_not_break_it() -> None:
    spaced = "".join(f"    total = total + value_{n}\n\n  }}\n" for n in range(WINDOW))
    found = find_duplication([("a.py", BLOCK), ("b.py", spaced)])
    assert found.lines == {"a.py": WINDOW, "b.py": 3 * WINDOW - 2}  # first to last line


def test_nine_lines_are_not_a_block() -> None:
    short = "".join(BLOCK.splitlines(keepends=True)[: WINDOW - 1])
    assert find_duplication([("a.py", short), ("b.py", short)]).lines == {}


def test_repeats_within_one_file_count_once_per_line() -> None:
    found = find_duplication([("a.py", BLOCK + "other = 1\n" + BLOCK)])
    assert found.lines == {"a.py": 2 * WINDOW}
    assert found.blocks == {"a.py": 2}


def test_cancelled_stops_reading() -> None:
    calls = []

    def cancelled() -> bool:
        calls.append(1)
        return True

    assert find_duplication([("a.py", BLOCK), ("b.py", BLOCK)], cancelled).lines == {}
    assert len(calls) == 1
