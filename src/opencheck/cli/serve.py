"""`opencheck serve`, `opencheck worker` and `opencheck db upgrade`."""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from opencheck.config import Settings

if TYPE_CHECKING:  # the database is imported when a command needs it, not by `opencheck scan`
    import socket

    import uvicorn

    from opencheck.runtime import Runtime

ADMIN_NAME = "admin"
SERVED_APP = "opencheck.api.served:app"  # the factory each API process of a group builds


def add_parsers(sub: Any, common: Callable[[argparse.ArgumentParser], None]) -> None:
    p = sub.add_parser("serve", help="run the API with embedded scan workers")
    common(p)
    p.add_argument("--host", help="listen address (default 127.0.0.1)")
    p.add_argument("--port", type=int, help="listen port (default 8040)")
    p.add_argument("--workers", type=int, help="embedded scan workers (default 2)")
    p.add_argument("--processes", type=int, help="API processes sharing the port (default 1)")
    p.add_argument(
        "--no-workers",
        dest="run_workers",
        action="store_false",
        default=None,
        help="run the API only; `opencheck worker` processes run the checks",
    )
    w = sub.add_parser("worker", help="run a scan worker of one agent pool")
    common(w)
    w.add_argument(
        "--concurrency", "--workers", dest="workers", type=int, help="checks run at once (2)"
    )
    w.add_argument("--pool", help="the agent pool whose checks it runs (default: default)")
    w.add_argument("--name", dest="worker_name", help="worker name (default host:pid:random)")
    for parser in (p, w):
        parser.add_argument("--queue", choices=("embedded", "celery"), help="job queue backend")
        parser.add_argument(
            "--local-repo-roots",
            metavar="DIRS",
            help=f"folders ({os.pathsep}-separated) whose repositories may be checked by path "
            "or file:// URL; none by default (OPENCHECK_LOCAL_REPO_ROOTS)",
        )


def upgrade(settings: Settings) -> int:
    from opencheck.runtime import Runtime

    runtime = Runtime.build(settings)
    runtime.close()
    print("database is up to date", file=sys.stderr)
    return 0


def ensure_admin(runtime: Runtime) -> str | None:
    """On an empty database create the administrator; returns its one-time password."""
    from sqlalchemy import func, select

    from opencheck.services import auth
    from opencheck.store.db import unit_of_work
    from opencheck.store.models import User

    with unit_of_work(runtime.sessions) as session:
        if session.scalar(select(func.count()).select_from(User)):
            return None
        password = secrets.token_urlsafe(12)
        auth.create_user(session, name=ADMIN_NAME, password=password, is_admin=True)
        return password


def _announce_admin(password: str, settings: Settings) -> None:
    url = f"http://{settings.host}:{settings.port}"
    print(
        f"\nCreated the administrator '{ADMIN_NAME}' with password: {password}\n"
        "This is shown once. Get a token with:\n"
        f"  curl -si -X POST {url}/v3/auth/tokens -H 'Content-Type: application/json' \\\n"
        f'    -d \'{{"auth":{{"identity":{{"methods":["password"],"password":'
        f'{{"user":{{"name":"{ADMIN_NAME}","password":"{password}"}}}}}}}}}}\' '
        "| grep -i x-subject-token\n"
        f"or: opencheck admin create-token {ADMIN_NAME} --data-dir {settings.data_dir}\n",
        file=sys.stderr,
        flush=True,
    )


def serve(settings: Settings) -> int:
    import uvicorn

    from opencheck.api.app import create_app
    from opencheck.runtime import Runtime

    runtime = Runtime.build(settings)
    password = ensure_admin(runtime)
    if password:
        _announce_admin(password, settings)
    if settings.api_processes > 1:
        runtime.close()  # each process builds its own; the database is upgraded already
        return _serve_processes(settings)
    app = create_app(runtime)
    try:
        uvicorn.run(
            app, host=settings.host, port=settings.port, log_level="warning", access_log=False
        )
    finally:
        runtime.close()
    return 0


