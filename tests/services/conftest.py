"""A runtime on SQLite in the test's temp dir, and a task to hang executions on."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from opencheck.config import Settings
from opencheck.runtime import Runtime
from opencheck.services import auth, projects, tasks
from opencheck.services.tasks import NewTask
from opencheck.store.models import Task


@pytest.fixture
def runtime(tmp_path: Path) -> Iterator[Runtime]:
    built = Runtime.build(Settings(data_dir=tmp_path / "data"))
    yield built
    built.close()


def make_task(s: Session, runtime: Runtime, git_url: str = "https://example.com/a/b.git") -> Task:
    """A Python task of a fresh project, created by a fresh administrator."""
    user = auth.create_user(s, name="root", password="pw", is_admin=True)
    principal = auth.Principal(user.id, user.name, True)
    pid = projects.create_project(s, name="p").id
    new = NewTask(git_url=git_url, git_branch="main", languages=["python"])
    return tasks.create_task(s, principal=principal, project_id=pid, new=new,
                             cipher=runtime.cipher, local_repos=runtime.settings.local_repos)  # fmt: skip
