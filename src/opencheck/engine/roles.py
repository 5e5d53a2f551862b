"""The role of a file (main, test, generated, vendored, bundled) from its path and first bytes
(those read by engine.role_content).

Pure: the inventory reads the files and passes what it found in `FileFacts`. Left-out roles
(generated, vendored, bundled) win over test, so a generated file under `tests/` is left out;
`.gitattributes` settings win over every guess, and their `-linguist-…` form cancels one.
"""

from __future__ import annotations

import itertools
import re

from opencheck.domain.roles import Role
from opencheck.engine.role_content import bundled_by_content, generated_by_content
from opencheck.engine.role_facts import MAIN, FileFacts, Verdict, file_name, folders_of

VENDORED_DIRS = frozenset(
    {
        "deps",
        "third_party",
        "thirdparty",
        "third-party",
        "3rdparty",
        "external",
        "extern",
        "vendor",
        "vendored",
        "node_modules",
        "bower_components",
    }
)
# Web front ends keep copied libraries in a `vendors` folder too (GitBucket's
# src/main/webapp/assets/vendors: Ace, Dropzone, AdminLTE); only for web files, since Exposed
# names its Kotlin database-dialect package `vendors`.
WEB_VENDORED_DIRS = frozenset({"vendors"})
# normalize.css is copied into style sheets by name, often as a Sass partial (tachyons'
# src/_normalize.css): its deliberate browser-quirk fixes are upstream's, not the project's.
_VENDORED_WEB_NAME = re.compile(r"^_?normalize(\.min)?\.(css|scss|sass|less)$")
# C and C++ test frameworks that projects copy into their test folder (cJSON's tests/unity,
# c-ares's test/gmock-1.11.0), by name with or without the release's version.
TEST_FRAMEWORK_COPIES = frozenset(
    {"unity", "gtest", "googletest", "gmock", "googlemock", "catch", "catch2", "doctest"}
    | {"cmocka", "cutest", "munit", "acutest", "greatest", "cppunit"}
)
_RELEASE_SUFFIX = re.compile(r"[-_]v?\d+(?:\.\d+)+$")
TEST_DIRS = frozenset(
    {
        "tests",
        "test",
        "testing",
        "__tests__",
        "__mocks__",
        "spec",
        "fixtures",
        "__fixtures__",
        "benches",  # Rust (and others') benchmarks
        # Benchmark and performance code: bug rules apply, production hardening does not.
        "benchmarks",
        "benchmark",
        "perftests",
        "perftest",
        # Example and demo programs: not production code, as test code is not.
        "examples",
        "example",
        "samples",
        "demo",
        "demos",
        # Code in documentation: snippets compiled for the docs, not shipped.
        "docs",
        "documentation",
        # .NET test projects without a dotted name.
        "UnitTests",
        "UnitTest",
        "IntegrationTests",
        "IntegrationTest",
        "androidTest",  # Gradle source sets next to src/test
        "testFixtures",
        "integrationTest",
    }
)
# A web page or style sheet under `doc/` is documentation, as under `docs/` (h2o's doc/*.html:
# 5 of 5 accessibility findings were on its published manual). Only for web files: C and Go
# trees keep sources in folders named doc.
WEB_DOC_DIRS = frozenset({"doc"})
# Inputs and expected outputs of tests: Go's tool ignores testdata/ by convention, and snapshot
# folders hold recorded output. Findings there were noise on the precision corpus.
TEST_DATA_DIRS = frozenset(
    {"testdata", "test_data", "test-data", "__snapshots__", "sbt-test"}  # sbt scripted-test builds
)
# Below a test folder, these hold expected outputs (generator golden files, baselines) and the
# inputs tests read (src/test/resources; fastparse's perftests/resources holds the Python and
# Scala sources its parser benchmarks read, never run). All 4 corpus findings there were noise.
_EXPECTED_DIRS = frozenset({"expected", "golden", "snapshots", "baselines", "resources"})
# Gradle and Kotlin Multiplatform test source sets: src/jvmTest, src/commonTest, src/iosTest...
_TEST_SOURCE_SET = re.compile(r"^[a-z][A-Za-z0-9]*Test$")
# Android's debug build type (src/debug, or a flavour's src/fdroidDebug) is compiled into debug
# builds only, never shipped: debug menus, fake repositories, leak and network inspectors. Like
# test code, bug rules apply and production hardening does not (Kotatsu's src/debug template
# repository was all noise).
_DEBUG_SOURCE_SET = re.compile(r"^([a-z][A-Za-z0-9]*Debug|debug)$")
# .NET test projects (`Polly.Specs`, `AutoMapper.UnitTests`, `Lib.Tests`) and suffixed test
# folders (`tests-net45`, `test_utils`).
_TEST_FOLDER = re.compile(
    r"^[\w.-]+\.(Unit|Integration|Functional)?(Tests?|Specs)$|^tests?[-_]\w+$"
    r"|^([\w.]+-)?testkit$"  # a test suite shipped as a library (slick-testkit)
    r"|^tests[A-Z]\w*$"  # a suite named after its harness (dojo's testsDOH)
)
_TEST_NAME = re.compile(
    r"""(
      ^test_.*\.(py|lua)$ | _test\.(py|go|lua|cj|sh|c|cc|cpp|cxx)$ | ^conftest\.py$
    | \.(spec|test)\.(js|jsx|mjs|cjs|ts|tsx|mts|cts|ets)$
    | (Test|Tests|IT)\.(java|kt|scala)$ | (Test|Tests)\.(cs|php)$ | (Spec|Suite)\.(scala|kt)$
    | _spec\.(rb|lua)$ | _unittest\.(cc|cpp)$ | \.bats$
    )""",
    re.VERBOSE,
)
# A Go file outside `_test.go` that imports `testing` is a test helper (nghttp2's
# integration-tests/server_tester.go, a driver's shared test suite): production code never
# takes a *testing.T. Matched in the import clause: alone, or as a line of an import block.
_GO_IMPORTS_TESTING = re.compile(rb'(?m)^import\s+"testing"\s*$|^\s+"testing"\s*$')
# Known generator output by name: protocol buffers, flex, Windows Forms designers, the helper
# scripts autotools copies into a source tree (configure, install-sh, depcomp...), and the
# wrapper scripts `gradle wrapper` and Maven's wrapper write into a project (gradlew, mvnw).
_GENERATED_NAME = re.compile(
    r"(\.pb\.(go|cc|h)|\.pb\.gw\.go|_pb2(_grpc)?\.pyi?|_pb\.(js|d\.ts)|\.[Dd]esigner\.cs)$"
    r"|^lex\.yy\.(c|cc|cpp)$"
    r"|^(configure|install-sh|depcomp|missing|config\.guess|config\.sub|ltmain\.sh|compile"
    r"|ar-lib|test-driver|mkinstalldirs|ylwrap|libtool|gradlew|mvnw)$"
)
# Folders only a generator writes into (jsdom's webidl2js output, Relay's `__generated__`).
GENERATED_DIRS = frozenset({"generated", "__generated__"})
_BUNDLED_NAME = re.compile(r"(\.min\.(js|mjs|css)|-min\.js|\.bundle\.js)$")
# A Composer package copied whole by its vendor/package folders (FreshRSS's lib/phpmailer/
# phpmailer, lib/simplepie/simplepie): upstream's code (role_content has the single files).
_BUNDLED_PHP_PACKAGES = frozenset(
    {
        ("phpmailer", "phpmailer"),
        ("simplepie", "simplepie"),
        ("smarty", "smarty"),
        ("tecnickcom", "tcpdf"),
        ("setasign", "fpdf"),
        ("ezyang", "htmlpurifier"),
        ("phpseclib", "phpseclib"),
        ("james-heinrich", "getid3"),
        ("erusev", "parsedown"),
        ("michelf", "php-markdown"),
        ("pclzip", "pclzip"),
    }
)
# Folders named after a well-known library, a name no application gives its own code (Zenphoto's
# zp-extensions/elFinder/php: 10 of 10 findings noise). The library's own repository has no such
# folder above its files.
_BUNDLED_PHP_DIRS = frozenset(
    {"elfinder", "kcfinder", "pclzip", "htmlpurifier", "tcpdf", "getid3", "phpseclib"}
)
# CakePHP 2's core as its application skeleton ships it, lib/Cake beside app/ (ZoneMinder's
# web/api/lib/Cake: 10 of 10 findings noise); only below the top, where CakePHP's own
# repository keeps it.
_BUNDLED_PHP_NESTED = frozenset({("lib", "cake")})
WEB_LANGUAGES = frozenset({"JavaScript", "TypeScript", "CSS", "HTML"})
WEB_OUTPUT_DIRS = frozenset({"dist", "build"})
JAVADOC_LANGUAGES = frozenset({"HTML", "CSS", "JavaScript"})


