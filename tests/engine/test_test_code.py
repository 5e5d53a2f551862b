"""Rust #[cfg(test)] modules found by brace matching, and main-only rules kept off test code."""

from __future__ import annotations

import pytest

from opencheck.domain.roles import Role
from opencheck.engine.analyzers.base import RawFinding
from opencheck.engine.test_code import drop_main_only_on_tests, rust_test_regions

RUST = """\
fn parse(s: &str) -> u8 {
    s.parse().unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;
    const OPEN: char = '{';
    const S: &str = "}}} { /* not a comment";
    const R: &str = r#"raw } "quoted" }"#;
    // a } in a comment
    /* nested /* } */ } */
    fn id<'a>(x: &'a str) -> &'a str { x }

    #[test]
    fn parses() {
        assert_eq!(parse("1"), 1);
    }
}

fn after() -> u8 { parse("2") }
"""


def test_finds_the_module_and_skips_braces_in_literals_and_comments() -> None:
    assert rust_test_regions(RUST) == [(5, 19)]


@pytest.mark.parametrize(
    ("text", "regions"),
    [
        ("#[cfg(test)]\n#[allow(unused)]\npub(crate) mod t {\n}\n", [(1, 4)]),
        ("#[cfg(test)]\n// helpers\nmod t { fn a() {} }\nfn b() {}\n", [(1, 3)]),
        ("#[cfg(test)]\nmod t;\nfn b() {}\n", []),  # an out-of-line module: another file
        ("#[cfg(test)]\nfn only_in_tests() {}\n", []),
        ("// #[cfg(test)] mod t {\nfn b() {}\n", []),
        ('const S: &str = "#[cfg(test)] mod t {";\n', []),
        ("#[cfg(test)]\nmod t {\n fn a() {\n", [(1, 3)]),  # unclosed: to the end
        ("#[cfg(test)] mod a {}\n#[cfg(test)] mod b {\n}\n", [(1, 1), (2, 3)]),
        ("#[cfg(not(test))]\nmod t {}\n", []),
    ],
)
def test_regions(text: str, regions: list[tuple[int, int]]) -> None:
    assert rust_test_regions(text) == regions


def test_main_only_findings_are_dropped_in_test_files_and_cfg_test_modules() -> None:
    findings = [
        RawFinding("sec:x", "src/lib.rs", 2, 1, "in main code"),
        RawFinding("sec:x", "src/lib.rs", 17, 1, "in the test module"),
        RawFinding("bug:y", "src/lib.rs", 17, 1, "a bug rule applies to tests"),
        RawFinding("sec:x", "tests/it.py", 1, 1, "a test file"),
        RawFinding("sec:x", "app.py", 17, 1, "line 17 of a Python file is not a Rust module"),
    ]
    reads: list[str] = []

    def read(path: str) -> str:
        reads.append(path)
        return RUST

    kept, dropped = drop_main_only_on_tests(
        findings,
        main_only=frozenset({"sec:x"}),
        role_of=lambda path: Role.TEST if path.startswith("tests/") else Role.MAIN,
        language_of={"src/lib.rs": "Rust", "tests/it.py": "Python", "app.py": "Python"},
        read=read,
    )
    assert [f.message for f in kept] == [
        "in main code",
        "a bug rule applies to tests",
        "line 17 of a Python file is not a Rust module",
    ]
    assert dropped == 2
    assert reads == ["src/lib.rs"]  # once, and only for Rust
