"""The shellcheck adapter: parsing recorded output and findings on fixture scripts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from opencheck.domain.severity import Severity
from opencheck.engine.analysis import analyze
from opencheck.engine.analyzers.base import Limits, RuleSelection, default_selection, run_batch
from opencheck.engine.analyzers.shellcheck import RULES, SHELLCHECK, unsupported_reason
from opencheck.engine.errors import AnalyzerError
from opencheck.engine.inventory import Inventory

# Recorded from `shellcheck --norc --format=json1` 0.11.0 (fixes trimmed).
RECORDED = b"""{"comments": [
{"file": "broken.sh", "line": 2, "endLine": 2, "column": 1, "endColumn": 1, "level": "error",
 "code": 1046, "message": "Couldn't find 'fi' for this 'if'.", "fix": null},
{"file": "broken.sh", "line": 2, "endLine": 2, "column": 1, "endColumn": 1, "level": "error",
 "code": 1073, "message": "Couldn't parse this if expression. Fix to allow more checks.", "fix": null},
{"file": "broken.sh", "line": 4, "endLine": 4, "column": 1, "endColumn": 1, "level": "error",
 "code": 1072, "message": " Expected 'fi'. Fix any mentioned problems and try again.", "fix": null},
{"file": "bin/defects.sh", "line": 2, "endLine": 2, "column": 1, "endColumn": 13, "level": "warning",
 "code": 2164, "message": "Use 'cd ... || exit' or 'cd ... || return' in case cd fails.", "fix": null},
{"file": "bin/defects.sh", "line": 4, "endLine": 4, "column": 6, "endColumn": 8, "level": "info",
 "code": 2086, "message": "Double quote to prevent globbing and word splitting.", "fix": null},
{"file": "a.zsh", "line": 1, "endLine": 1, "column": 1, "endColumn": 1, "level": "error",
 "code": 1071, "message": "ShellCheck only supports sh/bash/dash/ksh scripts. Sorry!", "fix": null}
]}"""

DEFECTS = """#!/bin/bash
cd /tmp/work
rm -rf "$target/"
echo $1
files=`ls`
for f in $(ls); do echo "$f"; done
export stamp=$(date)
cp "$@" $@ /tmp
rm $(cat list)
find . -name '*.log' | while read line; do echo "$line"; done
read load rest < /proc/loadavg
echo "$files $load $rest"
start="$PWD"
cd "$start"
greeting="hello"
echo 'greeting: $greeting'
echo 'export PATH=$HOME/bin:$PATH'
echo 'echo "$greeting"' > hook.sh
sed 's/$greeting/x/' list
egrep -q '^a|b' list
out=/tmp/build
name=stage-$1
rm -rf $out/$name
rm -rf "$out/$target"
here=$(cd "$(dirname "$0")" && pwd)
root="$here/.."
cd $root
cd "$(dirname "$1")"
pushd /srv
popd
if $(make check >check.log 2>&1); then echo ok; fi
if $(make fmt); then echo ok; fi
work=$(mktemp -d "/tmp/${0##*/}.XXXXXX")
cd "$work"
"""

C, MJ, MN, SG = Severity.CRITICAL, Severity.MAJOR, Severity.MINOR, Severity.SUGGESTION
EXPECTED = {
    ("syntax-error", "broken.sh", 2, C),
    ("SC2164", "bin/defects.sh", 2, MN),
    ("SC2115", "bin/defects.sh", 3, C),
    ("SC2045", "bin/defects.sh", 6, MN),
    ("SC2068", "bin/defects.sh", 8, MN),
    ("SC2162", "bin/defects.sh", 10, MN),  # piped; /proc (11) and the cd back (14) are not
    # a variable the script sets, echoed in single quotes; the literal $HOME/$PATH (17), the
    # text written to a script (18) and the sed program (19) are not
    ("SC2016", "bin/defects.sh", 16, MN),
    ("SC2196", "bin/defects.sh", 20, MN),
    ("SC2115", "bin/defects.sh", 24, C),  # $target may be empty; $out and $name (23) cannot
    # the argument's folder and a pushd; not the folder made from the script's path (27), popd
    ("SC2164", "bin/defects.sh", 28, MN),
    ("SC2164", "bin/defects.sh", 29, MN),
    ("SC2091", "bin/defects.sh", 32, MJ),  # runs make's output; not when it goes to a log (31)
    ("SC2164", "bin/defects.sh", 34, MN),  # named after the script, not in its folder
}


def test_parse_recorded_output() -> None:
    findings = SHELLCHECK.parse(RECORDED, Path("/work/repo"))
    assert [(f.rule_id, f.path, f.line, f.column) for f in findings] == [
        ("shellcheck:syntax-error", "broken.sh", 2, 1),  # its echoes are dropped
        ("shellcheck:SC2164", "bin/defects.sh", 2, 1),
        ("shellcheck:SC2086", "bin/defects.sh", 4, 6),
        ("shellcheck:SC1071", "a.zsh", 1, 1),  # an unsupported dialect is no parse error
    ]


@pytest.mark.parametrize("raw", [b"", b"not json", b"[]", b'{"comments": 1}'])
def test_parse_rejects_unreadable_output(raw: bytes) -> None:
    with pytest.raises(AnalyzerError):
        SHELLCHECK.parse(raw, Path("/work/repo"))


def test_default_rules_are_well_formed() -> None:
    # shellcheck cannot list its checks, so the codes are checked by form and by the fixture.
    assert SHELLCHECK.available() is None
    codes = [rule.code for rule in RULES]
    assert len(codes) == len(set(codes)) >= 20
    assert all(c == "syntax-error" or re.fullmatch(r"SC[2-3]\d{3}", c) for c in codes)
    for rule in RULES:
        assert rule.security == any(tag.startswith("CWE-") for tag in rule.tags), rule.id


def test_fixture_files_yield_exactly_the_expected_findings(tmp_path: Path) -> None:
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "defects.sh").write_text(DEFECTS)
    (tmp_path / "broken.sh").write_text('#!/bin/sh\nif [ "$1" = x ]; then\n  echo x\n')
    (tmp_path / ".shellcheckrc").write_text("disable=all\n")  # must not apply
    selection = default_selection(SHELLCHECK, "basic")
    files = ["bin/defects.sh", "broken.sh"]
    result = run_batch(SHELLCHECK, tmp_path, files, selection, Limits(60, 2048, lambda: False))
    assert result.error is None
    got = {
        (f.rule_id.removeprefix("shellcheck:"), f.path, f.line, selection.severities[f.rule_id])
        for f in result.findings
    }
    assert got == EXPECTED


def test_command_ignores_rc_files_and_keeps_batches_small() -> None:
    argv = SHELLCHECK.command(["-weird.sh"], RuleSelection.of(RULES))
    assert "--norc" in argv and argv[-2:] == ["--", "-weird.sh"]
    assert SHELLCHECK.max_files == 20


@pytest.mark.parametrize(
    ("path", "head", "shell"),
    [
        ("a.zsh", b"echo hi\n", "zsh"),
        (".zshrc", b"", "zsh"),
        ("bin/tool", b"#!/usr/bin/env zsh\n", "zsh"),
        ("bin/tool.sh", b"#!/usr/bin/fish\n", "fish"),
    ],
)
def test_other_shells_are_not_for_shellcheck(path: str, head: bytes, shell: str) -> None:
    assert unsupported_reason(path, head) == (
        f"a {shell} script: shellcheck reads only sh, bash, dash and ksh"
    )


@pytest.mark.parametrize(
    ("head", "template"),
    [
        (b"#!/bin/bash\necho <%= @name %>\n", True),
        (b"#!/bin/bash\n{% if debug %}\nset -x\n{% endif %}\n", True),
        (b"#!/bin/bash\nexport HOST={{ host }}\n", True),
        (b"#!/bin/bash\ndocker ps --format '{{.Names}}'\n", False),
        (b"#!/bin/bash\nf() { { echo; }; }\n", False),
    ],
)
def test_templates_are_not_for_shellcheck(head: bytes, template: bool) -> None:
    assert (unsupported_reason("deploy.sh", head) is not None) is template


def test_other_shells_and_templates_are_notices_never_given_to_shellcheck(tmp_path: Path) -> None:
    (tmp_path / "ok.sh").write_text("#!/bin/bash\necho ok\n")
    (tmp_path / "rc.zsh").write_text("setopt extendedglob\n")
    (tmp_path / "t.sh").write_text("#!/bin/bash\necho <%= @x %>\n")
    inventory = Inventory(tmp_path, {"Shell": ["ok.sh", "rc.zsh", "t.sh"]})
    limits = Limits(timeout=60, memory_mb=None, cancelled=lambda: False)
    outcome = analyze(
        tmp_path, inventory, ["Shell"], "basic", limits=limits, jobs=1,
        analyzers={"shellcheck": SHELLCHECK},
    )  # fmt: skip
    assert [(n.path, n.reason.split(":")[0]) for n in outcome.notices] == [
        ("rc.zsh", "a zsh script"),
        ("t.sh", "a template (ERB, Jinja or Go template tags)"),
    ]
    assert "shellcheck: 1 files, 0 defects" in " ".join(outcome.log)
    assert "shellcheck cannot read 2 files (see the file list)" in outcome.log