def classify(facts: FileFacts) -> Verdict:
    """The role of one file; `head` and `tail` may be empty when the path decides."""
    return (
        classify_by_path(facts)
        or (generated_by_content(facts) if facts.generated_attr is not False else None)
        or bundled_by_content(facts)
        or _test(facts)
        or MAIN
    )


def classify_by_path(facts: FileFacts) -> Verdict | None:
    """A left-out role decided without reading the file, else None."""
    return (
        _vendored(facts)
        or _test_data(facts)
        or _generated_by_path(facts)
        or _bundled_by_path(facts)
    )


def _vendored(facts: FileFacts) -> Verdict | None:
    if facts.vendored_attr:
        return Verdict(Role.VENDORED, "linguist-vendored in .gitattributes")
    if facts.vendored_attr is False:
        return None
    folder = (
        _folder_named(facts.path, VENDORED_DIRS)
        or (
            _folder_named(facts.path, WEB_VENDORED_DIRS)
            if facts.language in WEB_LANGUAGES
            else None
        )
        or _test_framework_copy(facts.path)
    )
    name = file_name(facts.path)
    if not folder and facts.language in WEB_LANGUAGES and _VENDORED_WEB_NAME.match(name):
        return Verdict(Role.VENDORED, f"a copy of normalize.css by its name ({name})")
    return Verdict(Role.VENDORED, f"under {folder}/") if folder else None


