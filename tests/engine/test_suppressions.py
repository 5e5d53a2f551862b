"""Suppression markers per language: which findings each covers, the reason, unused markers."""

from __future__ import annotations

import pytest

from opencheck.engine.suppressions import RuleRef, Unused, suppressions

RULES = {
    "ruff:F401": RuleRef("unused-import"),
    "ruff:S307": RuleRef("suspicious-eval-usage", security=True, scope="main"),
    "ruff:F821": RuleRef("undefined-name"),
    "oxlint:eqeqeq": RuleRef("eqeqeq"),
    "oxlint:no-explicit-any": RuleRef("no-explicit-any"),
    "oxlint:no-debugger": RuleRef("no-debugger"),
    "shellcheck:SC2086": RuleRef("unquoted-expansion"),
    "shellcheck:SC2034": RuleRef("unused-variable"),
    "cppcheck:nullPointer": RuleRef("null-pointer"),
    "flawfinder:strcpy": RuleRef("strcpy", security=True),
    "oc-go:discarded-error": RuleRef("discarded-error"),
    "oc-java:string-identity": RuleRef("string-identity-comparison"),
    "oc-kotlin:todo-call": RuleRef("todo-call"),
    "oc-rust:unwrap-used": RuleRef("unwrap-used"),
    "oc-lua:global-assignment": RuleRef("global-assignment"),
    "sqlfluff:AM04": RuleRef("ambiguous-column-count"),
    "oc-php:eval": RuleRef("eval"),
    "oc-css:important": RuleRef("important"),
    "oc-csharp:empty-catch": RuleRef("empty-catch"),
    # Kotlin's compiler and detekt call this check UNUSED_VARIABLE and UnusedVariable.
    "oc-kotlin:unused-local-variable": RuleRef(
        "unused-local-variable", suppressed_by=("UNUSED_VARIABLE", "UnusedVariable")
    ),
}

CSHARP = """\
#pragma warning disable
try { Run(); } catch (Exception) { }
#pragma warning restore
try { Run(); } catch (Exception) { }
#pragma warning disable CS0168, empty-catch // legacy retries
try { Run(); } catch (Exception) { }
#pragma warning restore empty-catch
[SuppressMessage("Design", "empty-catch: swallowing is the contract", Justification = "probe")]
public void Probe()
{
    try { Run(); } catch (Exception) { }
}
try { Run(); } catch (Exception) { }
"""

