"""Where a tenant's cached bare clone of a repository lives."""

from __future__ import annotations

import hashlib
from pathlib import Path

from opencheck.engine.repo_urls import strip_userinfo, validate_repo_url

__all__ = ["bare_clone_path", "clone_of"]


def bare_clone_path(cache_dir: Path, clean_url: str, scope: str = "") -> Path:
    """Where `scope`'s cached bare clone of `clean_url` (without credentials) lives."""
    name = f"{scope}\0{clean_url}" if scope else clean_url
    key = hashlib.sha256(name.encode()).hexdigest()[:24]
    return cache_dir.resolve() / f"{key}.git"


def clone_of(cache_dir: Path, url: str, scope: str) -> Path | None:
    """Where `scope`'s clone of `url` (credentials in it ignored) lives; None if not a URL."""
    try:
        clean_url = strip_userinfo(validate_repo_url(url))[0]
    except ValueError:
        return None
    return bare_clone_path(cache_dir, clean_url, scope)
