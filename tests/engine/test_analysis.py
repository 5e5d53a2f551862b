"""The analyse step: size caps and the slow lane, parse failures and failures as notices."""

from __future__ import annotations

from pathlib import Path

import pytest

from opencheck.domain.severity import Severity
from opencheck.engine.analysis import SLOW_LANE_FILES, Notice, analyze
from opencheck.engine.analyzers.base import Limits, Rule, RuleSelection, default_selection
from opencheck.engine.analyzers.ruff import RUFF
from opencheck.engine.inventory import Inventory

from .analyzers.fakes import ScriptAnalyzer

# Reports rule fake:one on line 1 of every file it is given.
EVERY_FILE = (
    'printf "["; sep=""; for f in "$@"; do printf "%s[\\"fake:one\\", \\"%s\\", 1, 1, \\"m\\"]"'
    ' "$sep" "$f"; sep=","; done; printf "]"'
)
LIMITS = Limits(timeout=30, memory_mb=None, cancelled=lambda: False)


def _inventory(root: Path, sizes: dict[str, int]) -> Inventory:
    for name, size in sizes.items():
        (root / name).write_text("x" * size)
    return Inventory(root, {"Python": sorted(sizes)})


def test_files_over_a_size_cap_go_to_the_slow_lane_and_huge_ones_are_notices(
    tmp_path: Path,
) -> None:
    capped = ScriptAnalyzer(EVERY_FILE)
    capped.max_file_bytes = 2048  # type: ignore[attr-defined]
    sizes = {"small.py": 100, "edge.py": 2048, "big.py": 4096, "huge.py": 2048 * 4 + 1}
    inventory = _inventory(tmp_path, sizes)
    outcome = analyze(
        tmp_path, inventory, ["Python"], "basic", limits=LIMITS, jobs=1, analyzers={"f": capped}
    )
    assert sorted(f.path for f in outcome.findings) == ["big.py", "edge.py", "small.py"]
    assert "fake checks 1 files over 2 KB one at a time" in outcome.log
    assert outcome.notices == [
        Notice("fake", "huge.py", "8 KB, over the 8 KB fake can check in its time budget")
    ]
    assert outcome.log[-1].startswith("[WARNING] 1 files were not fully checked")
    assert outcome.failed == []


def test_the_slow_lane_takes_the_smallest_files_first(tmp_path: Path) -> None:
    capped = ScriptAnalyzer(EVERY_FILE)
    capped.max_file_bytes = 100  # type: ignore[attr-defined]
    sizes = {f"f{n:02}.py": 101 + n for n in range(SLOW_LANE_FILES + 2)}
    outcome = analyze(
        tmp_path,
        _inventory(tmp_path, sizes),
        ["Python"],
        "basic",
        limits=LIMITS,
        jobs=2,
        analyzers={"f": capped},
    )
    assert len(outcome.findings) == SLOW_LANE_FILES
    assert sorted(n.path for n in outcome.notices) == ["f16.py", "f17.py"]


def test_a_parse_failure_is_a_notice_not_a_defect(tmp_path: Path) -> None:
    script = 'printf \'[["fake:syntax-error", "a.py", 3, 1, "unexpected indent"], ["fake:one", "a.py", 1, 1, "m"]]\''
    parser = ScriptAnalyzer(script)
    parser.rules = (
        *parser.rules,
        Rule("fake:syntax-error", "syntax-error", "Python", Severity.MAJOR),
    )
    outcome = analyze(
        tmp_path,
        _inventory(tmp_path, {"a.py": 10}),
        ["Python"],
        "basic",
        limits=LIMITS,
        jobs=1,
        analyzers={"f": parser},
    )
    assert [f.rule_id for f in outcome.findings] == ["fake:one"]
    assert outcome.notices == [Notice("fake", "a.py", "could not parse line 3: unexpected indent")]
    assert "fake could not parse 1 files" in outcome.log


def test_the_files_of_a_failed_batch_are_notices(tmp_path: Path) -> None:
    outcome = analyze(
        tmp_path,
        _inventory(tmp_path, {"a.py": 10, "b.py": 10}),
        ["Python"],
        "basic",
        limits=LIMITS,
        jobs=1,
        analyzers={"f": ScriptAnalyzer("kill -9 $$")},
    )
    assert outcome.failed == ["fake"]
    assert [(n.path, n.reason) for n in outcome.notices] == [
        ("a.py", "killed by SIGKILL (out of memory?)"),
        ("b.py", "killed by SIGKILL (out of memory?)"),
    ]