PYTHON = """\
import os  # noqa: F401
import sys  # noqa
import json  # noqa: E501
x = eval(s)  # nosec B307
y = eval(s)  # nosec
z = undefined  # nosec
import re  # opencheck-ignore[ruff:F401]: re-exported for callers
import io  # opencheck-ignore[unused-import]
import ast  # NOSONAR
"""
FILE_NOQA = "# ruff: noqa: F401\nimport os\nprint(undefined)\n"
JAVASCRIPT = """\
if (a == b) {} // eslint-disable-line eqeqeq
// oxlint-disable-next-line eqeqeq -- null or undefined on purpose
if (a == null) {}
if (a == c) {} // eslint-disable-line no-console
/* eslint-disable no-debugger */
debugger;
/* eslint-enable no-debugger */
debugger;
let v: any = 1; // eslint-disable-line @typescript-eslint/no-explicit-any
"""
FILE_DISABLE_JS = "/* eslint-disable */\nif (a == b) {}\ndebugger;\n"
SHELL = """\
#!/bin/sh
set -e
# shellcheck disable=SC2086
echo $1
echo $2
# shellcheck disable=SC2086,SC2034
if true; then
  echo $3
fi
echo $4
"""
SHELL_FILE = "#!/bin/sh\n# shellcheck disable=SC2086\necho $1\nx=1\necho $2\n"
CPP = """\
int f(int *p) {
  return *p; // NOLINT
  return *p; // NOLINT(clang-analyzer-core.NullDereference)
  // NOLINTNEXTLINE(nullPointer)
  return *p;
  // cppcheck-suppress nullPointer
  return *p;
  return *p; // cppcheck-suppress[nullPointer]
  strcpy(a, b); // flawfinder: ignore
  /* Flawfinder: ignore */
  strcpy(a, b);
  strcpy(a, b);
}
"""
GO = """\
package main

//nolint:errcheck // the file is closed on exit
func close(f *os.File) {
\tf.Close()
\tif true {
\t\tf.Close()
\t}
}

func other(f *os.File) {
\tf.Close() //nolint
\tf.Close()
\tf.Close() //nolint:discarded-error
}
"""
JAVA = """\
class A {
    @SuppressWarnings("string-identity-comparison")
    boolean same(String a,
                 String b) {
        String brace = "}";
        return a == b;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    boolean other(String a, String b) { return a == b; }

    @SuppressWarnings("all")
    boolean third(String a, String b) {
        return a == b;
    }
    boolean fourth(String a, String b) { return a == b; }
}
"""
SCALA = """\
object A {
  @nowarn("cat=deprecation")
  def f(o: Option[Int]) = {
    o.get
  }
  def g(o: Option[Int]) = o.get
}
"""
TERRAFORM = """\
resource "aws_iam_policy" "admin" {
  #checkov:skip=CKV_AWS_62: the break-glass role is reviewed
  policy = jsonencode({
    Action = "*"
  })
}

#tfsec:ignore:aws-s3-enable-versioning
resource "aws_s3_bucket" "logs" {
  acl = "public-read"
}

resource "aws_s3_bucket" "open" {
  acl = "public-read"
}
"""
KOTLIN = """\
@Suppress("todo-call")
fun later(): Int = TODO()

fun now(): Int = TODO()

@Suppress("UNUSED")
@JvmStatic
fun stacked() {
    TODO()
}
"""
KOTLIN_UNUSED = """\
fun probe() {
    @Suppress("UNUSED_VARIABLE")
    val started = start()
    val other = start()
}

@Suppress("UnusedVariable")
fun warm() {
    val cache = load()
}
"""
KOTLIN_FILE = '@file:Suppress("todo-call")\npackage a\n\nfun now(): Int = TODO()\n'
RUST = """\
#[allow(clippy::unwrap_used)]
fn load() -> u32 {
    let s = "{";
    parse(s).unwrap()
}

fn other() -> u32 {
    parse("1").unwrap()
}
"""
LUA = "x = 1 -- luacheck: ignore\ny = 2\n"
LUA_FILE = "-- luacheck: ignore\nx = 1\ny = 2\n"
SQL = "SELECT * FROM t; -- noqa: AM04\nSELECT * FROM u;\nSELECT * FROM v; -- noqa\n"
PHP = "<?php\neval($code); // NOSONAR\neval($code); # opencheck-ignore[oc-php:eval]: templates\n"
CSS = "a { color: red !important; } /* opencheck-ignore[important]: theme override */\n"

