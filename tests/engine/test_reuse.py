"""Reused findings and measures: a check analyses only changed files, and finds what a fresh one does."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import pytest

from opencheck.domain.severity import Severity
from opencheck.engine.analyzers.base import BatchResult, RuleSelection
from opencheck.engine.analyzers.registry import ANALYZERS
from opencheck.engine.metrics.duplication import Duplication
from opencheck.engine.pipeline import REUSE_FILE, EngineSettings, ScanResult, ScanSpec, run_scan
from opencheck.engine.result_cache import ResultCache
from opencheck.engine.reuse import Reuse
from tests.engine.local import roots

from .analyzers.fakes import ScriptAnalyzer
from .conftest import GitRepo
from .test_pipeline import Recorder
from .test_pipeline import spec as pipeline_spec

FILES = {
    "app/views.py": "import os\n\n\ndef load(text):\n    return eval(text) + missing\n",
    "app/models.py": "def size(items=[]):\n    items.append(1)\n    return len(items)\n",
    "app/util.py": "def same(a):\n    if a == None:\n        return True\n    return False\n",
    "web/main.js": "function f(x) {\n  if (x == NaN) { debugger; }\n  return eval(x);\n}\n",
    "web/clean.js": "export const answer = 42;\n",
}
CHANGED = {"app/util.py": "def same(a):\n    return eval(a) is None\n"}


def spec(url: str, **changes: object) -> ScanSpec:
    return pipeline_spec(url, **{"rule_languages": ("python", "javascript"), **changes})


def settings_at(folder: Path, *, reuse: bool = True) -> EngineSettings:
    return EngineSettings(
        cache_dir=folder / "cache",
        work_dir=folder / "work",
        jobs=2,
        local_repos=roots(folder.parent),
        reuse=reuse,
    )


def check(repo: GitRepo, settings: EngineSettings, run: str, **changes: object) -> ScanResult:
    return run_scan(spec(str(repo.path), **changes), settings, Recorder(), run)


def seen(result: ScanResult) -> tuple[object, ...]:
    """Everything a check reports about the code (not its timings): must not depend on reuse."""
    metrics = [dataclasses.astuple(m) for m in result.metrics.files]
    return (result.findings, metrics, result.code_lines, result.languages, result.notices)


def analysed(result: ScanResult) -> dict[str, int]:
    """Files each analyser process checked, summed over languages."""
    files: dict[str, int] = {}
    for run in result.analyzer_runs:
        files[run.analyzer] = files.get(run.analyzer, 0) + run.files
    return files


@pytest.fixture
def repo(make_repo: Callable[..., GitRepo]) -> GitRepo:
    return make_repo(FILES)


def test_a_changed_file_is_the_only_one_analysed_and_findings_match_a_fresh_check(
    tmp_path: Path, repo: GitRepo
) -> None:
    settings = settings_at(tmp_path / "reusing")
    first = check(repo, settings, "first")
    assert first.findings and analysed(first)["ruff"] == 3 and analysed(first)["oxlint"] == 2

    repo.write(CHANGED)
    repo.commit()
    recorder = Recorder()
    second = run_scan(spec(str(repo.path)), settings, recorder, "second")
    fresh = check(repo, settings_at(tmp_path / "fresh", reuse=False), "fresh")

    assert seen(second) == seen(fresh)
    assert any(f.path == "app/util.py" and f.rule_id == "ruff:S307" for f in second.findings)
    # Each analyser of Python ran on the changed file alone; oxlint had nothing to do.
    python = {run.analyzer for run in second.analyzer_runs if run.language == "Python"}
    assert "ruff" in python
    assert all(analysed(second)[name] == 1 for name in python)
    assert "oxlint" not in analysed(second)
    # Looked up in vain: the analysers' findings on the changed file, its measures, and the
    # duplication among the main files (found across files: any change is a new tree).
    computed = sum(analysed(second).values()) + 2
    assert any(f"computed {computed} " in line for line in recorder.logs), recorder.logs


def test_an_unchanged_commit_runs_no_analyser(tmp_path: Path, repo: GitRepo) -> None:
    settings = settings_at(tmp_path / "reusing")
    first = check(repo, settings, "first")
    recorder = Recorder()
    again = run_scan(spec(str(repo.path)), settings, recorder, "again")

    assert seen(again) == seen(first)
    assert again.analyzer_runs == []
    assert any(line.startswith("Reused ") and "computed 0 " in line for line in recorder.logs)


def test_a_changed_rule_set_analyses_every_file_again(tmp_path: Path, repo: GitRepo) -> None:
    settings = settings_at(tmp_path / "reusing")
    check(repo, settings, "first")
    narrower = {"Python": RuleSelection({"ruff:F821": Severity.MAJOR})}
    second = check(repo, settings, "second", rule_selections=narrower)
    fresh = check(
        repo, settings_at(tmp_path / "fresh", reuse=False), "fresh", rule_selections=narrower
    )

    assert seen(second) == seen(fresh)
    assert {f.rule_id for f in second.findings if f.language == "Python"} == {"ruff:F821"}
    assert analysed(second)["ruff"] == 3
    assert "oxlint" not in analysed(second)  # JavaScript's rules did not change


def test_a_truncated_cache_is_rebuilt_and_the_check_analyses_again(
    tmp_path: Path, repo: GitRepo
) -> None:
    settings = settings_at(tmp_path / "reusing")
    first = check(repo, settings, "first")
    cache = settings.cache_dir / REUSE_FILE
    size = cache.stat().st_size
    assert size > 4096
    with cache.open("r+b") as file:
        file.truncate(size // 3)
    recorder = Recorder()
    again = run_scan(spec(str(repo.path)), settings, recorder, "again")

    assert seen(again) == seen(first)
    assert analysed(again)["ruff"] == 3
    assert any("reuse cache was unreadable" in line for line in recorder.logs)
    third = check(repo, settings, "third")  # rebuilt by the check that found it broken
    assert third.analyzer_runs == [] and seen(third) == seen(first)


@pytest.mark.parametrize(
    ("analyzer", "path", "reusable"),
    [
        ("ruff", "pkg/__init__.py", True),
        ("oxlint", "web/main.ts", True),
        ("shellcheck", "run.sh", True),
        ("flawfinder", "main.cpp", True),
        ("tree-sitter", "main.go", True),
        ("ast-grep", "app/views.py", True),
        ("ast-grep", "cmd/main.go", False),  # its findings read the module's go.mod
        ("ast-grep", "pages/index.ets", False),  # checked through a rewritten copy
        ("cppcheck", "main.cpp", False),  # follows includes into other files
        ("sqlfluff", "schema.sql", False),  # a Jinja template may include other files
    ],
)
def test_which_files_an_analyser_reuses(analyzer: str, path: str, reusable: bool) -> None:
    declared = getattr(ANALYZERS[analyzer], "reusable", None)
    assert (declared is not None and declared(path)) is reusable


def recall_count(cache: ResultCache, blobs: dict[str, str], analyzer: ScriptAnalyzer) -> int:
    """How many of `blobs`' files a check with these blobs would take from `cache`."""
    selection = RuleSelection({"fake:one": Severity.MAJOR})
    _, replay = Reuse(cache, blobs).recall(analyzer, selection, sorted(blobs))
    return len(replay.files) if replay else 0


