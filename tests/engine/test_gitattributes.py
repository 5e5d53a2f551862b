"""linguist-generated and linguist-vendored from .gitattributes, with git's pattern rules."""

from __future__ import annotations

import pytest

from opencheck.engine.gitattributes import GENERATED, VENDORED, GitAttributes

ROOT = """\
# comments and other attributes are ignored
*.sh text eol=lf
*.pb.go linguist-generated
gen/** linguist-generated=true
/api/schema.py linguist-generated
docs/*.js linguist-vendored
assets/** linguist-vendored
assets/own.js -linguist-vendored
lib/[ab]*.c linguist-vendored
*.snap linguist-generated=false
"""


@pytest.fixture
def attrs() -> GitAttributes:
    found = GitAttributes()
    found.add("", ROOT)
    found.add("web", "*.js linguist-generated\nkeep.js !linguist-generated\n")
    return found


@pytest.mark.parametrize(
    ("path", "name", "value"),
    [
        ("x.pb.go", GENERATED, True),
        ("deep/in/tree/x.pb.go", GENERATED, True),  # no slash: the name at any depth
        ("gen/a.py", GENERATED, True),
        ("gen/deep/a.py", GENERATED, True),
        ("src/gen/a.py", GENERATED, None),  # a slash anchors at the file's folder
        ("api/schema.py", GENERATED, True),
        ("sub/api/schema.py", GENERATED, None),
        ("docs/a.js", VENDORED, True),
        ("docs/deep/a.js", VENDORED, None),  # `*` stops at a slash
        ("assets/x/y.js", VENDORED, True),
        ("assets/own.js", VENDORED, False),  # the later line unsets it
        ("lib/alpha.c", VENDORED, True),
        ("lib/gamma.c", VENDORED, None),
        ("a.snap", GENERATED, False),
        ("web/app.js", GENERATED, True),  # a nested .gitattributes applies below its folder
        ("web/keep.js", GENERATED, None),  # `!attr`: back to unspecified
        ("app.js", GENERATED, None),
        ("x.pb.go", VENDORED, None),
    ],
)
def test_values(attrs: GitAttributes, path: str, name: str, value: bool | None) -> None:
    assert attrs.value(path, name) is value


def test_a_directory_pattern_does_not_reach_its_files() -> None:
    found = GitAttributes()
    found.add("", "vendor linguist-vendored\n")
    assert found.value("vendor/x.go", VENDORED) is None
