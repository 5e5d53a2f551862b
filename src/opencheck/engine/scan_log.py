"""What a scan tells its observer about the tree and the way it was checked."""

from __future__ import annotations

from typing import Protocol

from opencheck.domain.roles import Role
from opencheck.engine import landlock
from opencheck.engine.inventory import Inventory
from opencheck.engine.reuse import Reuse


class Log(Protocol):
    """Where the lines go: a ScanObserver."""

    def log(self, message: str) -> None: ...


def log_reuse(reuse: Reuse, observer: Log) -> None:
    counts = reuse.cache.counts
    if counts.dropped:
        observer.log(f"[WARNING] The reuse cache was unreadable and is rebuilt: {counts.dropped}")
    observer.log(
        f"Reused {counts.hits} results of unchanged files, computed {counts.misses} "
        f"(findings of one analyser, or measures, of one file each)"
    )


def log_confinement(wanted: bool, observer: Log) -> None:
    if not wanted:
        observer.log("[WARNING] Analysers are not confined to the worktree (switched off)")
    elif reason := landlock.available():
        observer.log(f"[WARNING] Analysers are not confined to the worktree: {reason}")
    else:
        observer.log(f"Analysers may read only the worktree (Landlock ABI {landlock.abi()})")


def log_inventory(inventory: Inventory, observer: Log) -> None:
    counts = ", ".join(f"{lang} {len(paths)}" for lang, paths in sorted(inventory.files.items()))
    observer.log(f"Found {inventory.total_files} files to check ({counts or 'none'})")
    if inventory.skipped:
        reasons = ", ".join(f"{reason} {n}" for reason, n in sorted(inventory.skipped.items()))
        observer.log(f"Skipped {sum(inventory.skipped.values())} files: {reasons}")
    counts = inventory.role_counts()
    observer.log(
        "Code roles: "
        + ", ".join(f"{role.value} {counts[role]}" for role in Role)
        + f" (left out: {len(inventory.left_out)} files, see the file list)"
    )
