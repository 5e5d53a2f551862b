"""Bring the schema up to date with Alembic, once at a time."""

from __future__ import annotations

import fcntl
from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, text

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
ADVISORY_LOCK = 0x0C_0C_A1E1  # OpenCheck's schema upgrade, in PostgreSQL's advisory lock space


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(engine: Engine, lock_dir: Path, encrypt: Callable[[str], str] | None = None) -> None:
    """Upgrade to head; a file lock keeps two processes on one machine from racing, and on
    PostgreSQL an advisory lock those on several machines.

    `encrypt` seals secrets that a data migration moves out of plain columns.
    """
    lock_dir.mkdir(parents=True, exist_ok=True)
    with open(lock_dir / "migrate.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        cfg = alembic_config(engine.url.render_as_string(hide_password=False))
        with engine.connect() as connection:
            # SQLite's batch mode re-creates a table to alter it; with foreign keys on, dropping
            # the old copy would cascade into every child row (defects, logs). Off while
            # migrating (it only takes effect outside a transaction), on again after.
            sqlite = connection.dialect.name == "sqlite"
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
                connection.commit()
            try:
                with connection.begin():
                    if connection.dialect.name == "postgresql":
                        # The file lock covers one machine; API processes on several hosts
                        # starting together share only the database. Released at commit.
                        connection.execute(
                            text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK}
                        )
                    cfg.attributes["connection"] = connection
                    cfg.attributes["encrypt"] = encrypt
                    command.upgrade(cfg, "head")
            finally:
                if sqlite:
                    connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                    connection.commit()
