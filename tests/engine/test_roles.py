"""The role of a file from its path, its first and last bytes, and .gitattributes settings."""

from __future__ import annotations

import pytest

from opencheck.domain.roles import Role
from opencheck.engine.role_facts import FileFacts, Verdict
from opencheck.engine.roles import classify, classify_by_path

LANGUAGE_OF = {
    ".py": "Python",
    ".go": "Go",
    ".java": "Java",
    ".kt": "Kotlin",
    ".scala": "Scala",
    ".cs": "C#",
    ".rs": "Rust",
    ".rb": "",
    ".lua": "Lua",
    ".js": "JavaScript",
    ".ts": "TypeScript",
    ".tsx": "TypeScript",
    ".ets": "ArkTS",
    ".css": "CSS",
    ".html": "HTML",
    ".c": "C++",
    ".cc": "C++",
    ".h": "C++",
    ".php": "PHP",
    ".sh": "Shell",
    ".bats": "Shell",
    ".cj": "Cangjie",
}


def facts(path: str, head: bytes = b"x = 1\n", **kwargs: object) -> FileFacts:
    language = next((lang for ext, lang in LANGUAGE_OF.items() if path.endswith(ext)), "")
    return FileFacts(path, language, head, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("path", "role"),
    [
        # Test code by each language's conventions.
        ("tests/test_app.py", Role.TEST),
        ("pkg/test_app.py", Role.TEST),
        ("pkg/app_test.py", Role.TEST),
        ("conftest.py", Role.TEST),
        ("pkg/server_test.go", Role.TEST),
        ("pkg/testdata/input.go", Role.TEST_DATA),
        ("src/__snapshots__/view.test.ts.snap.js", Role.TEST_DATA),
        ("tests/test_data/case.py", Role.TEST_DATA),
        ("ext/tests/expected/out.cj", Role.TEST_DATA),
        ("test/cases/golden/a.go", Role.TEST_DATA),
        ("src/expected/value.py", Role.MAIN),
        # Resources of tests and benchmarks are their inputs (parsed or read, never run).
        ("perftests/resources/GenJSCode.scala", Role.TEST_DATA),
        ("src/test/resources/fixture.py", Role.TEST_DATA),
        ("src/main/resources/app.py", Role.MAIN),
        ("src/test/java/com/x/Util.java", Role.TEST),
        ("src/main/java/com/x/UtilTest.java", Role.TEST),
        ("src/main/java/com/x/UtilTests.java", Role.TEST),
        ("src/main/java/com/x/UtilIT.java", Role.TEST),
        ("app/src/androidTest/kotlin/MainTest.kt", Role.TEST),
        ("core/ParserSpec.scala", Role.TEST),
        ("core/ParserSuite.scala", Role.TEST),
        ("Lib.Tests/ParserTests.cs", Role.TEST),
        ("src/components/Button.test.tsx", Role.TEST),
        ("src/components/button.spec.ts", Role.TEST),
        ("src/__tests__/button.js", Role.TEST),
        ("spec/models/user_spec.rb", Role.TEST),
        ("lua/parser_spec.lua", Role.TEST),
        ("lua/parser_test.lua", Role.TEST),
        ("entry/src/ohosTest/ets/Ability.test.ets", Role.TEST),
        ("crate/tests/integration.rs", Role.TEST),
        ("crate/benches/speed.rs", Role.TEST),
        ("t/basic.bats", Role.TEST),
        ("lib/fixtures/sample.php", Role.TEST),
        ("src/ParserTest.php", Role.TEST),
        ("src/lexer_unittest.cc", Role.TEST),
        ("src/string_test.cj", Role.TEST),
        # Kotlin Multiplatform and Gradle test source sets; benchmark code.
        ("okio/src/jvmTest/kotlin/okio/BufferTest.kt", Role.TEST),
        ("okio/src/commonTest/kotlin/okio/Utf8.kt", Role.TEST),
        ("lib/src/iosTest/kotlin/A.kt", Role.TEST),
        ("pg/src/it/scala/Jdbc.scala", Role.TEST),  # sbt and Maven Failsafe integration tests
        # Android's debug build type, alone or after a flavour: never shipped.
        ("app/src/debug/kotlin/org/x/TestMangaRepository.kt", Role.TEST),
        ("app/src/fdroidDebug/java/org/x/DebugMenu.kt", Role.TEST),
        ("perftests/bench1/src/perftests/PythonParse.scala", Role.TEST),
        ("benchmarks/src/main/java/Bench.java", Role.TEST),
        # .NET test projects and suffixed test folders; example programs.
        ("src/AutoMapper.UnitTests/MapTests2.cs", Role.TEST),
        ("src/Polly.Specs/Retry/RetrySpecs2.cs", Role.TEST),
        ("src/Lib.Tests/Helpers.cs", Role.TEST),
        ("UnitTests/Bug.cs", Role.TEST),
        ("Duplicati/UnitTest/BackendToolTests.cs", Role.TEST),
        ("tests-net45/Runner.cs", Role.TEST),
        ("testsDOH/dnd/test_form.html", Role.TEST),  # a suite named after its harness
        ("samples/gtk/window.lua", Role.TEST),
        ("examples/basic/main.go", Role.TEST),
        ("documentation/manual/working/code/Forms.scala", Role.TEST),
        ("docs/snippets/app.kt", Role.TEST),
        ("doc/configure/base_directives.html", Role.TEST),  # a web page of the manual
        ("src/doc/render.go", Role.MAIN),  # a Go package named doc
        ("slick-testkit/src/main/scala/NestingTest.scala", Role.TEST),
        ("main/src/sbt-test/actions/compile/A.scala", Role.TEST_DATA),
        # Main code, including names that only look like tests.
        ("src/app.py", Role.MAIN),
        ("src/testing_utils.py", Role.MAIN),
        ("src/contest.py", Role.MAIN),
        ("src/main/java/com/x/Contest.java", Role.MAIN),
        ("src/main/scala/it/Italian.scala", Role.MAIN),
        ("pkg/latest.go", Role.MAIN),
        ("cmd/build/main.go", Role.MAIN),  # a Go build/ folder is source
        ("src/attest.ts", Role.MAIN),
        ("src/latest/kotlin/Contest.kt", Role.MAIN),
        ("app/src/main/kotlin/LoginTest/Screen.kt", Role.MAIN),  # not a source set name
        ("build-aux/missing.sh", Role.MAIN),
        ("src/Contests/Rank.cs", Role.MAIN),
        ("src/Lib.Testing.Core/Rank.cs", Role.MAIN),
        ("app/src/main/java/x/debug/DebugReceiver.kt", Role.MAIN),  # a package, not a source set
        ("src/testsuite/Rank.cs", Role.MAIN),
        ("latest-news/page.html", Role.MAIN),
        # Vendored, at any depth; wins over test.
        ("deps/lua/src/lapi.c", Role.VENDORED),
        ("tests/thirdparty/gtest.cc", Role.VENDORED),
        # A C/C++ test framework copied into the tests, with or without its version.
        ("tests/unity/src/unity.c", Role.VENDORED),
        ("test/gmock-1.11.0/gtest/gtest.h", Role.VENDORED),
        ("src/unity/build.c", Role.MAIN),
        ("tests/unity_test.c", Role.TEST),
        ("src/third-party/x.c", Role.VENDORED),
        ("3rdparty/zlib/inflate.c", Role.VENDORED),
        ("external/x.h", Role.VENDORED),
        ("extern/x.h", Role.VENDORED),
        ("vendor/github.com/pkg/errors/errors.go", Role.VENDORED),
        ("web/node_modules/lodash/index.js", Role.VENDORED),
        ("static/bower_components/jquery/jquery.js", Role.VENDORED),
        ("lib/vendored/six.py", Role.VENDORED),
        # A web front end's `vendors` folder; for other languages a package name like any other.
        ("src/main/webapp/assets/vendors/ace/mode-vue.js", Role.VENDORED),
        ("assets/vendors/AdminLTE-2.4.2/css/AdminLTE.css", Role.VENDORED),
        ("exposed-core/src/main/kotlin/org/x/vendors/H2Dialect.kt", Role.MAIN),
        ("src/_normalize.css", Role.VENDORED),  # normalize.css copied as a partial
        ("styles/normalizer.css", Role.MAIN),
        # Generated by name.
        ("api/service.pb.go", Role.GENERATED),
        ("api/service_pb2.py", Role.GENERATED),
        ("api/service_pb2_grpc.py", Role.GENERATED),
        ("src/msg.pb.cc", Role.GENERATED),
        ("src/msg.pb.h", Role.GENERATED),
        ("src/lex.yy.c", Role.GENERATED),
        ("Forms/Main.Designer.cs", Role.GENERATED),
        # Generated by folder.
        ("lib/jsdom/living/generated/Document.js", Role.GENERATED),
        ("src/__generated__/query.graphql.ts", Role.GENERATED),
        ("src/generator/emit.py", Role.MAIN),
        # Autotools helpers copied into the tree.
        ("build-aux/install-sh", Role.GENERATED),
        ("depcomp", Role.GENERATED),
        ("config.guess", Role.GENERATED),
        ("configure", Role.GENERATED),
        ("build-aux/ltmain.sh", Role.GENERATED),
        # Build-tool wrappers written by `gradle wrapper` and Maven's wrapper plugin.
        ("gradlew", Role.GENERATED),
        ("projects/mvnw", Role.GENERATED),
        # Bundled by name, and web build output (web languages only).
        ("static/jquery.min.js", Role.BUNDLED),
        ("static/site.min.css", Role.BUNDLED),
        ("static/app.bundle.js", Role.BUNDLED),
        ("web/dist/index.js", Role.BUNDLED),
        ("web/dist/style.css", Role.BUNDLED),
        ("web/build/index.html", Role.BUNDLED),
        ("tests/dist/app.js", Role.BUNDLED),
        ("dist/tool.py", Role.MAIN),
    ],
)
def test_role_by_path(path: str, role: Role) -> None:
    assert classify(facts(path)).role is role


