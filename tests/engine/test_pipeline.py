"""A whole scan of small repositories: findings, counts, logs, progress, failures, stops."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from opencheck.domain.severity import Severity
from opencheck.engine.analyzers.ruff import RUFF
from opencheck.engine.errors import FetchError, ScanCancelled
from opencheck.engine.loc import LanguageStats
from opencheck.engine.metrics.complexity import FunctionMeasure
from opencheck.engine.metrics.measure import FileMetrics
from opencheck.engine.pipeline import EngineSettings, ScanResult, ScanSpec, run_scan, scan_tree
from tests.engine.local import roots

from .analyzers.fakes import ScriptAnalyzer
from .conftest import GitRepo, alive, git

APP = """import os


def load(text):
    return eval(text) + missing
"""
FILES = {
    "app.py": APP,
    "db/schema.sql": "-- schema\nCREATE TABLE t (id INT);\nSELECT 1;\n\nSELECT 2;\n",
    "scripts/run.sh": "#!/bin/sh\necho hi\n",
}
WARNING = (
    "[WARNING]  : Some languages in the code are not checked! "
    "Languages in code: [SQL, SHELL], while in rules: [PYTHON]"
)


class Recorder:
    """An observer that records everything and can ask to stop once a condition holds."""

    def __init__(self, stop_when: Callable[[Recorder], bool] = lambda r: False) -> None:
        self.logs: list[str] = []
        self.percents: list[int] = []
        self.stop_when = stop_when

    def log(self, message: str) -> None:
        self.logs.append(message)

    def progress(self, percent: int) -> None:
        self.percents.append(percent)

    def cancelled(self) -> bool:
        return self.stop_when(self)


def spec(url: str, **changes: object) -> ScanSpec:
    values: dict = {
        "repo_url": url,
        "branch": "main",
        "credentials": None,
        "include_paths": (),
        "excludes": (),
        "rule_languages": ("python",),
        **changes,
    }
    return ScanSpec(**values)


@pytest.fixture
def settings(tmp_path: Path) -> EngineSettings:
    return EngineSettings(
        cache_dir=tmp_path / "cache",
        work_dir=tmp_path / "work",
        jobs=2,
        local_repos=roots(tmp_path),
    )


def scan(repo: GitRepo, settings: EngineSettings, observer: Recorder, **kw: object) -> ScanResult:
    analyzers = kw.pop("analyzers", None)
    extra = {"analyzers": analyzers} if analyzers is not None else {}
    return run_scan(spec(str(repo.path), **kw), settings, observer, "exec-1", **extra)


def test_full_scan(make_repo: Callable[..., GitRepo], settings: EngineSettings) -> None:
    repo = make_repo(FILES)
    observer = Recorder()
    result = scan(repo, settings, observer)

    assert result.commit == git(repo.path, "rev-parse", "HEAD")
    assert [(f.rule_id, f.path, f.line, f.severity, f.code_line) for f in result.findings] == [
        ("ruff:F401", "app.py", 1, Severity.MINOR, "import os"),
        ("ruff:S307", "app.py", 5, Severity.SUGGESTION, "    return eval(text) + missing"),
        ("ruff:F821", "app.py", 5, Severity.CRITICAL, "    return eval(text) + missing"),
    ]
    assert {f.language for f in result.findings} == {"Python"}
    assert all(f.fingerprint.startswith("v2:") for f in result.findings)
    assert result.languages == {
        "Python": LanguageStats(files=1, code=3, comments=0, blanks=2),
        "SQL": LanguageStats(files=1, code=3, comments=1, blanks=1),
        "Shell": LanguageStats(files=1, code=1, comments=1, blanks=0),
    }
    assert (result.partial, result.failed_analyzers, result.skipped) == (False, [], {})
    # Only the checked languages are measured: load() spans lines 4-5, complexity 1.
    assert result.metrics.errors == []
    assert result.metrics.files == [
        FileMetrics(
            "app.py", "Python", raw_lines=5, functions=[FunctionMeasure(4, 5, 1, 1, 0, False)]
        )
    ]
    assert observer.logs[0] == f"Fetching {repo.path} branch main"
    assert observer.logs[1] == f"Checked out commit {result.commit}"
    assert WARNING in observer.logs
    assert any(line.startswith("ruff: 1 files, 3 defects, ") for line in observer.logs)
    assert observer.percents == sorted(set(observer.percents))
    assert observer.percents[0] == 5 and observer.percents[-1] == 95
    assert {30, 40, 50} <= set(observer.percents)
    assert list(settings.work_dir.iterdir()) == []


def test_fingerprints_survive_code_moving_down(
    make_repo: Callable[..., GitRepo], settings: EngineSettings
) -> None:
    repo = make_repo(FILES)
    before = scan(repo, settings, Recorder())
    repo.write({"app.py": '"""Docs."""\n\n' + APP.replace("import os", "import  os")})
    repo.commit()
    after = scan(repo, settings, Recorder())
    assert [f.line for f in after.findings] == [f.line + 2 for f in before.findings]
    assert [f.line_key for f in after.findings] == [f.line_key for f in before.findings]
    # The first line now has a neighbour above: only its strict fingerprint changes.
    moved = [
        a.fingerprint == b.fingerprint for a, b in zip(after.findings, before.findings, strict=True)
    ]
    assert moved == [f.line != 1 for f in before.findings]


def test_security_rule_type(make_repo: Callable[..., GitRepo], settings: EngineSettings) -> None:
    result = scan(make_repo(FILES), settings, Recorder(), rule_type="security")
    assert [f.rule_id for f in result.findings] == ["ruff:S307"]


def test_a_crashing_analyser_makes_the_result_partial(
    make_repo: Callable[..., GitRepo], settings: EngineSettings
) -> None:
    observer = Recorder()
    crasher = ScriptAnalyzer("kill -9 $$", name="crasher")
    result = scan(
        make_repo(FILES), settings, observer, analyzers={"ruff": RUFF, "crasher": crasher}
    )
    assert result.partial and result.failed_analyzers == ["crasher"]
    assert "crasher failed on 1 files: killed by SIGKILL (out of memory?)" in observer.logs
    assert {f.rule_id for f in result.findings} == {"ruff:F401", "ruff:S307", "ruff:F821"}


def test_an_unavailable_analyser_is_reported(
    make_repo: Callable[..., GitRepo], settings: EngineSettings
) -> None:
    observer = Recorder()
    missing = ScriptAnalyzer("true", name="missing", unavailable="not installed")
    result = scan(make_repo(FILES), settings, observer, analyzers={"missing": missing})
    assert result.partial and result.failed_analyzers == ["missing"]
    assert "missing failed on 1 files: not installed" in observer.logs


def test_cancel_during_analysis_stops_everything(
    make_repo: Callable[..., GitRepo], settings: EngineSettings, tmp_path: Path
) -> None:
    pidfile = tmp_path / "analyser.pid"
    slow = ScriptAnalyzer(f"echo $$ > {pidfile}; sleep 30; echo []", name="slow")
    observer = Recorder(stop_when=lambda r: pidfile.exists() and pidfile.read_text().strip() != "")
    start = time.monotonic()
    unconfined = dataclasses.replace(settings, confine_analyzers=False)  # it writes its pid
    with pytest.raises(ScanCancelled):
        scan(make_repo(FILES), unconfined, observer, analyzers={"slow": slow})
    assert time.monotonic() - start < 10
    assert not alive(int(pidfile.read_text()))
    assert list(settings.work_dir.iterdir()) == []


def test_cancel_between_steps(make_repo: Callable[..., GitRepo], settings: EngineSettings) -> None:
    observer = Recorder(stop_when=lambda r: any(m.startswith("Checked out") for m in r.logs))
    with pytest.raises(ScanCancelled):
        scan(make_repo(FILES), settings, observer)
    assert list(settings.work_dir.iterdir()) == []


def test_fetch_failure(make_repo: Callable[..., GitRepo], settings: EngineSettings) -> None:
    with pytest.raises(FetchError, match="remote branch not found"):
        scan(make_repo(FILES), settings, Recorder(), branch="release")


def test_credentials_never_reach_the_log(settings: EngineSettings) -> None:
    observer = Recorder()
    url = "http://alice:pa55word@127.0.0.1:1/repo.git"
    with pytest.raises(FetchError) as failure:
        run_scan(spec(url), settings, observer, "exec-1")
    assert observer.logs == ["Fetching http://***@127.0.0.1:1/repo.git branch main"]
    assert "pa55word" not in failure.value.message and "alice" not in failure.value.message


@pytest.mark.parametrize("changes", [{"include_paths": ("../x",)}, {"rule_type": "strict"}])
def test_a_bad_spec_fails_before_fetching(settings: EngineSettings, changes: dict) -> None:
    with pytest.raises(ValueError):
        run_scan(spec("/nonexistent", **changes), settings, Recorder(), "exec-1")
    assert not settings.cache_dir.exists()


def test_scan_tree_checks_a_plain_folder_without_git(tmp_path: Path, settings: EngineSettings):
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "app.py").write_text(APP)
    observer = Recorder()
    result = scan_tree(tree, spec(""), settings, observer)
    assert result.commit == ""
    assert ("ruff:S307", 5) in {(f.rule_id, f.line) for f in result.findings}
    assert not (tree / ".git").exists()
    assert observer.percents == sorted(observer.percents)


def test_files_left_out_of_the_checkout_count_as_having_no_language(
    make_repo: Callable[..., GitRepo], settings: EngineSettings
) -> None:
    repo = make_repo({**FILES, "static/logo.png": "png", "docs/notes.txt": "notes"})
    observer = Recorder()
    result = scan(repo, settings, observer)
    assert result.skipped == {"no-language": 2}  # neither the image nor the text was written
    assert "Skipped 2 files: no-language 2" in observer.logs
    assert not (settings.work_dir / "exec-1").exists()
    only_docs = scan(repo, settings, Recorder(), include_paths=("docs",))
    assert only_docs.skipped == {"no-language": 1}


@pytest.mark.parametrize(
    ("languages", "native", "written"),
    [
        (("python",), False, False),
        (("python", "c++"), False, False),  # cppcheck has no file to read includes of
        (("python", "c++"), True, True),
        (("python", "sql"), False, True),  # db/schema.sql may be a template including files
    ],
)
def test_a_check_writes_files_without_a_language_only_for_analysers_reading_them(
    make_repo: Callable[..., GitRepo],
    settings: EngineSettings,
    languages: tuple[str, ...],
    native: bool,
    written: bool,
) -> None:
    files = {**FILES, "docs/notes.txt": "notes", "go.mod": "module m\n", "data/x.json": "{}"}
    if native:
        files["native/main.c"] = '#include "../docs/notes.txt"\nint main(void) { return 0; }\n'
    repo = make_repo(files)
    seen: list[bool] = []

    class Looking(Recorder):
        def log(self, message: str) -> None:
            if message.startswith("Checked out"):
                worktree = next((settings.work_dir).iterdir())
                seen.append((worktree / "docs/notes.txt").exists())
                assert (worktree / "go.mod").exists()
            super().log(message)

    result = run_scan(spec(str(repo.path), rule_languages=languages), settings, Looking(), "e1")
    assert seen == [written]
    whole = scan_tree(repo.path, spec("", rule_languages=languages), settings, Recorder())
    assert result.skipped == whole.skipped, (result.skipped, whole.skipped)
    assert result.findings == whole.findings
