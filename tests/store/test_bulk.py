"""Bulk inserts: the same rows, with the columns' own conversions, on both databases."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from opencheck.store import migrate
from opencheck.store.bulk import ROWS_PER_STATEMENT, insert_rows, select_rows
from opencheck.store.db import make_engine
from opencheck.store.models import Project, Task, TaskDefect
from tests.store.test_migrations import _insert, _old_task, db_url  # noqa: F401  (the fixture)

COLUMNS = ("task_id", "fingerprint", "path", "line_key", "rule_id", "language", "hotspot",
           "status", "detection", "first_seen_at")  # fmt: skip


@pytest.fixture
def session(db_url: str, tmp_path: Path) -> Iterator[Session]:  # noqa: F811
    engine = make_engine(db_url)
    migrate.upgrade(engine, tmp_path)
    with Session(engine) as s:
        yield s
    engine.dispose()


def test_rows_land_as_the_orm_reads_them(session: Session) -> None:
    task_id = _old_task(session.connection())
    seen = datetime(2026, 11, 30, 12, 0, 0, 123456, tzinfo=UTC)
    count = 2 * ROWS_PER_STATEMENT + 3  # two full statements and a short one on PostgreSQL
    rows = [(task_id, f"fp{i}", "a/ü.py", None if i % 2 else f"k{i}", "r", "Python", i % 3 == 0,
             i % 3, "new", seen) for i in range(count)]  # fmt: skip
    insert_rows(session, TaskDefect, COLUMNS, rows)
    session.commit()
    stored = session.scalars(select(TaskDefect).order_by(TaskDefect.id)).all()
    assert len(stored) == count
    for i, defect in enumerate(stored):
        assert (
            defect.fingerprint,
            defect.path,
            defect.line_key,
            defect.hotspot,
            defect.status,
        ) == (f"fp{i}", "a/ü.py", None if i % 2 else f"k{i}", i % 3 == 0, i % 3)
        assert defect.first_seen_at == seen and defect.task_id == task_id
    # Compared in SQL as the ORM writes times: the bulk rows are not a different text form.
    assert session.scalar(select(TaskDefect.id).where(TaskDefect.first_seen_at >= seen).limit(1))
    assert session.get(Task, task_id) is not None and session.scalars(select(Project)).first()
    insert_rows(session, TaskDefect, COLUMNS, [])  # nothing to do


def test_select_rows_reads_one_tasks_rows_as_plain_tuples(session: Session) -> None:
    mine = _old_task(session.connection())
    task = session.get(Task, mine)
    assert task is not None
    other = _insert(session.connection(), "tasks", project_id=task.project_id, name="t2",
                    template_id=task.template_id, git_url="https://h/r.git", git_url_key="h/r",
                    git_branch="main", creator_id=task.creator_id)  # fmt: skip
    seen = datetime(2026, 11, 30, tzinfo=UTC)
    rows = [(task, f"fp{i}", "p.py", None, "r", "Python", False, 2, "new", seen)
            for i, task in enumerate((mine, other, mine))]  # fmt: skip
    insert_rows(session, TaskDefect, COLUMNS, rows)
    found = select_rows(session, TaskDefect, ("fingerprint", "status", "line_key"), "task_id", mine)
    assert sorted(found) == [("fp0", 2, None), ("fp2", 2, None)]
    assert all(type(row) is tuple for row in found)
