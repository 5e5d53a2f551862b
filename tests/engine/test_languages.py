"""File → system language, by extension, file name and shebang."""

from __future__ import annotations

import pytest

from opencheck.domain.languages import SYSTEM_LANGUAGES
from opencheck.engine.languages import (
    EXTENSIONS,
    INTERPRETERS,
    UNREAD_SUFFIXES,
    UnreadUnlessRead,
    detect_language,
    is_cpp_header,
    unread,
    unread_without_language,
)


@pytest.mark.parametrize(
    ("path", "language"),
    [
        ("a.py", "Python"),
        ("pkg/stubs.pyi", "Python"),
        ("web/app.js", "JavaScript"),
        ("a.mjs", "JavaScript"),
        ("a.cjs", "JavaScript"),
        ("a.jsx", "JavaScript"),
        ("a.ts", "TypeScript"),
        ("a.tsx", "TypeScript"),
        ("a.mts", "TypeScript"),
        ("a.cts", "TypeScript"),
        ("entry/Index.ets", "ArkTS"),
        ("main.cj", "Cangjie"),
        *((f"x{ext}", "C++") for ext in (".c", ".cc", ".cpp", ".cxx", ".h", ".hh", ".hpp")),
        ("x.hxx", "C++"),
        ("Program.cs", "C#"),
        ("a.css", "CSS"),
        ("a.scss", "CSS"),
        ("a.less", "CSS"),
        ("main.go", "Go"),
        ("index.html", "HTML"),
        ("index.htm", "HTML"),
        ("Main.java", "Java"),
        ("a.kt", "Kotlin"),
        ("build.gradle.kts", "Kotlin"),
        ("a.lua", "Lua"),
        ("index.php", "PHP"),
        ("lib.rs", "Rust"),
        ("A.scala", "Scala"),
        ("a.sc", "Scala"),
        ("run.sh", "Shell"),
        ("run.bash", "Shell"),
        ("run.zsh", "Shell"),
        ("run.ksh", "Shell"),
        ("schema.sql", "SQL"),
        ("main.tf", "Terraform"),
        ("prod.tfvars", "Terraform"),
        ("UPPER.PY", "Python"),
        ("Dockerfile", None),
        ("Makefile", None),
        ("README.md", None),
        ("image.png", None),
        ("noext", None),
    ],
)
def test_language_by_name(path: str, language: str | None) -> None:
    assert detect_language(path) == language


@pytest.mark.parametrize(
    ("head", "language"),
    [
        (b"#!/usr/bin/env python3\nprint(1)\n", "Python"),
        (b"#!/usr/bin/python3.11 -u\n", "Python"),
        (b"#! /bin/sh\n", "Shell"),
        (b"#!/bin/bash -e\n", "Shell"),
        (b"#!/usr/bin/env -S node --harmony\n", "JavaScript"),
        (b"#!/usr/bin/env lua5.4\n", "Lua"),
        (b"#!/usr/bin/perl\n", None),
        (b"print(1)\n", None),
        (b"", None),
    ],
)
def test_language_by_shebang(head: bytes, language: str | None) -> None:
    assert detect_language("bin/tool", head) == language


def test_shebang_does_not_override_an_extension() -> None:
    assert detect_language("notes.txt", b"#!/bin/sh\n") is None
    assert detect_language("tool.py", b"#!/bin/sh\n") == "Python"


def test_tables_only_name_system_languages() -> None:
    assert set(EXTENSIONS.values()) | set(INTERPRETERS.values()) <= set(SYSTEM_LANGUAGES)
    assert set(EXTENSIONS.values()) == set(SYSTEM_LANGUAGES)


@pytest.mark.parametrize(
    ("head", "cpp"),
    [
        (b"class A { };\n", True),
        (b"namespace n {}\n", True),
        (b"template <typename T> T id(T t);\n", True),
        (b"struct S {\npublic:\n int a;\n};\n", True),
        (b"std::string name();\n", True),
        (b"#include <vector>\n", True),
        (b"#include <stdio.h>\nint f(void);\n", False),
        (b'#ifdef __cplusplus\nextern "C" {\n#endif\nint f(void);\n', False),
        (b"/* a class of its own */\nint classify(int c);\n", False),
    ],
)
def test_a_dot_h_header_is_cpp_by_its_content(head: bytes, cpp: bool) -> None:
    assert is_cpp_header("include/x.h", head) is cpp
    assert is_cpp_header("include/x.hpp", head) is False  # the name already says C++


def test_no_unread_suffix_is_a_language() -> None:
    assert not UNREAD_SUFFIXES & set(EXTENSIONS)
    assert unread("locale/de/LC_MESSAGES/django.mo") and unread("static/logo.PNG")
    assert not unread("app.py") and not unread("bin/run") and not unread("schema.sql")


@pytest.mark.parametrize(
    ("path", "left_out"),
    [
        ("docs/intro.txt", True),
        ("data/fixture.json", True),
        ("static/logo.png", True),
        ("app/views.py", False),
        ("bin/run", False),  # its #! line may name a language
        (".gitattributes", False),  # read by the inventory
        ("cmd/go.mod", False),  # read for the Go version of the module's files
        (".bashrc", False),
    ],
)
def test_what_a_checkout_need_not_write(path: str, left_out: bool) -> None:
    assert unread_without_language(path) is left_out


def test_files_without_a_language_are_written_when_an_analyser_may_include_them() -> None:
    decide = UnreadUnlessRead({"C++"})
    assert decide("docs/notes.txt") is False and decide("logo.png") is True  # no listing
    assert decide.given(["app.py", "docs/notes.txt"])("docs/notes.txt") is True
    with_c = decide.given(["main.c", "docs/notes.txt"])
    assert with_c("docs/notes.txt") is False and with_c("logo.png") is True