@pytest.mark.parametrize(
    ("head", "reason"),
    [
        (b"// Code generated by protoc-gen-go. DO NOT EDIT.\npackage x\n", "on line 1"),
        (b"// Copyright\n\n// Code generated by stringer; DO NOT EDIT.\n", "on line 3"),
        (b"# Generated by the protocol buffer compiler.  DO NOT EDIT!\n", "'DO NOT EDIT'"),
        (b"# Code generated by schemagen. DO NOT EDIT.\n", "'Code generated ... DO NOT EDIT'"),
        (b"/**\n * @generated SignedSource<<abc>>\n */\n", "'@generated' on line 2"),
        (b"<!-- Generated by javadoc (17) on Mon -->\n<html>", "'Generated by' on line 1"),
        (b'"""\nThis file was generated by tools/gen.py from the schema.\n"""\n', "line 2"),
        (b"-- autogenerated from the ORM models\nSELECT 1;\n", "'autogenerated'"),
        (b"# auto-generated, edits are lost\n", "'auto-generated' on line 1"),
        (b"\n" * 20 + b"/* A Bison parser, made by GNU Bison 3.8.2.  */\n", "a Bison parser"),
        (
            b'<html><head>\n<meta name="generator" content="texi2html 1.76">\n',
            "a documentation generator's page",
        ),
        (
            b'#line 2 "scanner.c"\n#define YY_INT_ALIGNED short\nint yylex(void);\n'
            b"extern char *yytext;\n",
            "lex/yacc output",
        ),
    ],
)
def test_generated_by_head_marker(head: bytes, reason: str) -> None:
    verdict = classify(facts("src/parser.c", head))
    assert verdict.role is Role.GENERATED
    assert reason in verdict.reason


