"""A checkout is budgeted before it is written: a small repository can expand to gigabytes.

The commit's listing (`git ls-tree -r -l -z`) gives every file's size and path, so the total
size, the file count and the folder depth are known before one byte reaches the disk.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field

# A link's blob is its target's name, not the content an analyser reads through it.
_REGULAR = frozenset({b"100644", b"100755"})


class OverBudget(ValueError):
    """The commit would write more than the checkout budget allows."""


@dataclass(frozen=True)
class CheckoutBudget:
    """Limits on what one worktree may hold."""

    max_bytes: int = 2 * 1024**3
    max_files: int = 300_000
    max_depth: int = 64


@dataclass
class Listing:
    """What a checkout would write, and which paths it leaves out."""

    files: int = 0
    size: int = 0
    depth: int = 0
    left_out: list[bytes] | None = None
    # Every regular file (written or not): path → "mode blob-id", the key of reused findings.
    blobs: dict[str, str] = field(default_factory=dict)


def tally(listing: bytes, leave_out: Callable[[str], bool] | None) -> Listing:
    """Count the files of a `ls-tree -r -l -z` listing that a checkout would write.

    A `leave_out` with a `given(paths)` method decides on the whole listing: it is replaced by
    the predicate `given` returns for the listing's paths.
    """
    found = Listing(left_out=[])
    entries = []
    for entry in listing.split(b"\0"):
        meta, _, path = entry.partition(b"\t")
        fields = meta.split()
        if len(fields) >= 4 and fields[1] == b"blob":  # a submodule's entry is never written
            entries.append((fields, path))
    given = getattr(leave_out, "given", None)
    if given is not None:
        leave_out = given([os.fsdecode(path) for _, path in entries])
    for fields, path in entries:
        if fields[0] in _REGULAR:
            found.blobs[os.fsdecode(path)] = f"{fields[0].decode()} {fields[2].decode()}"
        # A link is always written: the walk counts it as a link, whatever its name says.
        if leave_out is not None and fields[0] in _REGULAR and leave_out(os.fsdecode(path)):
            found.left_out.append(path)  # type: ignore[union-attr]
            continue
        found.files += 1
        found.size += int(fields[3]) if fields[3].isdigit() else 0
        found.depth = max(found.depth, path.count(b"/") + 1)
    return found


def check(found: Listing, budget: CheckoutBudget) -> None:
    """Raise OverBudget naming the first limit the checkout would exceed."""
    if found.files > budget.max_files:
        raise OverBudget(
            f"the commit has {found.files} files to check out, more than the limit of "
            f"{budget.max_files} (OPENCHECK_MAX_CHECKOUT_FILES)"
        )
    if found.size > budget.max_bytes:
        raise OverBudget(
            f"the commit's files take {found.size} bytes, more than the limit of "
            f"{budget.max_bytes} (OPENCHECK_MAX_CHECKOUT_BYTES)"
        )
    if found.depth > budget.max_depth:
        raise OverBudget(
            f"the commit nests folders {found.depth} deep, more than the limit of "
            f"{budget.max_depth} (OPENCHECK_MAX_CHECKOUT_DEPTH)"
        )
