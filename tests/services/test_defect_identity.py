"""A defect keeps its identity across code edits that leave it in place, and loses it when the
offending code changes: a real ruff scan of a tree, edited, scanned again and matched."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from opencheck.domain.findings import Finding
from opencheck.engine.analyzers.ruff import RUFF
from opencheck.engine.pipeline import EngineSettings, LogCollector, ScanSpec, scan_tree
from opencheck.runtime import Runtime
from opencheck.services import defect_tracking, execution_states
from opencheck.store.db import unit_of_work
from opencheck.store.models import DefectOccurrence, Execution, TaskDefect
from tests.services.conftest import make_task

SOURCE = "import os\n\n\ndef load(text):\n    return eval(text)\n"
SPEC = ScanSpec("https://example.com/a.git", "main", None, (), (), ("python",))
EVAL = "ruff:S307"


def _scan(root: Path, tmp_path: Path) -> list[Finding]:
    settings = EngineSettings(cache_dir=tmp_path / "c", work_dir=tmp_path / "w")
    return scan_tree(root, SPEC, settings, LogCollector(), analyzers={"ruff": RUFF}).findings


def _execution(s: Session, task_id: str) -> Execution:
    execution = Execution(task_id=task_id, job_type="FULL", executor="x",
                          git_url="https://example.com/a.git", git_branch="main")  # fmt: skip
    return execution_states.queue(s, execution, "queued")


def _eval_defects(s: Session, execution: Execution) -> list[int]:
    return list(
        s.scalars(
            select(DefectOccurrence.defect_id)
            .join(TaskDefect, TaskDefect.id == DefectOccurrence.defect_id)
            .where(DefectOccurrence.execution_id == execution.id, TaskDefect.rule_id == EVAL)
            .order_by(DefectOccurrence.line)
        )
    )


def _write(root: Path, name: str, text: str) -> None:
    for old in root.glob("*.py"):
        old.unlink()
    (root / name).write_text(text)


def _reworded(findings: list[Finding]) -> list[Finding]:
    return [f._replace(message=f"{f.message} (new wording)") for f in findings]


Edit = tuple[str, str, Callable[[list[Finding]], list[Finding]], dict[str, str]]
KEEP = [True]
CASES: dict[str, tuple[Edit, list[bool]]] = {
    "lines inserted above": (("a.py", "X = 1\nY = 2\n\n" + SOURCE, list, {}), KEEP),
    "a line inserted right above": (
        ("a.py", SOURCE.replace("    return", "    text = text.strip()\n    return"), list, {}),
        KEEP,
    ),
    "re-indented": (("a.py", SOURCE.replace("    return", "\treturn"), list, {}), KEEP),
    "message changed": (("a.py", SOURCE, _reworded, {}), KEEP),
    "file renamed": (("b.py", SOURCE, list, {"a.py": "b.py"}), KEEP),
    "file renamed, git not told": (("b.py", SOURCE, list, {}), [False]),
    "offending code changed": (
        ("a.py", SOURCE.replace("eval(text)", "eval(text.strip())"), list, {}),
        [False],
    ),
    "line duplicated": (
        ("a.py", SOURCE + "    return eval(text)\n", list, {}),
        [True, False],  # the first keeps its identity, the copy is new
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_identity_across_an_edit(case: str, runtime: Runtime, tmp_path: Path) -> None:
    (name, text, transform, renamed), expected = CASES[case]
    root = tmp_path / "tree"
    root.mkdir()
    _write(root, "a.py", SOURCE)
    before = _scan(root, tmp_path)
    _write(root, name, text)
    after = transform(_scan(root, tmp_path))
    with unit_of_work(runtime.sessions) as s:
        task = make_task(s, runtime)
        first, second = _execution(s, task.id), _execution(s, task.id)
        defect_tracking.record(s, first, before)
        [original] = _eval_defects(s, first)
        defect_tracking.record(s, second, after, renamed=renamed)
        assert [d == original for d in _eval_defects(s, second)] == expected
        gone = s.get(TaskDefect, original)
        assert gone is not None and (gone.detection == "fixed") == (True not in expected)
        assert s.scalar(select(TaskDefect.path).where(TaskDefect.id == original)) == (
            name if True in expected else "a.py"
        )
