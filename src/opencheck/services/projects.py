"""Projects, their members and task groups; permission checks live here."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from opencheck.errors import InvalidParameter, NotFound, PermissionDenied, ProjectNotFound
from opencheck.services.auth import Principal
from opencheck.services.permissions import ROLES, Action, allows
from opencheck.store.models import Project, ProjectMember, TaskGroup, User

HEX32 = re.compile(r"^[0-9a-f]{32}$")


def check_id(value: str, name: str) -> str:
    """Validate a 32-hex id parameter."""
    if not HEX32.match(value or ""):
        raise InvalidParameter(f"{name} must be a 32-character lower-case hex id")
    return value


def create_project(session: Session, *, name: str) -> Project:
    name = name.strip()
    if not name or len(name) > 256:
        raise InvalidParameter("project name must be 1-256 characters")
    project = Project(name=name)
    session.add(project)
    session.flush()
    return project


def get_project_or_raise(session: Session, *, project_id: str) -> Project:
    check_id(project_id, "project_id")
    project = session.get(Project, project_id)
    if project is None:
        raise ProjectNotFound(f"project {project_id} does not exist")
    return project


def add_member(session: Session, *, project_id: str, user: User, role: str) -> ProjectMember:
    """Add or change a member's role."""
    if role not in ROLES:
        raise InvalidParameter(f"role must be one of {', '.join(sorted(ROLES))}")
    get_project_or_raise(session, project_id=project_id)
    member = session.get(ProjectMember, (project_id, user.id))
    if member is None:
        member = ProjectMember(project_id=project_id, user_id=user.id, role=role)
        session.add(member)
    else:
        member.role = role
    session.flush()
    return member


def role_of(session: Session, *, project_id: str, user_id: str) -> str | None:
    member = session.get(ProjectMember, (project_id, user_id))
    return member.role if member else None


def member_project_ids(session: Session, *, principal: Principal) -> list[str] | None:
    """Projects the caller can see; None means all (administrators)."""
    if principal.is_admin:
        return None
    return list(
        session.scalars(
            select(ProjectMember.project_id).where(ProjectMember.user_id == principal.user_id)
        ).all()
    )


def require(session: Session, *, principal: Principal, project_id: str, action: Action) -> None:
    """Raise PermissionDenied unless the caller may perform `action` in the project."""
    if principal.is_admin:
        return
    role = role_of(session, project_id=project_id, user_id=principal.user_id)
    if not allows(role, action):
        raise denied(action)


def denied(action: Action) -> PermissionDenied:
    """The refusal of `action` to the current user."""
    return PermissionDenied(f"current user does not have permission {action.value}")


def create_group(session: Session, *, project_id: str, name: str) -> TaskGroup:
    get_project_or_raise(session, project_id=project_id)
    if not name.strip():
        raise InvalidParameter("group name must not be empty")
    group = TaskGroup(project_id=project_id, name=name.strip())
    session.add(group)
    session.flush()
    return group


def get_group_or_raise(session: Session, *, group_id: str, project_id: str) -> TaskGroup:
    group = session.get(TaskGroup, group_id)
    if group is None or group.project_id != project_id:
        raise NotFound(f"task group {group_id} not found in project {project_id}")
    return group


def projects_named(
    session: Session, *, principal: Principal, name: str, region: str
) -> list[Project]:
    """IAM's project lookup: the caller's projects named `name`; the region's name stands for
    all of them, so that an SDK client configured by region finds its one project."""
    visible = member_project_ids(session, principal=principal)
    stmt = select(Project).order_by(Project.created_at, Project.id)
    if visible is not None:
        stmt = stmt.where(Project.id.in_(visible))
    if name != region:
        stmt = stmt.where(Project.name == name)
    elif visible is None:  # an administrator sees every project: the region names none
        return []
    return list(session.scalars(stmt))