def test_without_a_cap_every_file_is_analysed(tmp_path: Path) -> None:
    inventory = _inventory(tmp_path, {"small.py": 100, "big.py": 400_000})
    outcome = analyze(
        tmp_path,
        inventory,
        ["Python"],
        "basic",
        limits=LIMITS,
        jobs=2,
        analyzers={"f": ScriptAnalyzer(EVERY_FILE)},
    )
    assert sorted(f.path for f in outcome.findings) == ["big.py", "small.py"]
    assert not any("skipped" in line for line in outcome.log)


def test_a_language_s_selection_carries_its_rule_options_to_the_analyser(tmp_path: Path) -> None:
    (tmp_path / "grade.py").write_text(
        "def grade(s):\n    if s > 9:\n        return 1\n    if s > 8:\n        return 2\n    return 3\n"
    )
    inventory = Inventory(tmp_path, {"Python": ["grade.py"]})
    base = default_selection(RUFF, "basic", ["Python"]).severities
    strict = {"Python": RuleSelection(base, {"ruff:C901": {"max-complexity": 2}})}
    outcome = analyze(tmp_path, inventory, ["Python"], "basic", limits=LIMITS, jobs=1,
                      analyzers={"ruff": RUFF}, selections=strict)  # fmt: skip
    assert [f.rule_id for f in outcome.findings] == ["ruff:C901"]


def test_one_file_that_never_finishes_costs_only_itself(tmp_path: Path) -> None:
    hangs = 'for f in "$@"; do if [ "$f" = hang.py ]; then sleep 30; fi; done; ' + EVERY_FILE
    inventory = _inventory(tmp_path, {"a.py": 10, "hang.py": 10, "b.py": 10})
    short = Limits(timeout=2, memory_mb=None, cancelled=lambda: False, file_timeout=1)
    outcome = analyze(tmp_path, inventory, ["Python"], "basic", limits=short, jobs=1,
                      analyzers={"f": ScriptAnalyzer(hangs)})  # fmt: skip
    assert sorted(f.path for f in outcome.findings) == ["a.py", "b.py"]
    assert [(n.path, n.reason) for n in outcome.notices] == [("hang.py", "timed out after 1s")]
    assert outcome.failed == ["fake"]


def test_the_retry_of_a_timed_out_batch_has_one_timeout_in_all(tmp_path: Path) -> None:
    inventory = _inventory(tmp_path, {f"{n}.py": 10 for n in "abcdef"})
    short = Limits(timeout=1, memory_mb=None, cancelled=lambda: False, file_timeout=0.6)
    outcome = analyze(tmp_path, inventory, ["Python"], "basic", limits=short, jobs=1,
                      analyzers={"f": ScriptAnalyzer("sleep 30")})  # fmt: skip
    reasons = {n.path: n.reason for n in outcome.notices}
    assert sorted(reasons) == [f"{n}.py" for n in "abcdef"] and outcome.findings == []
    assert "and so did 1s of retries" in reasons["f.py"]


def test_each_analyser_s_time_files_and_failure_are_kept_per_language(tmp_path: Path) -> None:
    for name in ("a.py", "b.py", "c.sh"):
        (tmp_path / name).write_text("x\n")
    inventory = Inventory(tmp_path, {"Python": ["a.py", "b.py"], "Shell": ["c.sh"]})
    both = frozenset({"Python", "Shell"})
    analyzers = {
        "ok": ScriptAnalyzer(EVERY_FILE, name="ok", languages=both),  # one batch, both languages
        "broken": ScriptAnalyzer("kill -9 $$", name="broken"),
        "absent": ScriptAnalyzer(EVERY_FILE, name="absent", unavailable="not installed"),
    }
    outcome = analyze(
        tmp_path,
        inventory,
        ["Python", "Shell"],
        "basic",
        limits=LIMITS,
        jobs=1,
        analyzers=analyzers,
    )
    runs = {key: (run.files, run.failed) for key, run in outcome.runs.items()}
    assert runs == {
        ("ok", "Python"): (2, False),
        ("ok", "Shell"): (1, False),
        ("broken", "Python"): (2, True),
        ("absent", "Python"): (2, True),
    }
    python, shell = outcome.runs[("ok", "Python")], outcome.runs[("ok", "Shell")]
    assert shell.seconds > 0 and python.seconds == pytest.approx(2 * shell.seconds)
    assert outcome.runs[("absent", "Python")].seconds == 0