@pytest.mark.parametrize(
    "head",
    [
        b"x = 1  # the id generated by the server\n",
        b"def generated_by(x):\n    return x\n",
        b"# Tokens are generated by the login service.\n",
        b"\n" * 30 + b"// Code generated by hand. DO NOT EDIT.\n",  # beyond line 30
        b'#line 2 "x.c"\nint main(void) { return 0; }\n',  # #line without yy names
    ],
)
def test_not_generated(head: bytes) -> None:
    assert classify(facts("src/main.c", head)).role is Role.MAIN


def test_markers_make_test_files_generated_not_test() -> None:
    verdict = classify(facts("tests/test_api_pb.py", b"# @generated\n"))
    assert verdict == Verdict(Role.GENERATED, "'@generated' on line 1")
    assert verdict.unchecked_reason == "generated: '@generated' on line 1"


@pytest.mark.parametrize(
    ("head", "tail", "reason"),
    [
        (b"var a=1;" * 200 + b"\n", b"", "line 1 is 1,600 bytes long"),
        (b"/* header */\n" + b"x" * 1200 + b"\n", b"", "line 2 is 1,200 bytes long"),
        ((b"y" * 400 + b"\n") * 10, b"", "lines average 401 bytes"),
        (b"let a = 1;\n" * 800, b"b" * 3000, "a line near the end is 3,000 bytes long"),
        (b"let a = 1;\n", b"\n//# sourceMappingURL=app.js.map\n", "sourceMappingURL"),
        (b"a { color: red; }\n/*# sourceMappingURL=site.css.map */\n", b"", "sourceMappingURL"),
    ],
)
def test_bundled_by_content(head: bytes, tail: bytes, reason: str) -> None:
    verdict = classify(FileFacts("web/app.js", "JavaScript", head, tail))
    assert verdict.role is Role.BUNDLED
    assert reason in verdict.reason


