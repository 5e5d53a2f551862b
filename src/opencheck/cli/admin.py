"""`opencheck admin …`: users, projects, members, groups, tokens and access keys."""

from __future__ import annotations

import argparse
import getpass
import re
import sys
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from opencheck.config import Settings
from opencheck.errors import InvalidParameter

if TYPE_CHECKING:  # the database is imported when a command needs it, not by `opencheck scan`
    from opencheck.runtime import Runtime

_TTL_RE = re.compile(r"^(\d+)([smhd])$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_ttl(value: str) -> timedelta:
    """`30m`, `24h`, `7d` → timedelta."""
    match = _TTL_RE.match(value.strip())
    if not match or int(match.group(1)) == 0:
        raise InvalidParameter(f"invalid --ttl {value!r}: use a number and s, m, h or d (e.g. 24h)")
    return timedelta(seconds=int(match.group(1)) * _UNITS[match.group(2)])


def add_parsers(sub: Any, common: Callable[[argparse.ArgumentParser], None]) -> None:
    admin = sub.add_parser("admin", help="manage users, projects and credentials")
    cmds = admin.add_subparsers(dest="admin_command", required=True)
    p = cmds.add_parser("create-user", help="create a user")
    p.add_argument("name")
    p.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    p.add_argument("--admin", action="store_true", help="make the user an administrator")
    p = cmds.add_parser("create-project", help="create a project; prints its id")
    p.add_argument("name")
    p = cmds.add_parser("add-member", help="give a user a role in a project")
    p.add_argument("project_id")
    p.add_argument("user")
    p.add_argument("role", help="owner, developer, tester or viewer")
    p = cmds.add_parser("create-group", help="create a task group in a project; prints its id")
    p.add_argument("project_id")
    p.add_argument("name")
    p = cmds.add_parser("create-token", help="issue an X-Auth-Token for a user")
    p.add_argument("user")
    p.add_argument("--ttl", default="24h", help="lifetime such as 30m, 24h, 7d (default 24h)")
    p = cmds.add_parser("revoke-token", help="revoke a user's tokens (all, or the one given)")
    p.add_argument("user")
    p.add_argument("--token-stdin", action="store_true", help="read the one token from stdin")
    p = cmds.add_parser("create-access-key", help="issue an AK/SK pair for SDK signing")
    p.add_argument("user")
    for parser in cmds.choices.values():
        common(parser)


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("Password: ")
    if not password:
        raise InvalidParameter("the password must not be empty")
    return password


def _revoke(args: argparse.Namespace, session: Any) -> str:
    from opencheck.services import auth

    user = auth.get_user_by_name_or_raise(session, name=args.user)
    if not args.token_stdin:
        return f"revoked {auth.revoke_tokens(session, user=user)} tokens of {user.name}"
    token = sys.stdin.readline().strip()
    principal = auth.Principal(user.id, user.name, False)
    auth.revoke_token(session, principal=principal, subject=token)
    return f"revoked the token of {user.name}"


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Carry out one admin command against the configured database."""
    from opencheck.runtime import Runtime
    from opencheck.store.db import unit_of_work

    runtime = Runtime.build(settings)
    try:
        with unit_of_work(runtime.sessions) as session:
            out = _dispatch(args, session, runtime)
    finally:
        runtime.close()
    print(out)
    return 0


def _dispatch(args: argparse.Namespace, session: Any, runtime: Runtime) -> str:
    from opencheck.services import auth, projects

    cmd = args.admin_command
    if cmd == "create-user":
        user = auth.create_user(
            session, name=args.name, password=_password(args), is_admin=args.admin
        )
        return user.id
    if cmd == "create-project":
        return projects.create_project(session, name=args.name).id
    if cmd == "add-member":
        user = auth.get_user_by_name_or_raise(session, name=args.user)
        projects.add_member(session, project_id=args.project_id, user=user, role=args.role)
        return f"{args.user} is {args.role} of {args.project_id}"
    if cmd == "create-group":
        projects.get_project_or_raise(session, project_id=args.project_id)
        return projects.create_group(session, project_id=args.project_id, name=args.name).id
    if cmd == "create-token":
        user = auth.get_user_by_name_or_raise(session, name=args.user)
        ttl = parse_ttl(args.ttl)
        limit = runtime.settings.token_max_ttl_seconds
        if ttl.total_seconds() > limit:
            raise InvalidParameter(f"--ttl exceeds the maximum token lifetime ({limit} seconds)")
        token, _ = auth.issue_token(session, user=user, ttl=ttl)
        return token
    if cmd == "revoke-token":
        return _revoke(args, session)
    user = auth.get_user_by_name_or_raise(session, name=args.user)
    ak, sk = auth.create_access_key(session, user=user, cipher=runtime.cipher)
    return f"AK={ak}\nSK={sk}"