def test_keys_change_with_content_path_tool_and_line_end_attributes(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path / "reuse.sqlite")
    fake = ScriptAnalyzer("true")
    fake.reusable = lambda path: True  # type: ignore[attr-defined]
    blobs = {"a.py": "100644 " + "1" * 40, "b.py": "100644 " + "2" * 40}
    reuse = Reuse(cache, blobs)
    selection = RuleSelection({"fake:one": Severity.MAJOR})
    reuse.recall(fake, selection, sorted(blobs))
    reuse.remember(fake.name, BatchResult(sorted(blobs), [], 1.0))
    assert recall_count(cache, blobs, fake) == 0  # kept only when the check ends
    reuse.flush()
    assert recall_count(cache, blobs, fake) == 2
    assert recall_count(cache, {**blobs, "a.py": "100644 " + "3" * 40}, fake) == 1
    assert recall_count(cache, {"c.py": blobs["a.py"]}, fake) == 0  # same content, new path
    assert recall_count(cache, {**blobs, ".gitattributes": "100644 " + "4" * 40}, fake) == 0
    assert recall_count(cache, blobs, ScriptAnalyzer("echo other")) == 0  # no opt-in
    other = ScriptAnalyzer("echo other")
    other.reusable = lambda path: True  # type: ignore[attr-defined]
    assert recall_count(cache, blobs, other) == 0  # another command line


def test_duplication_is_reused_only_for_the_very_same_files(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path / "reuse.sqlite")
    blobs = {"a.py": "100644 " + "1" * 40, "b.py": "100644 " + "2" * 40}
    found = Duplication({"a.py": 12, "b.py": 12}, {"a.py": 1, "b.py": 1})
    reuse = Reuse(cache, blobs)
    assert reuse.recall_duplication(["a.py", "b.py"]) is None
    reuse.remember_duplication(["a.py", "b.py"], found)
    reuse.flush()
    assert Reuse(cache, blobs).recall_duplication(["a.py", "b.py"]) == found
    assert Reuse(cache, blobs).recall_duplication(["a.py"]) is None
    changed = {**blobs, "b.py": "100644 " + "3" * 40}
    assert Reuse(cache, changed).recall_duplication(["a.py", "b.py"]) is None
    assert Reuse(cache, {"a.py": blobs["a.py"]}).recall_duplication(["a.py", "b.py"]) is None
