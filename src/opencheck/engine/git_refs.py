"""What a check may fetch: a branch head, a pull or merge request's head, or one commit.

A request's head is fetched into OpenCheck's own namespace of the cached clone
(`refs/opencheck/...`), never over a branch of the same name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

REQUEST_KINDS = ("pull", "merge-requests")  # GitHub/Gitea and GitLab spell it differently
_COMMIT = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")


@dataclass(frozen=True)
class Target:
    """What to check out. `branch` is always named (it also holds the commit for `commit`)."""

    branch: str
    request: tuple[str, int] | None = None  # ("pull" | "merge-requests", number)
    commit: str | None = None
    # As a comparison base only: the first parent of the commit checked (one commit's change).
    parent_of_head: bool = False

    def __post_init__(self) -> None:
        if self.request is not None:
            kind, number = self.request
            if kind not in REQUEST_KINDS or not 0 < number < 2**31:
                raise ValueError(f"no such request ref: {kind}/{number}")
        if self.commit is not None and not _COMMIT.match(self.commit):
            raise ValueError(f"not a full commit id: {self.commit!r}")

    @property
    def remote_ref(self) -> str:
        """The ref to ask the remote for."""
        if self.request is not None:
            return f"refs/{self.request[0]}/{self.request[1]}/head"
        return f"refs/heads/{self.branch}"

    @property
    def local_ref(self) -> str:
        """Where the fetched ref is kept in the cached clone."""
        if self.request is not None:
            return f"refs/opencheck/{self.request[0]}/{self.request[1]}"
        return self.remote_ref

    def describe(self) -> str:
        if self.parent_of_head:
            return "the parent commit"
        if self.request is not None:
            return f"{self.request[0]} request {self.request[1]}"
        if self.commit is not None:
            return f"commit {self.commit} of branch '{self.branch}'"
        return f"branch '{self.branch}'"


def request_target(branch: str, ref_kind: str, number: int) -> Target:
    """A request head from the run body's `ref` (`pull`, `merge_request`) and its number."""
    kind = {"pull": "pull", "merge_request": "merge-requests"}.get(ref_kind, ref_kind)
    return Target(branch, request=(kind, number))


PARENT = Target("", parent_of_head=True)
