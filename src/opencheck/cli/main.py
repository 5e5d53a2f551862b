"""The `opencheck` command: scan, serve, worker, db, admin and remote sub-commands."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from opencheck import __version__, logs
from opencheck.cli import admin, remote, scan, serve
from opencheck.config import SettingError, Settings, from_env
from opencheck.engine.errors import EngineError
from opencheck.engine.local_repos import parse_roots
from opencheck.errors import OpenCheckError


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", type=Path, help="data directory (SQLite, clones, keys)")
    parser.add_argument("--database-url", help="SQLAlchemy URL; overrides OPENCHECK_DATABASE_URL")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="opencheck", description=__doc__)
    parser.add_argument("--version", action="version", version=f"opencheck {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    scan.add_parser(sub)
    serve.add_parsers(sub, _common)
    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    _common(db_sub.add_parser("upgrade", help="apply Alembic migrations up to head"))
    admin.add_parsers(sub, _common)
    remote.add_parsers(sub)
    return parser


def settings_from(args: argparse.Namespace) -> Settings:
    """Environment first, then flags."""
    return from_env().with_overrides(
        data_dir=getattr(args, "data_dir", None),
        database_url=getattr(args, "database_url", None),
        host=getattr(args, "host", None),
        port=getattr(args, "port", None),
        workers=getattr(args, "workers", None),
        queue_backend=getattr(args, "queue", None),
        run_workers=getattr(args, "run_workers", None),
        api_processes=getattr(args, "processes", None),
        pool=getattr(args, "pool", None),
        worker_name=getattr(args, "worker_name", None),
        local_repo_roots=_roots(getattr(args, "local_repo_roots", None)),
    )


def _roots(value: str | None) -> tuple[Path, ...] | None:
    return None if value is None else parse_roots(value)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    args = build_parser().parse_args(argv)
    # `scan` and `admin` print their result; only a server's progress is worth INFO lines.
    level = logging.INFO if args.command in ("serve", "worker", "db") else logging.WARNING
    logs.configure(logs.TEXT, level)
    try:
        if args.command == "scan":  # no settings, no database: a working copy on disk
            return scan.run(args)
        if args.command == "remote":  # no local settings, database or data directory
            return remote.run(args)
        settings = settings_from(args)
        logs.configure(settings.log_format, level)
        if args.command == "serve":
            return serve.serve(settings)
        if args.command == "worker":
            return serve.worker(settings)
        if args.command == "db":
            return serve.upgrade(settings)
        return admin.run(args, settings)
    except OpenCheckError as exc:
        print(f"opencheck: {exc.message}", file=sys.stderr)
        return 2
    except SettingError as exc:
        print(f"opencheck: {exc}", file=sys.stderr)
        return 2
    except EngineError as exc:
        print(f"opencheck: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception:
        if args.command != "scan":
            raise
        # A crash must not look like a failed gate (exit 1) to a pipeline.
        logging.getLogger("opencheck").exception("internal error")
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
