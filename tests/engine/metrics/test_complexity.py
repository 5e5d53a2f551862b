"""Function metrics per language: exact complexity, CCA complexity, depth and lines."""

from __future__ import annotations

import pytest

from opencheck.engine.metrics.complexity import FunctionMeasure, measurable, measure_functions
from opencheck.engine.metrics.grammars import SPECS, query

# Each sample: one function with an if (holding a loop), a boolean operator, a two-case switch.
SAMPLES: dict[str, tuple[str, list[tuple[int, int, int, int, int]]]] = {
    "Python": (
        """\
def f(a, b):
    if a and b:
        for x in a:
            pass
    match b:
        case 1:
            pass
        case 2:
            pass
    g = lambda y: y if y else 0
    return g
""",
        # decisions: if, and, for, conditional expression (in the lambda) = 4; cases 2
        [(1, 11, 7, 6, 2)],
    ),
    "JavaScript": (
        """\
function f(a, b) {
  if (a && b) {
    for (const x of a) {}
  }
  switch (b) { case 1: break; case 2: break; default: }
  return () => (a ? 1 : 2);
}
""",
        [(1, 7, 7, 6, 2)],
    ),
    "TypeScript": (
        """\
function f(a: number[], b: number): number {
  if (a.length > 0 || b) {
    while (b) { b--; }
  }
  switch (b) { case 1: break; case 2: break; }
  return b;
}
""",
        [(1, 7, 6, 5, 2)],
    ),
    "Java": (
        """\
class A {
  int f(int[] a, int b) {
    if (a.length > 0 && b > 0) {
      for (int x : a) { b += x; }
    }
    switch (b) { case 1: return 1; case 2: return 2; default: return b > 3 ? 3 : 0; }
  }
}
""",
        [(2, 7, 7, 6, 2)],
    ),
    "Go": (
        """\
package p

func f(a []int, b int) int {
	if len(a) > 0 && b > 0 {
		for _, x := range a {
			b += x
		}
	}
	switch b {
	case 1:
		return 1
	case 2:
		return 2
	}
	return b
}
""",
        [(3, 16, 6, 5, 2)],
    ),
    "C++": (
        """\
int f(int *a, int n) {
    int s = 0;
    if (a && n > 0) {
        for (int i = 0; i < n; i++) { s += a[i]; }
    }
    switch (s) { case 1: return 1; case 2: return 2; }
    return s;
}
""",
        [(1, 8, 6, 5, 2)],
    ),
    "Shell": (
        """\
f() {
  if [ -n "$1" ] && [ -n "$2" ]; then
    for x in "$@"; do echo "$x"; done
  fi
  case "$1" in
    a) echo a ;;
    b) echo b ;;
  esac
}
""",
        [(1, 9, 6, 5, 2)],
    ),
    "Cangjie": (
        """\
func f(a: Int64): Int64 {
    if (a > 0 && a < 9) {
        for (i in 0..a) { println(i) }
    }
    match (a) {
        case 1 => 1
        case _ => 2
    }
    return 0
}
""",
        [(1, 10, 6, 5, 2)],
    ),
}


@pytest.mark.parametrize("language", sorted(SAMPLES))
def test_sample_function(language: str) -> None:
    source, expected = SAMPLES[language]
    found = measure_functions(language, source.encode())
    assert [(m.line, m.end_line, m.complexity, m.cca_complexity, m.depth) for m in found] == (
        expected
    )


@pytest.mark.parametrize("language", sorted(SPECS))
def test_every_language_query_compiles_and_measures_nothing_in_empty_source(
    language: str,
) -> None:
    assert query(language).pattern_count > 0
    assert measure_functions(language, b"") == []


def test_nested_functions_are_their_own_and_marked_nested() -> None:
    source = (
        b"def outer(a):\n    def inner(b):\n        if b:\n            return 1\n    return inner\n"
    )
    assert measure_functions("Python", source) == [
        FunctionMeasure(1, 5, 1, 1, 0, nested=False),
        FunctionMeasure(2, 4, 2, 2, 1, nested=True),
    ]


def test_a_file_that_does_not_parse_still_measures_what_it_can() -> None:
    found = measure_functions(
        "Python", b"def ok(a):\n    if a:\n        return 1\n\ndef broken(:\n"
    )
    assert found[0][:3] == (1, 3, 2)


def test_declaration_files_and_unknown_languages_are_not_measured() -> None:
    assert measurable("TypeScript", "src/a.ts")
    assert not measurable("TypeScript", "types/a.d.ts")
    assert not measurable("CSS", "a.css")