CASES = [
    # language, source, rule, line, suppressed
    ("Python", PYTHON, "ruff:F401", 1, True),
    ("Python", PYTHON, "ruff:F401", 2, True),
    ("Python", PYTHON, "ruff:F401", 3, False),  # the noqa names another code
    ("Python", PYTHON, "ruff:S307", 4, True),  # bandit B307 is ruff S307
    ("Python", PYTHON, "ruff:S307", 5, True),
    ("Python", PYTHON, "ruff:F821", 6, False),  # nosec covers security rules only
    ("Python", PYTHON, "ruff:F401", 7, True),
    ("Python", PYTHON, "ruff:F401", 8, True),  # by the rule's name
    ("Python", PYTHON, "ruff:F401", 9, True),
    ("Python", FILE_NOQA, "ruff:F401", 2, True),
    ("Python", FILE_NOQA, "ruff:F821", 3, False),
    ("JavaScript", JAVASCRIPT, "oxlint:eqeqeq", 1, True),
    ("JavaScript", JAVASCRIPT, "oxlint:eqeqeq", 3, True),
    ("JavaScript", JAVASCRIPT, "oxlint:eqeqeq", 4, False),
    ("JavaScript", JAVASCRIPT, "oxlint:no-debugger", 6, True),
    ("JavaScript", JAVASCRIPT, "oxlint:no-debugger", 8, False),  # after the enable
    ("TypeScript", JAVASCRIPT, "oxlint:no-explicit-any", 9, True),
    ("JavaScript", FILE_DISABLE_JS, "oxlint:eqeqeq", 2, True),
    ("JavaScript", FILE_DISABLE_JS, "oxlint:no-debugger", 3, True),
    ("Shell", SHELL, "shellcheck:SC2086", 4, True),
    ("Shell", SHELL, "shellcheck:SC2086", 5, False),  # the directive covers one command
    ("Shell", SHELL, "shellcheck:SC2086", 8, True),  # the whole if
    ("Shell", SHELL, "shellcheck:SC2086", 10, False),
    ("Shell", SHELL_FILE, "shellcheck:SC2086", 5, True),  # before the first command: the file
    ("Shell", SHELL_FILE, "shellcheck:SC2034", 4, False),
    ("C++", CPP, "cppcheck:nullPointer", 2, True),
    ("C++", CPP, "cppcheck:nullPointer", 3, False),  # a clang-tidy check, not ours
    ("C++", CPP, "cppcheck:nullPointer", 5, True),
    ("C++", CPP, "cppcheck:nullPointer", 7, True),
    ("C++", CPP, "cppcheck:nullPointer", 8, True),
    ("C++", CPP, "flawfinder:strcpy", 9, True),
    ("C++", CPP, "flawfinder:strcpy", 11, True),  # the line after
    ("C++", CPP, "flawfinder:strcpy", 12, False),
    ("Go", GO, "oc-go:discarded-error", 5, False),  # errcheck is not our rule
    ("Go", GO, "oc-go:discarded-error", 12, True),
    ("Go", GO, "oc-go:discarded-error", 13, False),
    ("Go", GO, "oc-go:discarded-error", 14, True),
    ("Go", GO.replace("nolint:errcheck", "nolint"), "oc-go:discarded-error", 7, True),
    ("Go", GO.replace("nolint:errcheck", "nolint"), "oc-go:discarded-error", 13, False),
    ("Java", JAVA, "oc-java:string-identity", 6, True),
    ("Java", JAVA, "oc-java:string-identity", 10, False),
    ("Java", JAVA, "oc-java:string-identity", 14, True),  # "all"
    ("Java", JAVA, "oc-java:string-identity", 16, False),
    ("Scala", SCALA, "oc-scala:option-get", 4, True),  # @nowarn silences the declaration
    ("Scala", SCALA, "oc-scala:option-get", 6, False),
    ("Kotlin", KOTLIN, "oc-kotlin:todo-call", 2, True),
    ("Kotlin", KOTLIN, "oc-kotlin:todo-call", 4, False),
    # By a name the rule declares other tools use for it, in the compiler's or detekt's spelling.
    ("Kotlin", KOTLIN_UNUSED, "oc-kotlin:unused-local-variable", 3, True),
    ("Kotlin", KOTLIN_UNUSED, "oc-kotlin:unused-local-variable", 4, False),
    ("Kotlin", KOTLIN_UNUSED, "oc-kotlin:unused-local-variable", 9, True),
    ("Kotlin", KOTLIN_UNUSED, "oc-kotlin:todo-call", 3, False),  # another rule's name
    ("Kotlin", KOTLIN.replace("UNUSED", "todo-call"), "oc-kotlin:todo-call", 9, True),
    ("Kotlin", KOTLIN_FILE, "oc-kotlin:todo-call", 4, True),
    ("Rust", RUST, "oc-rust:unwrap-used", 4, True),  # clippy::unwrap_used by its name
    ("Rust", RUST, "oc-rust:unwrap-used", 8, False),
    ("Rust", "#![allow(clippy::unwrap_used)]\n" + RUST, "oc-rust:unwrap-used", 9, True),
    ("Lua", LUA, "oc-lua:global-assignment", 1, True),
    ("Lua", LUA, "oc-lua:global-assignment", 2, False),
    ("Lua", LUA_FILE, "oc-lua:global-assignment", 3, True),
    ("SQL", SQL, "sqlfluff:AM04", 1, True),
    ("SQL", SQL, "sqlfluff:AM04", 2, False),
    ("SQL", SQL, "sqlfluff:AM04", 3, True),
    ("Terraform", TERRAFORM, "oc-hcl:iam-all-actions", 4, True),  # checkov: its block
    ("Terraform", TERRAFORM, "oc-hcl:s3-public-acl", 10, True),  # tfsec: the block after it
    ("Terraform", TERRAFORM, "oc-hcl:s3-public-acl", 14, False),
    ("PHP", PHP, "oc-php:eval", 2, True),
    ("PHP", PHP, "oc-php:eval", 3, True),
    ("CSS", CSS, "oc-css:important", 1, True),
    ("C#", CSHARP, "oc-csharp:empty-catch", 2, True),  # a bare disable: every rule
    ("C#", CSHARP, "oc-csharp:empty-catch", 4, False),  # after the restore
    ("C#", CSHARP, "oc-csharp:empty-catch", 6, True),  # by the rule's name
    ("C#", CSHARP, "oc-csharp:empty-catch", 11, True),  # the attributed method
    ("C#", CSHARP, "oc-csharp:empty-catch", 13, False),
]


