"""Repository URLs: which forms are allowed, their canonical form, and the host's repo type."""

from __future__ import annotations

import posixpath
import re
from urllib.parse import SplitResult, unquote, urlsplit

ALLOWED_SCHEMES = frozenset({"file", "http", "https", "ssh", "git"})
DEFAULT_PORTS = {"http": 80, "https": 443, "ssh": 22, "git": 9418}

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# `transport::address` runs arbitrary remote helpers (`ext::sh -c …`, `fd::3`): never allowed.
_TRANSPORT = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*::")
_HOST = r"(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])"
_SCP = re.compile(
    rf"^(?:(?P<user>[A-Za-z0-9._~+][A-Za-z0-9._~+-]*)@)?(?P<host>{_HOST}):(?P<path>.+)$"
)

# Checked in order; a host matches a domain when it equals it or is a subdomain of it.
_REPO_TYPES: tuple[tuple[str, str], ...] = (
    ("github.com", "GitHub"),
    ("gitee.com", "Gitee"),
    ("gitlab.com", "gitlab"),
    ("bitbucket.org", "bitbucket"),
)
_REPO_TYPE_WORDS: tuple[tuple[str, str], ...] = (
    ("gitcode", "gitcode"),
    ("codehub", "DevCloud"),
    ("devcloud", "DevCloud"),
    ("myhuaweicloud", "DevCloud"),
)


def validate_repo_url(url: str) -> str:
    """Return `url` stripped if it is a local path or a file/http(s)/ssh/git/scp-like URL.

    Raises ValueError naming the problem for anything else (`ext::`, options, control characters).
    """
    url = url.strip()
    if not url:
        raise ValueError("repository URL is empty")
    if _CONTROL.search(url):
        raise ValueError("repository URL contains control characters")
    if url.startswith("-"):
        raise ValueError("repository URL must not start with '-'")
    if _TRANSPORT.match(url):
        raise ValueError("repository URL uses a '<transport>::' form, which is not allowed")
    if url.startswith("/"):
        return url
    if "://" in url:
        _check_scheme_url(url)
        return url
    if _SCP.match(url):
        return url
    raise ValueError(
        f"unsupported repository URL {url!r}: use an absolute path, file://, http(s)://, "
        "ssh://, git:// or user@host:path"
    )


def _check_scheme_url(url: str) -> None:
    parts = _split(url)
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise ValueError(f"repository URL scheme {scheme!r} is not allowed")
    if scheme == "file":
        if parts.netloc not in ("", "localhost") or not parts.path.startswith("/"):
            raise ValueError("file:// URLs need an absolute path (file:///path)")
        return
    host = parts.hostname or ""
    if not re.fullmatch(_HOST, host) and not re.fullmatch(_HOST, f"[{host}]"):
        raise ValueError("repository URL has no valid host")
    if (parts.username or "").startswith("-"):
        raise ValueError("repository URL user must not start with '-'")


def _split(url: str) -> SplitResult:
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises ValueError on a malformed port
    except ValueError as exc:
        raise ValueError(f"malformed repository URL: {exc}") from None
    return parts


def normalize_repo_url(url: str) -> str:
    """Canonical `host[:port]/path` of a remote, or the absolute path of a local repository.

    Drops scheme, user, password, default ports, trailing `/` and `.git`; lower-cases the host
    and keeps the path's case, so SSH and HTTP(S) forms of one repository compare equal.
    """
    url = validate_repo_url(url)
    if url.startswith("/"):
        return _local(url)
    if "://" not in url:
        match = _SCP.match(url)
        if match is None:  # pragma: no cover - validate_repo_url accepted it as scp-like
            raise ValueError(f"unsupported repository URL {url!r}")
        return _join(match["host"].lower(), None, match["path"])
    parts = _split(url)
    if parts.scheme.lower() == "file":
        return _local(unquote(parts.path))
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    if port == DEFAULT_PORTS.get(parts.scheme.lower()):
        port = None
    return _join(host, port, parts.path)


def _local(path: str) -> str:
    return posixpath.normpath(path).rstrip("/") or "/"


def _join(host: str, port: int | None, path: str) -> str:
    path = path.strip("/")
    path = path.removesuffix(".git").rstrip("/")
    netloc = host if port is None else f"{host}:{port}"
    return f"{netloc}/{path}" if path else netloc


def host_of(url: str) -> str | None:
    """The lower-case host of a remote URL, or None for a local repository."""
    normalized = normalize_repo_url(url)
    if normalized.startswith("/"):
        return None
    host = normalized.split("/", 1)[0]
    return host if host.startswith("[") else host.split(":", 1)[0]


def repo_type_of(url: str) -> str:
    """CodeArts `repoType` guessed from the host (`GitHub`, `Gitee`, …, else `GitPub`)."""
    host = host_of(url) or ""
    for domain, repo_type in _REPO_TYPES:
        if host == domain or host.endswith("." + domain):
            return repo_type
    labels = host.split(".")
    for word, repo_type in _REPO_TYPE_WORDS:
        if any(word in label for label in labels):
            return repo_type
    return "GitPub"


def strip_userinfo(url: str) -> tuple[str, str | None, str | None]:
    """Split `scheme://user:password@host/…` into the URL without a password, user and password.

    HTTP(S) URLs lose the whole userinfo (a lone user there is usually a token); other schemes
    keep the user, who is a login name (`ssh://git@host`), not a secret.
    """
    if "://" not in url:
        return url, None, None
    parts = _split(url)
    if "@" not in parts.netloc:
        return url, None, None
    user = unquote(parts.username) if parts.username is not None else None
    password = unquote(parts.password) if parts.password is not None else None
    hostport = parts.netloc.rsplit("@", 1)[1]
    if parts.scheme.lower() in ("http", "https"):
        netloc = hostport
    else:
        netloc = f"{parts.netloc.rsplit('@', 1)[0].split(':', 1)[0]}@{hostport}"
    return parts._replace(netloc=netloc).geturl(), user, password
