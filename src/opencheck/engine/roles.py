"""The role of a file (main, test, generated, vendored, bundled) from its path and first bytes.

Pure: the inventory reads the files and passes what it found in `FileFacts`. Left-out roles
(generated, vendored, bundled) win over test, so a generated file under `tests/` is left out;
`.gitattributes` settings win over every guess, and their `-linguist-…` form cancels one.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache

from opencheck.domain.roles import Role

GENERATED_HEAD_LINES = 30
# A line this long is not written by hand: minified code, a bundle or an embedded blob.
LONG_LINE_BYTES = 1000
# Lines averaging this much over the head (of at least MIN_AVERAGED_HEAD bytes): minified.
AVERAGE_LINE_BYTES = 300
MIN_AVERAGED_HEAD = 2048

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
# Well-known PHP libraries that applications copy into their own folders: upstream's code, not
# the project's (Piwigo's admin/include/pclzip.lib.php: 13 of 13 findings noise). A single-file
# library is known by its file name and the banner of its header, below the tree's top folder
# (the library's own repository keeps it there); a Composer package copied whole by its
# vendor/package folders (FreshRSS's lib/phpmailer/phpmailer, lib/simplepie/simplepie).
_BUNDLED_PHP_FILES: dict[str, tuple[str, re.Pattern[bytes]]] = {
    "pclzip.lib.php": ("PclZip", re.compile(rb"PhpConcept Library - Zip Module")),
    "class-pclzip.php": ("PclZip", re.compile(rb"PhpConcept Library - Zip Module")),
    "class.phpmailer.php": ("PHPMailer", re.compile(rb"PHPMailer - PHP email")),
    "class.smtp.php": ("PHPMailer", re.compile(rb"PHPMailer RFC821 SMTP")),
    "class.pop3.php": ("PHPMailer", re.compile(rb"PHPMailer POP-Before-SMTP")),
    "getid3.php": ("getID3", re.compile(rb"getID3\(\) by James Heinrich")),
    "tcpdf.php": ("TCPDF", re.compile(rb"com\.tecnick\.tcpdf")),
    "fpdf.php": ("FPDF", re.compile(rb"Software: FPDF")),
    "htmlawed.php": ("htmLawed", re.compile(rb"htmLawed \d")),
    "snoopy.class.php": ("Snoopy", re.compile(rb"Snoopy - the PHP net client")),
}
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

_MARKER = re.compile(rb"(?i)@generated|\bdo not edit\b|\bauto-?generated\b")
# Go's convention, also used by generators for other languages with their own comment syntax.
_CODE_GENERATED = re.compile(rb"^Code generated .* DO NOT EDIT\.?$")
# "Generated by X" must open the comment (or docstring) text: a mid-sentence "generated by" in
# code ("the id generated by the server") is no marker.
_GENERATED_BY = re.compile(
    rb"(?i)^(this (file|code|source)( file)? (is|was|has been) )?"
    rb"(automatically )?generated (by|from|with|using)\b"
)
_COMMENT_OPENERS = b" \t#/*-!;%<>\"'{}"
_GENERATOR_HEADS = (
    (re.compile(rb"A Bison parser, made by"), "a Bison parser"),
    (re.compile(rb"(?i)A lexical scanner generated by flex"), "a flex scanner"),
    # A page whose generator meta names a documentation tool is that tool's output
    # (SharpZipLib's docs/specification: texi2html and DocBook XSL manuals, 172 findings).
    (
        re.compile(
            rb"(?i)<meta\s+name=[\"']?generator[\"']?\s+content=[\"']?(?:texi2html|makeinfo"
            rb"|DocBook XSL|Asciidoctor|Doxygen|Docutils|pandoc|Sphinx|MkDocs|Hugo|Jekyll|javadoc)"
        ),
        "a documentation generator's page (generator meta)",
    ),
)
_LINE_DIRECTIVE = re.compile(rb"(?m)^#line \d+")
_YY_NAMES = re.compile(rb"\b(yy[a-z_]+|YY_[A-Z_]+)\b")
_SOURCE_MAP = re.compile(rb"(//|/\*)[#@] sourceMappingURL=")
# The UMD wrapper that rollup and Babel write around a build (`(function (global, factory) {`
# then their fixed module test): a built file, whose hand-written sources sit elsewhere.
_UMD_BUILD = re.compile(
    rb"(?m)^\s*[;!]?\(function \(global, factory\) \{\s*\n\s*(?:"
    rb"typeof exports === 'object' && typeof module !== 'undefined'"
    rb'|if \(typeof define === "function" && define\.amd\))'
)


@dataclass(frozen=True)
class Verdict:
    """A role and why (empty for main code)."""

    role: Role
    reason: str = ""

    @property
    def unchecked_reason(self) -> str | None:
        """What a user reads about a file no analyser was given; None for main and test code."""
        return None if self.role.analysed else f"{self.role.value}: {self.reason}"


MAIN = Verdict(Role.MAIN)


@lru_cache(maxsize=8192)
def folders_of(path: str) -> tuple[str, ...]:
    """The folder names above a clean relative POSIX path (no pathlib: called per file often)."""
    return tuple(path.split("/")[:-1])


def file_name(path: str) -> str:
    return path.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class FileFacts:
    """What the inventory knows about one file: its place, settings and (when read) bytes."""

    path: str
    language: str
    head: bytes = b""  # the first bytes; the whole file when it is small
    tail: bytes = b""  # the last bytes of a file longer than its head
    test_path: bool = False  # under a test path set on the task
    javadoc_dir: str | None = None  # the nearest folder above holding javadoc output
    generated_attr: bool | None = None  # linguist-generated (None when not specified)
    vendored_attr: bool | None = None  # linguist-vendored


def classify(facts: FileFacts) -> Verdict:
    """The role of one file; `head` and `tail` may be empty when the path decides."""
    return (
        classify_by_path(facts)
        or (_generated_by_content(facts) if facts.generated_attr is not False else None)
        or _bundled_by_content(facts)
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


def _generated_by_content(facts: FileFacts) -> Verdict | None:
    lines = facts.head.split(b"\n", GENERATED_HEAD_LINES)[:GENERATED_HEAD_LINES]
    # Every line marker holds one of these words: most files need no per-line regex at all.
    block = b"\n".join(lines).lower()
    if b"generat" not in block and b"do not edit" not in block:
        lines = []
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        text = line.lstrip(_COMMENT_OPENERS)
        if _CODE_GENERATED.match(text):
            return Verdict(Role.GENERATED, f"'Code generated ... DO NOT EDIT' on line {number}")
        found = _MARKER.search(line) or _GENERATED_BY.match(text)
        if found:
            marker = found.group(0).decode("utf-8", "replace")
            return Verdict(Role.GENERATED, f"'{marker}' on line {number}")
    for pattern, what in _GENERATOR_HEADS:
        if pattern.search(facts.head):
            return Verdict(Role.GENERATED, f"{what} (generator output)")
    if _LINE_DIRECTIVE.search(facts.head) and len(set(_YY_NAMES.findall(facts.head))) >= 3:
        return Verdict(Role.GENERATED, "#line directives and yy names (lex/yacc output)")
    return None


def _bundled_by_content(facts: FileFacts) -> Verdict | None:
    head, tail = facts.head, facts.tail
    lines = head.split(b"\n")
    for number, line in enumerate(lines, start=1):
        if len(line) > LONG_LINE_BYTES:
            return Verdict(Role.BUNDLED, f"line {number} is {len(line):,} bytes long")
    count = head.count(b"\n") + (not head.endswith(b"\n"))
    if len(head) >= MIN_AVERAGED_HEAD and len(head) > AVERAGE_LINE_BYTES * count:
        return Verdict(Role.BUNDLED, f"lines average {len(head) // count:,} bytes")
    longest = max((len(line) for line in tail.split(b"\n")), default=0)
    if longest > LONG_LINE_BYTES:
        return Verdict(Role.BUNDLED, f"a line near the end is {longest:,} bytes long")
    if _SOURCE_MAP.search(tail or head):
        return Verdict(Role.BUNDLED, "a sourceMappingURL comment")
    if facts.language == "JavaScript" and _UMD_BUILD.search(head):
        return Verdict(Role.BUNDLED, "a UMD build wrapper (rollup or Babel output)")
    if facts.language == "PHP" and "/" in facts.path:
        known = _BUNDLED_PHP_FILES.get(file_name(facts.path).lower())
        if known and known[1].search(head, 0, 2048):
            return Verdict(Role.BUNDLED, f"a copy of the {known[0]} library (its header)")
    return None


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
