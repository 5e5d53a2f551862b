"""Line counts per language: tokei for the languages it knows, our counter for the rest."""

from __future__ import annotations

from pathlib import Path

import pytest

from opencheck.engine.inventory import build_inventory
from opencheck.engine.loc import FALLBACK_SYNTAX, LanguageStats, count_file, count_lines, merge

PYTHON = '''#!/usr/bin/env python3
# a comment

"""A docstring counts as code, as tokei counts it."""
import os  # trailing comment: still code


def f():
    return os.sep
'''
SQL = """-- header
SELECT 1;

/* block
   comment */
SELECT 2; -- trailing
"""
SHELL = """#!/bin/sh
# comment
echo hi

echo bye
"""
ARKTS = """// line comment
/* block

   end */ let a = 1;
@Entry
struct Index {
  build() {} /* inline */
}
"""
CANGJIE = """/* one-line block */
main() {
    // nothing
    println("hi")
}

"""


def test_exact_counts_per_language(tmp_path: Path) -> None:
    files = {
        "a.py": PYTHON,
        "q.sql": SQL,
        "s.sh": SHELL,
        "Index.ets": ARKTS,
        "main.cj": CANGJIE,
        "empty.py": "",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    per_file: dict[str, int] = {}
    stats = count_lines(build_inventory(tmp_path, [], []), per_file)
    assert per_file == {
        "a.py": 4,
        "q.sql": 2,
        "s.sh": 2,
        "Index.ets": 5,
        "main.cj": 3,
        "empty.py": 0,
    }
    assert stats == {
        "Python": LanguageStats(files=2, code=4, comments=2, blanks=3),
        "SQL": LanguageStats(files=1, code=2, comments=3, blanks=1),
        "Shell": LanguageStats(files=1, code=2, comments=2, blanks=1),
        "ArkTS": LanguageStats(files=1, code=5, comments=2, blanks=1),
        "Cangjie": LanguageStats(files=1, code=3, comments=2, blanks=1),
    }
    assert merge(stats) == LanguageStats(files=6, code=16, comments=11, blanks=7)


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("Lua", "--[[ block\nstill ]] x = 1\n-- line\ny = 2\n", (2, 2, 0)),
        ("HTML", "<!-- c -->\n<p>x</p>\n\n", (1, 1, 1)),
        ("Python", "# c\n\nx = 1  # t\n", (1, 1, 1)),
        ("Go", "a := 1 /* c */ + 2\n/* x */ /* y */\n", (1, 1, 0)),
        ("CSS", "/* a */ p { }\n", (1, 0, 0)),
    ],
)
def test_fallback_counter(
    tmp_path: Path, language: str, text: str, expected: tuple[int, int, int]
) -> None:
    path = tmp_path / "f"
    path.write_text(text)
    assert count_file(path, FALLBACK_SYNTAX[language]) == expected


def test_a_tree_without_code_counts_nothing(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("no code here\n")
    assert count_lines(build_inventory(tmp_path, [], [])) == {}
