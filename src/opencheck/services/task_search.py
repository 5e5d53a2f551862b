"""The task list's substring search by the three-character pieces of folded names.

Every piece of a search string is a piece of each name that contains it, so the tasks holding
any one piece of the search are a superset of the matches: a search reads the tasks of its
rarest piece and tests only their names. Which piece is rarest is asked of the pieces table
itself, each count cut off at `ENOUGH`; a search whose every piece is that common (or that is
shorter than a piece) tests every name, as before.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Connection,
    Select,
    bindparam,
    delete,
    func,
    insert,
    literal,
    select,
)
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


# The tasks holding the parameter `piece`: a superset of a search's matches when it is a piece
# of the search (task_list_statements).
HOLDING_PIECE = Task.id.in_(
    select(TaskNameGram.task_id).where(TaskNameGram.gram == bindparam("piece"))
)


def rarest_piece(conn: Connection, folded: str) -> str | None:
    """The piece of `folded` held by the fewest tasks, when few enough hold it to narrow the
    search (`HOLDING_PIECE`); None when none is, or `folded` is shorter than a piece."""
    pieces = sorted(grams(folded))
    if not pieces:
        return None
    step = max(1, len(pieces) // PROBED)
    pieces = pieces[::step][:PROBED]
    values = {f"piece{n}": piece for n, piece in enumerate(pieces)}
    counts = conn.execute(_weighing(len(pieces)), values).one()
    count, rarest = min(zip(counts, pieces, strict=True))
    return rarest if count < ENOUGH else None


@lru_cache(maxsize=PROBED)
def _weighing(pieces: int) -> Select[Any]:
    """How many tasks hold each of `pieces` pieces (parameters piece0…), each count cut off."""
    return select(*(_capped_count(bindparam(f"piece{n}")) for n in range(pieces)))


def _capped_count(gram: BindParameter[str]) -> ColumnElement[int]:
    held = select(literal(1)).where(TaskNameGram.gram == gram).limit(ENOUGH).subquery()
    return select(func.count()).select_from(held).scalar_subquery()
