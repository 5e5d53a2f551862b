"""`opencheck scan` as a subprocess on repositories the tests build: exit codes, text output on
a pipe and on a terminal, untracked and ignored files, `--changed-since` and `--baseline`."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
from pathlib import Path

import pytest

from tests.cli.scan_support import APP, CLEAN, MINOR, OPENCHECK, env, git, make_repo, scan, write

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def test_text_on_a_pipe_is_plain_and_a_failed_gate_exits_1(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"app.py": APP})
    r = scan(repo)
    assert r.returncode == 1, r.stderr
    assert not ANSI.search(r.stdout)
    lines = r.stdout.splitlines()
    assert "app.py:11:39: ruff:F821 Undefined name `itemz` (critical)" in lines
    assert lines[lines.index("app.py:11:39: ruff:F821 Undefined name `itemz` (critical)") + 1] == (
        "    return sum(item.price for item in itemz)"
    )
    assert any(line.startswith("app.py:15:12: ruff:S307") and "[ignored]" in line for line in lines)
    assert "Found 3 defects: 1 critical, 1 major, 1 minor (and 1 ignored)." in lines
    assert lines[-1] == "Gate failed: expected no major or worse defect."


@pytest.mark.parametrize(
    ("files", "fail_on", "code"),
    [
        ({"app.py": CLEAN}, None, 0),
        ({"app.py": APP}, "never", 0),
        ({"app.py": APP}, "critical", 1),
        ({"app.py": MINOR}, None, 0),  # a minor defect holds the default gate
        ({"app.py": MINOR}, "minor", 1),
        ({"app.py": MINOR}, "suggestion", 1),
    ],
)
def test_exit_code_follows_the_gate(
    tmp_path: Path, files: dict[str, str], fail_on: str | None, code: int
) -> None:
    repo = make_repo(tmp_path / "repo", files)
    r = scan(repo, *(["--fail-on", fail_on] if fail_on else []))
    assert r.returncode == code, r.stdout + r.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--lang", "klingon"], "not a supported language"),
        (["--fail-on", "blocker"], "invalid choice"),
        (["--format", "xml"], "invalid choice"),
        (["--changed-since", "no-such-ref"], "is not a commit"),
        (["--baseline", "missing.sarif"], "missing.sarif"),
        (["--rule-set", "rules.yml"], "unknown rule 'ruff:NOPE'"),
        (["--jobs", "0"], "--jobs must be at least 1"),
    ],
)
def test_usage_errors_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    repo = make_repo(tmp_path / "repo", {"app.py": APP, "rules.yml": "python: [ruff:NOPE]\n"})
    r = scan(repo, *args, cwd=repo)
    assert r.returncode == 2, r.stdout + r.stderr
    assert message in r.stderr
    assert r.stdout == ""


def test_a_missing_folder_and_a_bad_baseline_exit_2(tmp_path: Path) -> None:
    assert scan(tmp_path / "nowhere").returncode == 2
    repo = make_repo(tmp_path / "repo", {"app.py": CLEAN, "b.json": "[]"})
    r = scan(repo, "--baseline", str(repo / "b.json"))
    assert r.returncode == 2 and "not a SARIF 2.1.0 file" in r.stderr


def test_working_copy_includes_untracked_files_but_not_ignored_ones(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"app.py": CLEAN, ".gitignore": "build/\n*.gen.py\n"})
    write(repo, {"new.py": MINOR, "build/out.py": MINOR, "x.gen.py": MINOR})
    (repo / "app.py").write_text(CLEAN + "\n\ndef f():\n    return undefined_thing\n")
    r = scan(repo, "--format", "json")
    paths = sorted({f["path"] for f in json.loads(r.stdout)["findings"]})
    assert paths == ["app.py", "new.py"], r.stderr
    assert r.returncode == 1  # the uncommitted undefined name is critical


def test_a_plain_folder_is_scanned_whole(tmp_path: Path) -> None:
    write(tmp_path / "src", {"a.py": MINOR, "b/c.py": MINOR})
    r = scan(tmp_path / "src", "--format", "json")
    assert r.returncode == 0, r.stderr
    assert sorted(f["path"] for f in json.loads(r.stdout)["findings"]) == ["a.py", "b/c.py"]


def test_changed_since_reports_only_defects_on_changed_lines(tmp_path: Path) -> None:
    old = "import os\n\n\ndef a():\n    return missing_a\n"
    repo = make_repo(tmp_path / "repo", {"old.py": old, "same.py": "import sys\n"})
    git(repo, "tag", "base")
    (repo / "old.py").write_text(old + "\n\ndef b():\n    return missing_b\n")
    write(repo, {"untracked.py": MINOR})
    r = scan(repo, "--changed-since", "base", "--format", "json")
    found = {(f["path"], f["line"], f["rule"]) for f in json.loads(r.stdout)["findings"]}
    assert found == {("old.py", 9, "ruff:F821"), ("untracked.py", 1, "ruff:F401")}, r.stderr
    assert r.returncode == 1
    # Nothing changed since HEAD once committed: nothing to report, the gate holds.
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "more")
    r = scan(repo, "--changed-since", "HEAD")
    assert r.returncode == 0 and r.stdout.startswith("Found 0 defects."), r.stdout + r.stderr


def test_baseline_keeps_only_new_defects(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"app.py": APP})
    baseline = tmp_path / "baseline.sarif"
    r = scan(repo, "--format", "sarif", "--output", str(baseline))
    assert r.returncode == 1 and r.stdout == ""
    # The summary still reaches the terminal.
    assert "Found 3 defects: 1 critical, 1 major, 1 minor (and 1 ignored)." in r.stderr
    assert "Gate failed" in r.stderr
    assert scan(repo, "--baseline", str(baseline)).returncode == 0
    # Blank lines above the old defects move them but keep their fingerprints; a new one is new.
    (repo / "app.py").write_text("\n\n" + APP + "\n\ndef g():\n    return nope\n")
    r = scan(repo, "--baseline", str(baseline), "--format", "json")
    findings = json.loads(r.stdout)["findings"]
    found = [(f["rule"], f["line"]) for f in findings if f["status"] == "open"]
    assert found == [("ruff:F821", 21)], r.stdout
    assert r.returncode == 1


def test_rule_set_narrows_the_rules(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"app.py": APP})
    write(tmp_path, {"rules.json": json.dumps({"python": {"ruff:F401": "critical"}})})
    r = scan(repo, "--rule-set", str(tmp_path / "rules.json"), "--format", "json")
    document = json.loads(r.stdout)
    assert {(f["rule"], f["severity"]) for f in document["findings"]} == {
        ("ruff:F401", "critical")
    }, r.stderr
    assert r.returncode == 1


def test_colour_on_a_terminal(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"app.py": APP})
    primary, replica = pty.openpty()
    proc = subprocess.Popen([*OPENCHECK, "scan", str(repo)], stdout=replica, stderr=replica,
                            env={**env(), "TERM": "xterm"})  # fmt: skip
    os.close(replica)
    chunks = []
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(primary)
    assert proc.wait(timeout=300) == 1
    out = b"".join(chunks).decode()
    assert "\x1b[1;31mruff:F821\x1b[0m" in out
    assert "Scanning [" in out  # the progress bar on a terminal
    plain = ANSI.sub("", out)
    assert "app.py:11:39: ruff:F821 Undefined name `itemz` (critical)" in plain


def test_as_pre_commit_runs_it_staged_files_and_changed_lines_only(tmp_path: Path) -> None:
    old = "import os\n\n\ndef a():\n    return missing_a\n"
    repo = make_repo(tmp_path / "repo", {"a.py": old, "b.py": old})
    (repo / "a.py").write_text(old + "\n\ndef b():\n    return missing_b\n")
    (repo / "b.py").write_text(old + "\n\ndef c():\n    return missing_c\n")  # not staged
    write(repo, {"untracked.py": MINOR})
    git(repo, "add", "a.py")
    hook = (Path(__file__).parents[2] / ".pre-commit-hooks.yaml").read_text()
    assert "entry: opencheck scan --changed-since HEAD" in hook
    r = scan(Path("a.py"), "--changed-since", "HEAD", "--format", "json", cwd=repo)
    found = {(f["path"], f["line"]) for f in json.loads(r.stdout)["findings"]}
    assert found == {("a.py", 9)}, r.stderr
    assert r.returncode == 1


def test_changed_since_head_before_the_first_commit(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"a.py": MINOR}, commit=False)
    git(repo, "add", "a.py")
    r = scan(Path("a.py"), "--changed-since", "HEAD", "--format", "json", cwd=repo)
    assert [f["rule"] for f in json.loads(r.stdout)["findings"]] == ["ruff:F401"], r.stderr
    assert r.returncode == 0


def test_an_internal_error_exits_2_not_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from opencheck.cli import main as cli_main
    from opencheck.cli import scan as scan_command

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("analyser exploded")

    monkeypatch.setattr(scan_command, "scan_tree", broken)
    write(tmp_path, {"a.py": MINOR})
    assert cli_main.main(["scan", str(tmp_path)]) == 2