_ROLLUP_UMD = (
    b"//! moment.js locale configuration\n\n"
    b";(function (global, factory) {\n"
    b"   typeof exports === 'object' && typeof module !== 'undefined'\n"
    b"       && typeof require === 'function' ? factory(require('../moment')) :\n"
)
_BABEL_UMD = (
    b"(function (global, factory) {\n"
    b'  if (typeof define === "function" && define.amd) {\n'
    b'    define(["exports"], factory);\n'
)
_HAND_UMD = (
    b"(function (root, factory) {\n"
    b"  if (typeof define === 'function' && define.amd) {\n"
    b"    define(['jquery'], factory);\n"
)


@pytest.mark.parametrize(
    ("head", "role"), [(_ROLLUP_UMD, Role.BUNDLED), (_BABEL_UMD, Role.BUNDLED)]
)
def test_umd_build_wrappers_are_bundled(head: bytes, role: Role) -> None:
    verdict = classify(FileFacts("locale/fr.js", "JavaScript", head + b"  var x = 1;\n"))
    assert verdict.role is role
    assert "UMD build wrapper" in verdict.reason


def test_a_hand_written_umd_wrapper_is_main() -> None:
    head = _HAND_UMD + b"  var x = 1;\n"
    assert classify(FileFacts("src/plugin.js", "JavaScript", head)).role is Role.MAIN


def test_ordinary_code_with_lines_under_the_limit_is_main() -> None:
    head = (b"const x = '" + b"z" * 900 + b"';\n") + b"let a = 1;\n" * 600
    assert classify(FileFacts("web/app.js", "JavaScript", head[:8192], b"")).role is Role.MAIN


@pytest.mark.parametrize(
    ("path", "language", "role"),
    [
        ("docs/api/index.html", "HTML", Role.GENERATED),
        ("docs/api/stylesheet.css", "CSS", Role.GENERATED),
        ("docs/api/script-dir/jquery.js", "JavaScript", Role.GENERATED),
        # Only the web files of the folder are generated; code under docs/ is documentation code.
        ("docs/api/Example.java", "Java", Role.TEST),
    ],
)
def test_javadoc_folders(path: str, language: str, role: Role) -> None:
    found = classify(FileFacts(path, language, b"x\n", javadoc_dir="docs/api"))
    assert found.role is role
    if role is Role.GENERATED:
        assert found.reason == "javadoc output under docs/api/"


@pytest.mark.parametrize(
    ("kwargs", "path", "role", "reason"),
    [
        ({"generated_attr": True}, "src/schema.py", Role.GENERATED, "linguist-generated"),
        ({"vendored_attr": True}, "src/six.py", Role.VENDORED, "linguist-vendored"),
        ({"vendored_attr": False}, "vendor/ours.go", Role.MAIN, ""),
        ({"generated_attr": False}, "api/service.pb.go", Role.MAIN, ""),
        ({"test_path": True}, "qa/check_login.py", Role.TEST, "a test path of the task"),
    ],
)
def test_settings_win_over_guesses(
    kwargs: dict[str, object], path: str, role: Role, reason: str
) -> None:
    verdict = classify(facts(path, **kwargs))
    assert verdict.role is role and reason in verdict.reason


