"""Git branch names a task or a run may name."""

from __future__ import annotations

import re

from opencheck.errors import InvalidParameter

_BRANCH_RE = re.compile(r"^(?!-)(?!.*\.\.)(?!.*//)[^\x00-\x20~^:?*\[\\]{1,255}(?<!/)(?<!\.lock)$")


def validate_branch(branch: str, name: str = "git_branch") -> str:
    """The branch name, or a 400 naming the parameter when git would refuse it."""
    if not isinstance(branch, str) or not _BRANCH_RE.match(branch):
        raise InvalidParameter(f"{name} is not a valid git branch name")
    return branch
