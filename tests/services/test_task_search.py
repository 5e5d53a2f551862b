"""The search's name pieces: kept on create, rename and delete; a narrowed search finds exactly
what testing every name finds."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from opencheck.runtime import Runtime
from opencheck.services import auth, projects, task_search, task_settings, tasks
from opencheck.services.task_settings import SettingsChange
from opencheck.services.tasks import NewTask
from opencheck.store.db import unit_of_work
from opencheck.store.models import Task, TaskNameGram

NAMES = ["service-1-main", "service-12-main", "service-123-develop", "Überprüfung ÆON",
         "100%_done", "a", "ab", "web-app", "webhooks"]  # fmt: skip
SEARCHES = ["service-12", "SERVICE", "main", "12", "1", "überprüf", "æon", "%_d", "0%", "_",
            "web", "b-a", "hooks", "nothing-like-it", "ab", "ice-123-dev"]  # fmt: skip


def _fleet(s: Session, runtime: Runtime) -> tuple[auth.Principal, str, dict[str, str]]:
    user = auth.create_user(s, name="root", password="pw", is_admin=True)
    principal = auth.Principal(user.id, user.name, True)
    pid = projects.create_project(s, name="p").id
    ids = {}
    for name in NAMES:
        new = NewTask(git_url="https://example.com/a/b.git", git_branch="main",
                      languages=["python"], task_name=name)  # fmt: skip
        ids[name] = tasks.create_task(s, principal=principal, project_id=pid, new=new,
                                      cipher=runtime.cipher,
                                      local_repos=runtime.settings.local_repos).id  # fmt: skip
    return principal, pid, ids


def _pieces(s: Session, task_id: str) -> set[str]:
    return set(s.scalars(select(TaskNameGram.gram).where(TaskNameGram.task_id == task_id)))


def test_pieces_follow_create_rename_and_delete(runtime: Runtime) -> None:
    with unit_of_work(runtime.sessions) as s:
        principal, pid, ids = _fleet(s, runtime)
        task_id = ids["web-app"]
        assert _pieces(s, task_id) == {"web", "eb-", "b-a", "-ap", "app"}
        assert _pieces(s, ids["ab"]) == set()
        change = SettingsChange(task_name="Web-Hook")
        task_settings.update(s, principal=principal, project_id=pid, task_id=task_id,
                             change=change)  # fmt: skip
        assert _pieces(s, task_id) == task_search.grams("web-hook")
        s.execute(delete(Task).where(Task.id == task_id))
        assert _pieces(s, task_id) == set()


@pytest.mark.parametrize("enough", [task_search.ENOUGH, 2, 1])
def test_a_narrowed_search_finds_what_testing_every_name_finds(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch, enough: int
) -> None:
    # enough=1: only a piece no task holds is rare enough; else every name is tested.
    monkeypatch.setattr(task_search, "ENOUGH", enough)
    with unit_of_work(runtime.sessions) as s:
        _fleet(s, runtime)
        conn = s.connection()
        for search in SEARCHES:
            folded = search.lower()
            expected = {t.id for t in s.scalars(select(Task)) if folded in t.name.lower()}
            piece = task_search.rarest_piece(conn, folded)
            holding = select(Task.id).where(task_search.HOLDING_PIECE)
            found = set(s.scalars(holding, {"piece": piece})) if piece is not None else None
            assert found is None or expected <= found, search
            if len(folded) < task_search.GRAM:
                assert piece is None, search
            if enough == 1:  # only a piece no task holds narrows: to nothing
                assert found is None or found == expected == set(), search