def _serve_processes(settings: Settings) -> int:
    """API processes on one port, each building the app from the environment: a socket each
    where the kernel spreads connections over them (api.process_group), else uvicorn's group
    sharing one socket."""
    import shutil

    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from opencheck.api import process_group

    os.environ.update(settings_env(settings))
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # HTTP figures summed over the group's processes (api.http_metrics), fresh each start.
        metrics_dir = settings.data_dir / "prometheus"
        shutil.rmtree(metrics_dir, ignore_errors=True)
        metrics_dir.mkdir(parents=True)
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)
    if process_group.supported():
        spec = process_group.ServerSpec(SERVED_APP, settings.host, settings.port)
        group = process_group.ProcessGroup(
            spec, settings.api_processes, hang_seconds=settings.api_hang_seconds
        )
        return group.run()
    config = uvicorn.Config(
        SERVED_APP,
        factory=True,
        workers=settings.api_processes,
        host=settings.host,
        port=settings.port,
        log_level="warning",
        access_log=False,
    )
    Multiprocess(config, sockets=[listener(config)]).run()
    return 0


def listener(config: uvicorn.Config) -> socket.socket:
    """The group's shared listening socket, with TCP_NODELAY for the connections it accepts."""
    import socket

    sock = config.bind_socket()
    # uvicorn makes this socket without IPPROTO_TCP, so asyncio never sets TCP_NODELAY on the
    # connections it accepts: every answer after the first on a keep-alive connection would
    # wait 40 ms for a delayed ACK. Linux copies the listener's TCP_NODELAY to them.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def settings_env(settings: Settings) -> dict[str, str]:
    """The environment that gives `config.from_env` the settings flags can change."""
    from opencheck.engine.local_repos import SETTING as LOCAL_ROOTS

    return {
        "OPENCHECK_DATA_DIR": str(settings.data_dir.resolve()),
        "OPENCHECK_DATABASE_URL": settings.database_url,
        "OPENCHECK_HOST": settings.host,
        "OPENCHECK_PORT": str(settings.port),
        "OPENCHECK_WORKERS": str(settings.workers),
        "OPENCHECK_QUEUE": settings.queue_backend,
        "OPENCHECK_RUN_WORKERS": "1" if settings.run_workers else "0",
        "OPENCHECK_POOL": settings.pool,
        "OPENCHECK_WORKER_NAME": settings.worker_name,
        LOCAL_ROOTS: os.pathsep.join(str(root) for root in settings.local_repo_roots),
    }


def worker(settings: Settings) -> int:
    """Run scan workers of `settings.pool` until SIGTERM or SIGINT."""
    import signal
    import threading

    from opencheck.queue.celery_app import CeleryWorker
    from opencheck.queue.factory import make_worker
    from opencheck.queue.webhook_dispatch import WebhookDispatcher
    from opencheck.runtime import Runtime

    cap_memory(settings.worker_memory_mb)
    runtime = Runtime.build(settings)
    consumer = make_worker(settings, runtime.check_context)
    # Workers also send the webhook events their checks write to the outbox.
    dispatcher = WebhookDispatcher(runtime.check_context)
    print(f"worker of pool {settings.pool!r} ({settings.queue_backend})", file=sys.stderr)
    try:
        if isinstance(consumer, CeleryWorker):
            dispatcher.start()
            consumer.start_upkeep()
            try:
                consumer.run()
            finally:
                consumer.stop()
                dispatcher.stop()
        else:
            stopping = threading.Event()
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, lambda *_: stopping.set())
            consumer.start()  # it runs its own webhook dispatcher
            while not stopping.wait(1.0):
                pass
            consumer.shutdown()
    finally:
        runtime.close()
    return 0


def cap_memory(megabytes: int) -> None:
    """Cap this process's address space (analysers inherit it and may only lower it)."""
    if megabytes > 0:
        import resource

        limit = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
