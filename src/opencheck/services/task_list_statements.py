"""The statements of the task list's page and total, built once per shape of filter.

Requests differ in their filters' values far more often than in which filters they set. The
statement of each combination (its shape: which filters, which job statuses and verdicts, which
order) is built once with bound parameters, so that a request pays neither for building it nor
for SQLAlchemy's cache key of it: on the load benchmark's mix that was 0.6 of the 2.6 ms of CPU
the API spent on a request.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache, reduce
from operator import add
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, func, or_, select

from opencheck.domain.executions import ACTIVE_STATUSES
from opencheck.services import task_counts, task_search
from opencheck.store.models import Task

FULL_URL, URL_KEY = "full", "key"  # how a repository URL filter compares
_OFFSET, _LIMIT = bindparam("page_offset"), bindparam("page_limit")


@dataclass(frozen=True)
class Shape:
    """Which filters a list request sets (their values are the statement's parameters)."""

    visible: bool = False  # limited to the caller's projects (not an administrator)
    project: bool = False
    search: bool = False
    narrowed: bool = False  # a search reading the tasks of one name piece (task_search)
    group: bool = False
    branch: bool = False
    repo_url: str = ""  # FULL_URL, URL_KEY or none
    review_results: tuple[str, ...] = ()
    job_statuses: tuple[str, ...] = ()
    order: str | None = None  # "up", "down" or creation, newest first

    @property
    def counted(self) -> bool:
        """Whether the kept counts add up to the total (services.task_counts)."""
        if self.search or self.group or self.repo_url:
            return False
        return bool(self.job_statuses) + bool(self.review_results) + self.branch <= 1

    def facets(self, branch: str | None) -> list[str] | None:
        """The kept counts that add up to the total, or None when none do."""
        if not self.counted:
            return None
        if self.job_statuses:
            return [task_counts.job_status_facet(s) for s in self.job_statuses]
        if self.review_results:
            return [task_counts.review_facet(r) for r in self.review_results]
        if self.branch and branch:
            return [task_counts.branch_facet(branch)]
        return [task_counts.ALL]


def matching(shape: Shape) -> Select[tuple[str]]:
    """The ids of the tasks that match. Only columns of `tasks` (with their indexes): no join,
    so counting a broad filter over tens of thousands of tasks stays an index scan."""
    stmt = select(Task.id)
    if shape.visible:
        stmt = stmt.where(Task.project_id.in_(bindparam("visible", expanding=True)))
    if shape.project:
        stmt = stmt.where(Task.project_id == bindparam("project_id"))
    if shape.search:
        stmt = stmt.where(Task.name_folded.like(bindparam("pattern"), escape="\\"))
    if shape.narrowed:
        stmt = stmt.where(task_search.HOLDING_PIECE)
    if shape.group:
        stmt = stmt.where(Task.group_id == bindparam("group_id"))
    if shape.branch:
        stmt = stmt.where(Task.git_branch == bindparam("branch"))
    if shape.repo_url:
        column = Task.git_url if shape.repo_url == FULL_URL else Task.git_url_key
        stmt = stmt.where(column == bindparam("repo_url"))
    if shape.review_results:
        stmt = stmt.where(Task.result_review.in_(shape.review_results))
    if shape.job_statuses:
        stmt = stmt.where(or_(*_status_conditions(shape.job_statuses)))
    return stmt


def _status_conditions(statuses: tuple[str, ...]) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    for status in statuses:
        if status == "executing":
            conditions.append(Task.last_status.in_(ACTIVE_STATUSES))
        elif status == "never_execute":
            conditions.append(Task.last_status.is_(None))
        else:
            conditions.append(Task.last_status == status)
    return conditions


def order(shape: Shape, created: Any, executed: Any, ident: Any) -> tuple[Any, ...]:
    """The list's order over these columns (of `tasks`, or of a set of matches)."""
    if shape.order == "up":
        return executed.asc().nulls_last(), ident
    if shape.order == "down":
        return executed.desc().nulls_last(), ident
    return created.desc(), ident


@lru_cache(maxsize=512)
def page(shape: Shape) -> Select[Any]:
    """A page of ids with the total as a second column; for a search, the total is counted
    over the matches, found once (see `_searched_page`)."""
    if shape.search:
        return _searched_page(shape)
    ordered = order(shape, Task.created_at, Task.last_executed_at, Task.id)
    counted = total(shape)
    return matching(shape).add_columns(counted).order_by(*ordered).offset(_OFFSET).limit(_LIMIT)


def _searched_page(shape: Shape) -> Select[Any]:
    # Every name is read anyway, so the matches are found once, counted and then ordered: given
    # the chance, a prepared statement's generic plan walks an order's index and tests each
    # name in heap order, three times slower.
    matches = (
        matching(shape)
        .add_columns(Task.created_at, Task.last_executed_at)
        .cte("matches")
        .prefix_with("MATERIALIZED", dialect="postgresql")  # SQLite plans no generic plans
    )
    ordered = order(shape, matches.c.created_at, matches.c.last_executed_at, matches.c.id)
    return (
        select(matches.c.id, func.count().over()).order_by(*ordered).offset(_OFFSET).limit(_LIMIT)
    )


@lru_cache(maxsize=512)
def total_alone(shape: Shape) -> Select[tuple[int]]:
    """How many match, for a page past the end (which has no row to carry it)."""
    return select(total(shape))


def total(shape: Shape) -> ColumnElement[int]:
    """How many tasks match: from the kept counts when the filters are among those counted,
    else counted. The job statuses are disjoint, so several are counted one by one and added
    up: each is an index-only count, where their OR makes PostgreSQL read the table."""
    if shape.counted:
        return task_counts.bound_total(by_project=shape.project or shape.visible)
    if len(shape.job_statuses) < 2:
        return _counting(matching(shape))
    counts = [
        _counting(matching(replace(shape, job_statuses=(status,)))) for status in shape.job_statuses
    ]
    return reduce(add, counts)  # one expression: the counts added in SQL


def _counting(stmt: Select[tuple[str]]) -> ColumnElement[int]:
    # The FROM stays `tasks` when no filter names it: count(*) alone would count one row.
    counting = stmt.with_only_columns(func.count(), maintain_column_froms=True)
    return counting.order_by(None).scalar_subquery()
