"""Alembic migrations build exactly the ORM schema on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from opencheck.domain.languages import SYSTEM_LANGUAGES
from opencheck.store import migrate
from opencheck.store.db import make_engine
from opencheck.store.models import Base, RuleSet
from tests.support import postgres_database


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'm.db'}"
    else:
        with postgres_database() as url:
            yield url


def test_upgrade_matches_models_and_is_idempotent(db_url: str, tmp_path: Path) -> None:
    engine = make_engine(db_url)
    try:
        migrate.upgrade(engine, tmp_path)
        migrate.upgrade(engine, tmp_path)  # a second run changes nothing
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
            assert diff == []
            systems = conn.execute(
                select(func.count()).select_from(RuleSet).where(RuleSet.is_system.is_(True))
            ).scalar()
        assert systems == len(SYSTEM_LANGUAGES)
    finally:
        engine.dispose()


def test_credentials_in_stored_urls_move_into_the_encrypted_ones(
    db_url: str, tmp_path: Path
) -> None:
    from sqlalchemy.orm import Session

    from opencheck.services.secrets import load_cipher
    from opencheck.store.models import ConfigTemplate, Execution, Task

    engine = make_engine(db_url)
    cipher = load_cipher("", tmp_path)
    leaky = "https://robot:s3cret-token@git.example.com/team/repo.git"
    clean = "https://git.example.com/team/repo.git"
    try:
        with engine.begin() as conn:
            _upgrade_to(conn, db_url, "0006")
            project = _insert(conn, "projects", name="p")
            user = _insert(conn, "users", name="u", password_hash="x")
            template = _insert(conn, "config_templates", project_id=project, name="t",
                               repo_url=leaky, repo_type="GitPub", branch="main", creator="x",
                               last_reviser="x", review_data={})  # fmt: skip
            task = _insert(conn, "tasks", project_id=project, template_id=template, name="t",
                           git_url=leaky, git_url_key="git.example.com/team/repo",
                           git_branch="main", creator_id=user)  # fmt: skip
            _insert(conn, "executions", task_id=task, job_type="full", status="success",
                    executor="x", git_url=leaky, git_branch="main")  # fmt: skip
        migrate.upgrade(engine, tmp_path, cipher.encrypt)
        with Session(engine) as s:
            stored = s.scalars(select(Task)).one()
            assert stored.git_url == clean
            assert stored.username_enc and cipher.decrypt(stored.username_enc) == "robot"
            assert stored.access_token_enc
            assert cipher.decrypt(stored.access_token_enc) == "s3cret-token"
            assert s.scalars(select(ConfigTemplate.repo_url)).one() == clean
            execution = s.scalars(select(Execution)).one()
            assert execution.git_url == clean and execution.credentials_enc
            assert "s3cret-token" in cipher.decrypt(execution.credentials_enc)
    finally:
        engine.dispose()


def _insert(conn: sa.Connection, table: str, **values: Any) -> str:
    """A row in the table as an older revision shaped it (the ORM has moved on): columns that
    may not be NULL and have no value here get an id, 0, "", false or now by their type."""
    reflected = sa.Table(table, sa.MetaData(), autoload_with=conn)
    row = dict(values)
    for column in reflected.columns:
        if column.name in row or column.nullable or column.server_default is not None:
            continue
        if column.name == "id" and isinstance(column.type, sa.Integer):
            continue  # numbered by the database
        if column.name == "id":
            row["id"] = uuid.uuid4().hex
        elif isinstance(column.type, sa.Boolean):
            row[column.name] = False
        elif isinstance(column.type, sa.Integer):
            row[column.name] = 0
        elif isinstance(column.type, sa.DateTime):
            row[column.name] = datetime.now(UTC)
        else:
            row[column.name] = ""
    conn.execute(reflected.insert().values(**row))
    return str(row.get("id", ""))


def _upgrade_to(conn: sa.Connection, db_url: str, revision: str) -> None:
    """Migrate the database on `conn` up to `revision` (to put in rows as it shaped them)."""
    from alembic import command

    cfg = migrate.alembic_config(db_url)
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, revision)


def _old_task(conn: sa.Connection) -> str:
    """A task (with its project, user and template) as an older revision stores one."""
    project = _insert(conn, "projects", name="p")
    user = _insert(conn, "users", name="u", password_hash="x")
    template = _insert(conn, "config_templates", project_id=project, name="t",
                       repo_url="https://h/r.git", repo_type="GitPub", branch="main",
                       creator="x", last_reviser="x", review_data=[])  # fmt: skip
    return _insert(conn, "tasks", project_id=project, template_id=template, name="t",
                   git_url="https://h/r.git", git_url_key="h/r", git_branch="main",
                   creator_id=user)  # fmt: skip


def test_execution_messages_become_log_rows(db_url: str, tmp_path: Path) -> None:

    from opencheck.services.execution_states import log_texts
    from opencheck.store.models import ExecutionLog

    engine = make_engine(db_url)
    text = (
        "2026/11/30 10:00:01 GMT+00:00 Check queued by admin\n"
        "2026/11/30 10:00:02 GMT+00:00 [WARNING] Partial result: analysers failed: x\n"
        "2026/11/30 10:00:03 GMT+00:00 [ERROR] git said no\n"
    )
    try:
        with engine.begin() as conn:
            _upgrade_to(conn, db_url, "0009")
            task = _old_task(conn)
            execution = _insert(conn, "executions", task_id=task, job_type="FULL",
                                status="failed", executor="x", git_url="https://h/r.git",
                                git_branch="main", message=text)  # fmt: skip
        migrate.upgrade(engine, tmp_path)
        with Session(engine) as s:
            levels = [
                row.level for row in s.scalars(select(ExecutionLog).order_by(ExecutionLog.id))
            ]
            assert levels == ["INFO", "WARNING", "ERROR"]
            assert log_texts(s, [execution]) == {execution: text}
    finally:
        engine.dispose()


def test_task_names_are_folded_for_search(db_url: str, tmp_path: Path) -> None:

    from opencheck.store.models import Task

    engine = make_engine(db_url)
    try:
        with engine.begin() as conn:
            _upgrade_to(conn, db_url, "0021")
            task = _old_task(conn)
            conn.execute(sa.text("UPDATE tasks SET name = :n"), {"n": "Überprüfung ÆON"})
        migrate.upgrade(engine, tmp_path)
        with Session(engine) as s:
            assert s.scalar(select(Task.name_folded).where(Task.id == task)) == "überprüfung æon"
    finally:
        engine.dispose()


def test_every_task_name_is_cut_into_pieces_for_search(db_url: str, tmp_path: Path) -> None:

    from opencheck.services.task_search import grams
    from opencheck.store.models import TaskNameGram

    engine = make_engine(db_url)
    try:
        with engine.begin() as conn:
            _upgrade_to(conn, db_url, "0024")
            task = _old_task(conn)
            conn.execute(sa.text("UPDATE tasks SET name_folded = :n"), {"n": "überprüfung æon"})
        migrate.upgrade(engine, tmp_path)
        with Session(engine) as s:
            stored = s.scalars(select(TaskNameGram.gram).where(TaskNameGram.task_id == task))
            assert set(stored) == grams("überprüfung æon") and "prü" in grams("überprüfung æon")
    finally:
        engine.dispose()


def test_the_task_list_counts_start_from_the_tasks(db_url: str, tmp_path: Path) -> None:

    from opencheck.services import task_counts

    engine = make_engine(db_url)
    columns = [("success", "error"), ("running", None), (None, None), ("quering", "success")]
    try:
        with engine.begin() as conn:
            _upgrade_to(conn, db_url, "0022")
            first = _old_task(conn)
            project, template, user = conn.execute(
                sa.text("SELECT project_id, template_id, creator_id FROM tasks WHERE id = :t"),
                {"t": first},
            ).one()
            for n, (status, review) in enumerate(columns):
                task = first if n == 0 else _insert(
                    conn, "tasks", project_id=project, template_id=template, name=f"t{n}",
                    git_url="https://h/r.git", git_url_key="h/r", git_branch="main",
                    creator_id=user)  # fmt: skip
                conn.execute(
                    sa.text("UPDATE tasks SET last_status = :s, result_review = :r WHERE id = :t"),
                    {"s": status, "r": review, "t": task},
                )
        migrate.upgrade(engine, tmp_path)
        expected = {"all": 4, "status:success": 1, "status:executing": 2,
                    "status:never_execute": 1, "review:error": 1, "review:success": 1,
                    "branch:main": 4, "status:failed": 0}  # fmt: skip
        with engine.connect() as conn:
            got = {facet: task_counts.total(conn, [facet], None) for facet in expected}
        assert got == expected
    finally:
        engine.dispose()


def test_executions_count_their_ignored_and_deferred_defects(db_url: str, tmp_path: Path) -> None:

    from opencheck.store.models import Execution

    engine = make_engine(db_url)
    try:
        with engine.begin() as conn:
            _upgrade_to(conn, db_url, "0025")
            task = _old_task(conn)
            counted, empty = (
                _insert(conn, "executions", task_id=task, job_type="full", status="success",
                        executor="x", git_url="https://h/r.git", git_branch="main")
                for _ in range(2)
            )  # fmt: skip
            later = datetime(2030, 1, 1, tzinfo=UTC)
            # (status, deferred until, suppression): ignored twice, deferred once, open once.
            for n, (status, until, suppression) in enumerate(
                [(2, None, None), (0, None, "noqa"), (0, later, None), (0, None, None)]
            ):
                _insert(conn, "task_defects", task_id=task, fingerprint=f"fp{n}", rule_id="r",
                        language="Python", detection="new", status=status,
                        delayed_until=until)  # fmt: skip
                defect = conn.execute(
                    sa.text("SELECT id FROM task_defects WHERE fingerprint = :f"), {"f": f"fp{n}"}
                ).scalar_one()
                _insert(conn, "defect_occurrences", execution_id=counted, defect_id=defect,
                        severity=2, file_path="a.py", line=n + 1,
                        suppression=suppression)  # fmt: skip
        migrate.upgrade(engine, tmp_path)
        with Session(engine) as s:
            got = {e.id: (e.dismissed_count, e.delayed_count) for e in s.scalars(select(Execution))}
        assert got == {counted: (2, 1), empty: (0, 0)}
    finally:
        engine.dispose()


def test_foreign_keys_are_on_again_after_an_sqlite_upgrade(tmp_path: Path) -> None:
    """Migrations run with them off (batch mode re-creates tables); every later use has them."""
    engine = make_engine(f"sqlite:///{tmp_path / 'fk.db'}")
    try:
        migrate.upgrade(engine, tmp_path)
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        engine.dispose()


def test_per_execution_defects_become_task_defects_and_occurrences(
    db_url: str, tmp_path: Path
) -> None:

    from opencheck.engine.fingerprint import line_key
    from opencheck.store.models import DefectOccurrence, TaskDefect

    engine = make_engine(db_url)
    try:
        with engine.begin() as conn:
            _upgrade_to(conn, db_url, "0010")
            task = _old_task(conn)
            runs = [
                _insert(
                    conn,
                    "executions",
                    task_id=task,
                    job_type="FULL",
                    status="success",
                    executor="x",
                    git_url="https://h/r.git",
                    git_branch="main",
                    created_at=datetime(2026, 11, day, tzinfo=UTC),
                )
                for day in (1, 2)
            ]
            for run, fingerprint, line, status, suppression in (
                (runs[0], "fp-kept", 3, 1, None),
                (runs[0], "fp-gone", 9, 0, None),
                (runs[1], "fp-kept", 5, 1, None),
                (runs[1], "fp-hushed", 7, 2, "noqa: legacy"),
            ):
                _insert(conn, "defects", execution_id=run, rule_id="ruff:F401", severity=2,
                        language="Python", file_path="a.py", line=line, column=1, message="m",
                        code_line="import os", fingerprint=fingerprint, status=status,
                        suppression=suppression, hotspot=False)  # fmt: skip
        migrate.upgrade(engine, tmp_path)
        with Session(engine) as s:
            defects = {d.fingerprint: d for d in s.scalars(select(TaskDefect))}
            assert sorted(defects) == ["fp-gone", "fp-hushed", "fp-kept"]
            kept = defects["fp-kept"]
            assert kept.first_seen_execution_id == runs[0]
            assert kept.status == 1 and defects["fp-hushed"].status == 0  # suppression stays put
            occurrences = s.scalars(select(DefectOccurrence).order_by(DefectOccurrence.line)).all()
            assert [(o.execution_id, o.line, o.suppression) for o in occurrences] == [
                (runs[0], 3, None), (runs[1], 5, None), (runs[1], 7, "noqa: legacy"),
                (runs[0], 9, None)]  # fmt: skip
            # 0012: the loose identity from the last occurrence, counted per execution.
            assert {d.fingerprint: (d.path, d.line_key) for d in defects.values()} == {
                "fp-kept": ("a.py", line_key("ruff:F401", "importos", 0)),
                "fp-hushed": ("a.py", line_key("ruff:F401", "importos", 1)),
                "fp-gone": ("a.py", line_key("ruff:F401", "importos", 0)),
            }
            assert [o.detection for o in occurrences] == ["new", "unresolved", "new", "new"]
    finally:
        engine.dispose()


def test_occurrence_key_downgrades_and_upgrades_again(db_url: str, tmp_path: Path) -> None:
    """0016 both ways, with a row: the surrogate id, its unique pair and foreign keys come back."""
    from alembic import command

    engine = make_engine(db_url)
    try:
        migrate.upgrade(engine, tmp_path)
        with engine.begin() as conn:
            task = _old_task(conn)
            run = _insert(conn, "executions", task_id=task, job_type="FULL", status="success",
                          executor="x", git_url="https://h/r.git", git_branch="main")  # fmt: skip
            _insert(conn, "task_defects", task_id=task, fingerprint="fp", rule_id="r",
                    language="Python", detection="new")  # fmt: skip
            defect = conn.execute(sa.text("SELECT id FROM task_defects")).scalar()
            _insert(conn, "defect_occurrences", execution_id=run, defect_id=defect, severity=2,
                    file_path="a.py", line=1, column=1, message="m", code_line="c")  # fmt: skip
            cfg = migrate.alembic_config(db_url)
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0015")
            back = sa.inspect(conn)
            assert back.get_pk_constraint("defect_occurrences")["constrained_columns"] == ["id"]
            assert len(back.get_foreign_keys("defect_occurrences")) == 2
            assert conn.execute(sa.text("SELECT id FROM defect_occurrences")).scalar() is not None
            command.upgrade(cfg, "head")
        with engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
            assert conn.execute(sa.text("SELECT count(*) FROM defect_occurrences")).scalar() == 1
    finally:
        engine.dispose()


def test_servers_started_together_on_one_postgresql_upgrade_it_once(tmp_path: Path) -> None:
    """Several `opencheck` processes on different hosts (data dirs), one fresh database: one
    upgrades, the others wait for it and find the schema current."""
    opencheck = str(Path(sys.executable).parent / "opencheck")
    with postgres_database() as url:
        env = {**os.environ, "OPENCHECK_DATABASE_URL": url}
        procs = [
            subprocess.Popen(
                [opencheck, "db", "upgrade", "--data-dir", str(tmp_path / f"host{n}")],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            for n in range(5)
        ]
        errors = [proc.communicate(timeout=120)[1] for proc in procs]
        assert [proc.returncode for proc in procs] == [0] * 5, errors
        engine = make_engine(url)
        try:
            with engine.connect() as conn:
                versions = conn.execute(sa.text("SELECT version_num FROM alembic_version")).all()
        finally:
            engine.dispose()
    assert len(versions) == 1
