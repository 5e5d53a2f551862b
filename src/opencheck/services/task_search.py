"""The task list's substring search by the three-character pieces of folded names.

Every piece of a search string is a piece of each name that contains it, so the tasks holding
any one piece of the search are a superset of the matches: a search reads the tasks of its
rarest piece and tests only their names. Which piece is rarest is asked of the pieces table
itself, each count cut off at `ENOUGH`; a search whose every piece is that common (or that is
shorter than a piece) tests every name, as before.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Connection, delete, func, insert, literal, select
from sqlalchemy.orm import Session

from opencheck.store.models import Task, TaskNameGram

GRAM = 3
PROBED = 8  # pieces of a long search weighed; any of them narrows correctly
ENOUGH = 2000  # a piece held by this many tasks narrows too little to be worth it


def grams(folded: str) -> set[str]:
    """The distinct pieces of a folded name or search."""
    return {folded[i : i + GRAM] for i in range(len(folded) - GRAM + 1)}


def add_names(session: Session, tasks: list[Task]) -> None:
    """Keep the pieces of the names of these tasks, just created (and flushed)."""
    rows = [{"gram": g, "task_id": task.id} for task in tasks for g in grams(task.name_folded)]
    if rows:
        session.execute(insert(TaskNameGram), rows)


def renamed(session: Session, task: Task) -> None:
    """The task's name changed: its pieces are those of the new name."""
    session.execute(delete(TaskNameGram).where(TaskNameGram.task_id == task.id))
    add_names(session, [task])


def narrowing(conn: Connection, folded: str) -> ColumnElement[bool] | None:
    """A condition on `Task.id` that every task whose name contains `folded` meets, and few
    others; None when no piece of `folded` is rare enough to narrow the search."""
    pieces = sorted(grams(folded))
    if not pieces:
        return None
    step = max(1, len(pieces) // PROBED)
    pieces = pieces[::step][:PROBED]
    counts = conn.execute(select(*(_capped_count(g) for g in pieces))).one()
    count, rarest = min(zip(counts, pieces, strict=True))
    if count >= ENOUGH:
        return None
    return Task.id.in_(select(TaskNameGram.task_id).where(TaskNameGram.gram == rarest))


def _capped_count(gram: str) -> ColumnElement[int]:
    held = select(literal(1)).where(TaskNameGram.gram == gram).limit(ENOUGH).subquery()
    return select(func.count()).select_from(held).scalar_subquery()