def test_generated_false_also_ignores_head_markers() -> None:
    head = b"// Code generated by x. DO NOT EDIT.\n"
    assert classify(facts("a.go", head, generated_attr=False)).role is Role.MAIN


@pytest.mark.parametrize(
    ("head", "role"),
    [
        (b'package x\n\nimport (\n\t"fmt"\n\t"testing"\n)\n', Role.TEST),
        (b'package x\n\nimport "testing"\n', Role.TEST),
        # The word alone in a string list, or another package named like it, is no import.
        (b'package x\n\nvar modes = []string{\n\t"testing",\n}\n', Role.MAIN),
        (b'package x\n\nimport (\n\t"testing/fstest"\n)\n', Role.MAIN),
    ],
)
def test_go_test_helpers_import_testing(head: bytes, role: Role) -> None:
    """nghttp2's integration-tests/server_tester.go takes a *testing.T outside a _test.go file."""
    assert classify(facts("integration/server_tester.go", head)).role is role


def test_by_path_needs_no_bytes() -> None:
    assert classify_by_path(facts("vendor/x.go", b"")) == Verdict(Role.VENDORED, "under vendor/")
    assert classify_by_path(facts("a/deps/b/x.c", b"")) == Verdict(Role.VENDORED, "under a/deps/")
    assert classify_by_path(facts("tests/test_x.py", b"")) is None
    assert classify_by_path(facts("src/x.py", b"")) is None


def test_main_and_test_have_no_unchecked_reason() -> None:
    assert classify(facts("src/x.py")).unchecked_reason is None
    assert classify(facts("tests/x.py")).unchecked_reason is None
    assert classify(facts("vendor/x.go")).unchecked_reason == "vendored: under vendor/"


_PCLZIP_HEAD = (
    b"<?php\n// ----------------------------------------------------------------\n"
    b"// PhpConcept Library - Zip Module 2.8.2\n"
    b"// ----------------------------------------------------------------\n"
    b"define('PCLZIP_READ_BLOCK_SIZE', 2048);\n"
)


@pytest.mark.parametrize(
    ("path", "head", "role"),
    [
        # A well-known single-file library copied into an application: its name and its banner.
        ("admin/include/pclzip.lib.php", _PCLZIP_HEAD, Role.BUNDLED),
        ("wp-admin/includes/class-pclzip.php", _PCLZIP_HEAD, Role.BUNDLED),
        (
            "lib/class.phpmailer.php",
            b"<?php\n/**\n * PHPMailer - PHP email creation\n",
            Role.BUNDLED,
        ),
        # The library's own repository keeps it at the top; the name alone is not enough.
        ("pclzip.lib.php", _PCLZIP_HEAD, Role.MAIN),
        ("include/pclzip.lib.php", b"<?php\nclass PclZipWrapper {}\n", Role.MAIN),
        ("include/zip.lib.php", _PCLZIP_HEAD, Role.MAIN),
        # A Composer package copied whole, by its vendor/package folders.
        ("lib/phpmailer/phpmailer/src/PHPMailer.php", b"<?php\n", Role.BUNDLED),
        ("lib/SimplePie/SimplePie/src/Cache/MySQL.php", b"<?php\n", Role.BUNDLED),
        # A folder named after a library no application names its own code after.
        ("zp-extensions/elFinder/php/elFinder.class.php", b"<?php\n", Role.BUNDLED),
        ("lib/HTMLPurifier/HTMLPurifier.php", b"<?php\n", Role.BUNDLED),
        ("php/elFinder.class.php", b"<?php\n", Role.MAIN),
        # CakePHP 2's core beside an application, not in CakePHP's own repository.
        ("web/api/lib/Cake/Utility/Security.php", b"<?php\n", Role.BUNDLED),
        ("lib/Cake/Utility/Security.php", b"<?php\n", Role.MAIN),
        ("src/PHPMailer.php", b"<?php\n", Role.MAIN),
        ("app/Mail/phpmailer/Sender.php", b"<?php\n", Role.MAIN),
    ],
)
def test_bundled_php_libraries(path: str, head: bytes, role: Role) -> None:
    verdict = classify(FileFacts(path, "PHP", head))
    assert verdict.role is role