def _test_framework_copy(path: str) -> str | None:
    """The folder of a test framework copied below a test folder, as a path; None if none."""
    parts = folders_of(path)
    for depth, part in enumerate(parts[1:], start=1):
        name = _RELEASE_SUFFIX.sub("", part).lower()
        if name in TEST_FRAMEWORK_COPIES and parts[depth - 1] in TEST_DIRS:
            return "/".join(parts[: depth + 1])
    return None


def _test_data(facts: FileFacts) -> Verdict | None:
    folder = _folder_named(facts.path, TEST_DATA_DIRS) or _expected_under_tests(facts.path)
    return Verdict(Role.TEST_DATA, f"under {folder}/, inputs of tests") if folder else None


def _expected_under_tests(path: str) -> str | None:
    parts = folders_of(path)
    in_tests = False
    for depth, part in enumerate(parts):
        if in_tests and part in _EXPECTED_DIRS:
            return "/".join(parts[: depth + 1])
        in_tests = in_tests or part in TEST_DIRS
    return None


def _folder_named(path: str, names: frozenset[str]) -> str | None:
    """The shallowest folder above `path` with one of `names`, as a path; None if none."""
    parts = folders_of(path)
    for depth, part in enumerate(parts):
        if part in names:
            return "/".join(parts[: depth + 1])
    return None


def _folder_matching(path: str, pattern: re.Pattern[str]) -> str | None:
    """The shallowest folder above `path` whose name matches `pattern`, as a path; else None."""
    parts = folders_of(path)
    for depth, part in enumerate(parts):
        if pattern.match(part):
            return "/".join(parts[: depth + 1])
    return None


def _test_source_set(path: str) -> str | None:
    """A Gradle source set folder whose name ends in Test, Android's debug build type, or the
    integration tests of sbt and Maven Failsafe (`src/it`), directly under a `src/` folder."""
    parts = folders_of(path)
    for depth in range(1, len(parts)):
        name = parts[depth]
        if parts[depth - 1] == "src" and (
            name == "it" or _TEST_SOURCE_SET.match(name) or _DEBUG_SOURCE_SET.match(name)
        ):
            return "/".join(parts[: depth + 1])
    return None


def _generated_by_path(facts: FileFacts) -> Verdict | None:
    if facts.generated_attr:
        return Verdict(Role.GENERATED, "linguist-generated in .gitattributes")
    if facts.generated_attr is False:
        return None
    name = file_name(facts.path)
    if _GENERATED_NAME.search(name):
        return Verdict(Role.GENERATED, f"generator output by its name ({name})")
    folder = _folder_named(facts.path, GENERATED_DIRS)
    if folder:
        return Verdict(Role.GENERATED, f"generator output under {folder}/")
    if facts.javadoc_dir is not None and facts.language in JAVADOC_LANGUAGES:
        return Verdict(Role.GENERATED, f"javadoc output under {facts.javadoc_dir}/")
    return None


def _bundled_by_path(facts: FileFacts) -> Verdict | None:
    name = file_name(facts.path)
    if _BUNDLED_NAME.search(name):
        return Verdict(Role.BUNDLED, f"minified or bundled by its name ({name})")
    if facts.language == "PHP":
        parts = [part.lower() for part in folders_of(facts.path)]
        for depth, pair in enumerate(itertools.pairwise(parts)):
            if pair in _BUNDLED_PHP_PACKAGES or (depth and pair in _BUNDLED_PHP_NESTED):
                folder = "/".join(folders_of(facts.path)[: depth + 2])
                return Verdict(Role.BUNDLED, f"a copy of the {'/'.join(pair)} library ({folder}/)")
        for depth, part in enumerate(parts):
            if part in _BUNDLED_PHP_DIRS:
                folder = "/".join(folders_of(facts.path)[: depth + 1])
                return Verdict(Role.BUNDLED, f"a copy of the {part} library ({folder}/)")
    folder = _folder_named(facts.path, WEB_OUTPUT_DIRS) if facts.language in WEB_LANGUAGES else None
    return Verdict(Role.BUNDLED, f"web build output under {folder}/") if folder else None


def _test(facts: FileFacts) -> Verdict | None:
    if facts.test_path:
        return Verdict(Role.TEST, "a test path of the task")
    folder = (
        _folder_named(facts.path, TEST_DIRS)
        or (_folder_named(facts.path, WEB_DOC_DIRS) if facts.language in WEB_LANGUAGES else None)
        or _test_source_set(facts.path)
        or _folder_matching(facts.path, _TEST_FOLDER)
    )
    if folder:
        return Verdict(Role.TEST, f"under {folder}/")
    if _TEST_NAME.search(file_name(facts.path)):
        return Verdict(Role.TEST, "a test file by its name")
    if facts.language == "Go" and _GO_IMPORTS_TESTING.search(facts.head):
        return Verdict(Role.TEST, "imports Go's testing package (a test helper)")
    return None
