"""The composition root: settings → database, cipher, engine settings, queue."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from opencheck.config import Settings
from opencheck.engine.pipeline import EngineSettings
from opencheck.queue.base import JobQueue
from opencheck.services.checks import CheckContext
from opencheck.services.secrets import Cipher, load_cipher
from opencheck.store import migrate
from opencheck.store.db import make_engine, make_session_factory


@dataclass
class Runtime:
    """Everything long-lived that one OpenCheck process shares."""

    settings: Settings
    db: Engine
    sessions: sessionmaker[Session]
    cipher: Cipher
    check_context: CheckContext
    queue: JobQueue | None = None

    @classmethod
    def build(cls, settings: Settings, *, upgrade: bool = True) -> Runtime:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        db = make_engine(settings.db_url)
        cipher = load_cipher(settings.secret_key, settings.data_dir)
        if upgrade:
            migrate.upgrade(db, settings.data_dir, cipher.encrypt)
        sessions = make_session_factory(db)
        engine_settings = EngineSettings(
            cache_dir=settings.cache_dir,
            work_dir=settings.work_dir,
            fetch_timeout=settings.fetch_timeout,
            analyzer_timeout=settings.analyzer_timeout,
            analyzer_memory_mb=settings.analyzer_memory_mb,
            confine_analyzers=settings.confine_analyzers,
            file_timeout=settings.file_timeout,
            local_repos=settings.local_repos,
            checkout_budget=settings.checkout_budget,
            jobs=max(1, settings.check_jobs),
        )
        ctx = CheckContext(
            sessions,
            cipher,
            engine_settings,
            settings.poll_interval,
            settings.webhook_allowed_hosts,
            lease_seconds=settings.lease_seconds,
            max_attempts=max(1, settings.max_attempts),
            pool_limits=dict(settings.pool_limits),
        )
        return cls(settings, db, sessions, cipher, ctx)

    def start_queue(self) -> JobQueue:
        """Start the queue `serve` uses: with its embedded workers unless `run_workers` is off."""
        from opencheck.queue.factory import make_queue

        self.queue = make_queue(self.settings, self.check_context)
        self.queue.start()
        return self.queue

    def close(self) -> None:
        if self.queue is not None:
            self.queue.shutdown()
            self.queue = None
        self.db.dispose()
