"""Files of a checked commit, read back from the cached bare clone (for code fragments).

Worktrees are removed after each check, but the bare clone keeps every fetched commit, so one
`git cat-file --batch` call reads all the files a page of defects needs. A clone that is gone
or a commit that was pruned yields nothing, and callers fall back to the stored line.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from opencheck.engine import runner
from opencheck.engine.clone_paths import clone_of
from opencheck.engine.errors import EngineError
from opencheck.engine.git_config import GIT_ENV, SAFE_CONFIG

TIMEOUT = 10.0
MAX_BLOB_BYTES = 2 * 1024 * 1024


def read_files(
    cache_dir: Path, repo_url: str, commit: str, paths: Sequence[str], scope: str = ""
) -> dict[str, bytes]:
    """The contents of `paths` at `commit`, for those `scope`'s cached clone still holds."""
    bare = clone_of(cache_dir, repo_url, scope)
    if bare is None:
        return {}
    wanted = [p for p in dict.fromkeys(paths) if "\n" not in p]
    if not bare.is_dir() or not wanted or not commit.isalnum():
        return {}
    request = "".join(f"{commit}:{path}\n" for path in wanted).encode()
    try:
        result = runner.run(
            ["git", *SAFE_CONFIG, "cat-file", "--batch"],
            cwd=bare,
            timeout=TIMEOUT,
            memory_mb=None,
            cancelled=lambda: False,
            env=dict(GIT_ENV),
            stdin=request,
        )
    except EngineError:
        return {}
    if result.timed_out or result.returncode != 0:
        return {}
    return _parse_batch(result.stdout, wanted)


def _parse_batch(output: bytes, paths: Sequence[str]) -> dict[str, bytes]:
    """`git cat-file --batch` answers in request order: a header, then the object or nothing."""
    found: dict[str, bytes] = {}
    position = 0
    for path in paths:
        end = output.find(b"\n", position)
        if end < 0:
            break
        header = output[position:end].split()
        position = end + 1
        if len(header) == 3 and header[1] == b"blob":
            size = int(header[2])
            if size <= MAX_BLOB_BYTES:
                found[path] = output[position : position + size]
            position += size + 1  # the object and its trailing newline
        elif len(header) == 3:  # a tree or a commit: skip its body
            position += int(header[2]) + 1
    return found
