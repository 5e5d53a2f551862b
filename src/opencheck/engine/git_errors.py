"""What a failed git command's stderr says, in a line a user can act on."""

from __future__ import annotations

# First match wins; the needle is searched in git's lower-cased stderr.
_FAILURE_REASONS: tuple[tuple[str, str], ...] = (
    ("couldn't find remote ref", "remote branch not found"),
    ("authentication failed", "authentication failed"),
    ("could not read username", "authentication failed"),
    ("could not read password", "authentication failed"),
    ("permission denied (publickey", "authentication failed"),
    ("the requested url returned error: 401", "authentication failed"),
    ("the requested url returned error: 403", "access denied"),
    ("could not resolve host", "host not found"),
    ("connection refused", "connection refused"),
    ("timed out", "connection timed out"),
    ("repository not found", "repository not found or not accessible"),
    ("does not appear to be a git repository", "repository not found or not accessible"),
    ("the requested url returned error: 404", "repository not found or not accessible"),
    ("not found", "repository not found or not accessible"),
)


def failure_reason(stderr: str) -> str:
    """The known reason git failed; else git's first fatal line.

    Git's closing advice ("Please make sure you have the correct access rights and the
    repository exists.") says nothing true about this failure, so it is never quoted.
    """
    lowered = stderr.lower()
    for needle, reason in _FAILURE_REASONS:
        if needle in lowered:
            return reason
    return first_fatal_line(stderr) or "git fetch failed"


def first_fatal_line(stderr: str) -> str:
    """Git's first `fatal:` or `error:` line without its prefix; else its last line."""
    for line in stderr.splitlines():
        line = line.strip()
        for prefix in ("fatal: ", "error: "):
            if line.startswith(prefix):
                return line.removeprefix(prefix)[:300]
    return last_line(stderr)


def last_line(stderr: str) -> str:
    """The last meaningful line of git's stderr, without the `fatal: ` prefix."""
    meaningful = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
    if not meaningful:
        return ""
    last = meaningful[-1]
    for prefix in ("fatal: ", "error: ", "remote: "):
        last = last.removeprefix(prefix)
    return last[:300]