@pytest.mark.parametrize(("language", "source", "rule", "line", "suppressed"), CASES)
def test_marker_covers_finding(
    language: str, source: str, rule: str, line: int, suppressed: bool
) -> None:
    verdict = suppressions([(rule, line)], source.splitlines(), language, RULES)
    assert (verdict.reasons[0] is not None) == suppressed, verdict.reasons


@pytest.mark.parametrize(
    ("language", "source", "line", "reason"),
    [
        ("Python", PYTHON, 7, "opencheck-ignore[ruff:F401] on line 7: re-exported for callers"),
        ("Python", PYTHON, 1, "# noqa: F401 on line 1"),
        ("JavaScript", JAVASCRIPT, 3, "oxlint-disable-next-line eqeqeq on line 2: null or"),
        ("Go", GO, 14, "nolint:discarded-error on line 14"),
        ("PHP", PHP, 3, "opencheck-ignore[oc-php:eval] on line 3: templates"),
        ("C#", CSHARP, 11, '[SuppressMessage("Design", "empty-catch'),
    ],
)
def test_reason_names_marker_and_justification(
    language: str, source: str, line: int, reason: str
) -> None:
    rule = {
        "JavaScript": "oxlint:eqeqeq",
        "Go": "oc-go:discarded-error",
        "PHP": "oc-php:eval",
        "C#": "oc-csharp:empty-catch",
    }
    verdict = suppressions(
        [(rule.get(language, "ruff:F401"), line)], source.splitlines(), language, RULES
    )
    assert verdict.reasons[0] is not None and verdict.reasons[0].startswith(reason)


def test_own_marker_reason_wins_over_a_tool_marker() -> None:
    source = ["import os  # noqa: F401  opencheck-ignore[ruff:F401]: public API"]
    verdict = suppressions([("ruff:F401", 1)], source, "Python", RULES)
    assert verdict.reasons == ["opencheck-ignore[ruff:F401] on line 1: public API"]


@pytest.mark.parametrize(
    ("language", "source", "findings", "unused"),
    [
        # OpenCheck's own marker matching nothing, even without any finding in the file.
        (
            "Python",
            "x = 1  # opencheck-ignore[ruff:F401]: stale\n",
            [],
            [Unused(1, "opencheck-ignore[ruff:F401]", ("ruff:F401",))],
        ),
        # Only the code that matched nothing is reported.
        (
            "Go",
            "package a\n// opencheck-ignore-next-line[oc-go:discarded-error, oc-go:x]: ok\nf()\n",
            [("oc-go:discarded-error", 3)],
            [Unused(2, "opencheck-ignore-next-line[oc-go:discarded-error, oc-go:x]", ("oc-go:x",))],
        ),
        # A tool's own marker is never reported: it was written for the tool as the project
        # configures it (other options, findings the tool drops itself).
        (
            "Python",
            "import os  # noqa: F401\nimport re  # noqa: E501\nimport io  # noqa\n",
            [],
            [],
        ),
        ("Shell", "# shellcheck disable=SC2086\necho $x\n", [], []),
        ("JavaScript", "if (a == b) {} // eslint-disable-line eqeqeq\n", [], []),
        # A used marker is not reported.
        ("Python", "import os  # noqa: F401\n", [("ruff:F401", 1)], []),
        (
            "HTML",
            "<b>x</b> <!-- opencheck-ignore[oc-html:b]: legacy -->\n",
            [],
            [Unused(1, "opencheck-ignore[oc-html:b]", ("oc-html:b",))],
        ),
    ],
)
def test_unused_markers(
    language: str, source: str, findings: list[tuple[str, int]], unused: list[Unused]
) -> None:
    assert suppressions(findings, source.splitlines(), language, RULES).unused == unused


def test_marker_words_in_plain_code_are_not_markers() -> None:
    source = ['allow = "noqa"  # just words', "disable(x)", 'print("opencheck-ignore")']
    verdict = suppressions([("ruff:F401", n) for n in (1, 2, 3)], source, "Python", RULES)
    assert verdict == ([None, None, None], [])
