"""Pinned real source trees for the scan benchmark: downloaded once, verified, committed to git.

PyPI sdists come through `pip download` (so pip's configured index applies), npm tarballs
straight from the npm registry with urllib. Every archive is checked against a pinned
integrity string in the npm (SRI) form, `<algorithm>-<base64 digest>`, before it is used.
"""

from __future__ import annotations

import base64
import hashlib
import os
import subprocess
import sys
import tarfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import IO

BENCH = Path(__file__).resolve().parent
CACHE = BENCH / ".cache"
GIT_ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@example.com",
    "GIT_CONFIG_GLOBAL": "/dev/null",
}
NPM = "https://registry.npmjs.org"


@dataclass(frozen=True)
class Source:
    """One pinned archive: from PyPI (`pip_spec`) or from the npm registry (`npm_url`)."""

    label: str
    filename: str
    integrity: str
    pip_spec: str = ""
    npm_url: str = ""


SOURCES: dict[str, Source] = {
    # = sha256 hex 23254866a5bb9a2cfa6004e8b809ec6246eba4b58a7589bc2772f1bcc8456c7f (PyPI index)
    "django": Source(
        label="Django 5.2.8 sdist (PyPI)",
        filename="django-5.2.8.tar.gz",
        integrity="sha256-IyVIZqW7miz6YATouAnsYkbrpLWKdYm8J3LxvMhFbH8=",
        pip_spec="Django==5.2.8",
    ),
    # Ships its TypeScript sources (src/, ~570 files) besides the compiled .js and .d.ts.
    "effect": Source(
        label="effect 4.1.0 (npm)",
        filename="effect-4.1.0.tgz",
        integrity="sha512-lGx2MJJyrXA8RZb2UpQ/0Nkb5Utaimby7oD92+18noBxLPE85IFOvptdzau8dvcxAOwfwHo9iqapbKeFzqQM/Q==",
        npm_url=f"{NPM}/effect/-/effect-4.1.0.tgz",
    ),
    # A smaller TypeScript package (src/ has ~250 .ts files): a quick run.
    "rxjs": Source(
        label="rxjs 7.8.2 (npm)",
        filename="rxjs-7.8.2.tgz",
        integrity="sha512-dhKf903U/PQZY6boNNtAGdWbG85WAbjT/1xYoZIC7FAY0yWapOBQVsVrDl58W86//e1VpMNBtRV4MaXfdMySFA==",
        npm_url=f"{NPM}/rxjs/-/rxjs-7.8.2.tgz",
    ),
}
DEFAULT_TREES = ("django", "effect")


def integrity_of(path: Path, algorithm: str) -> str:
    digest = hashlib.new(algorithm, path.read_bytes()).digest()
    return f"{algorithm}-{base64.b64encode(digest).decode()}"


def archive(source: Source, cache: Path = CACHE) -> Path:
    """The cached, verified archive of `source` in `cache`, downloaded on first use."""
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / source.filename
    if not path.is_file():
        _download(source, path)
    verify(path, source.integrity)
    return path


def verify(path: Path, integrity: str) -> None:
    """Check `path` against an SRI integrity string; delete it and exit when it differs."""
    algorithm = integrity.split("-", 1)[0]
    found = integrity_of(path, algorithm)
    if found != integrity:
        path.unlink()
        raise SystemExit(f"{path.name}: integrity {found} is not the pinned {integrity}")


def _download(source: Source, path: Path) -> None:
    if source.pip_spec:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
             "--no-binary", ":all:", source.pip_spec, "-d", str(path.parent)],
            check=True,
        )  # fmt: skip
        return
    partial = path.with_suffix(".part")
    with urllib.request.urlopen(source.npm_url, timeout=300) as response:
        partial.write_bytes(response.read())
    partial.rename(path)


def git_repo(archive_path: Path, into: Path) -> Path:
    """Unpack the archive and commit it as branch `main` of a fresh, packed repository.

    Packed like a hosted repository: a fresh commit's loose objects would make the service's
    first fetch compress them all, which no real remote makes a client wait for. The objects go
    straight into a pack (`git fast-import`): writing them loose and repacking would delete
    thousands of files just before the check, and on an ext4 without a journal (this VM) the
    kernel then rescans those freed inodes for every file the check's checkout creates.
    """
    with tarfile.open(archive_path) as tar:
        tar.extractall(into, filter="data")
    [root] = [p for p in into.iterdir() if p.is_dir()]
    subprocess.run(["git", "-C", str(root), "init", "-q", "-b", "main"], check=True, env=GIT_ENV)
    importer = subprocess.Popen(
        ["git", "-C", str(root), "fast-import", "--quiet"], stdin=subprocess.PIPE, env=GIT_ENV
    )
    assert importer.stdin is not None
    # What `git add -A` would add: the archive's own .gitignore files apply.
    listed = subprocess.run(
        ["git", "-C", str(root), "ls-files", "-z", "--others", "--exclude-standard"],
        check=True, capture_output=True, env=GIT_ENV,
    ).stdout  # fmt: skip
    _import_files(root, sorted(os.fsdecode(p) for p in listed.split(b"\0") if p), importer.stdin)
    importer.stdin.close()
    if importer.wait() != 0:
        raise RuntimeError(f"git fast-import failed for {archive_path.name}")
    # The index as `git add` would leave it, so that the folder is a clean checkout of main.
    # Repacked as a host keeps it (deltas that a fetch reuses); it replaces one pack, not files.
    for args in (
        ["repack", "-a", "-d", "-q"],
        ["read-tree", "main"],
        ["update-index", "-q", "--refresh"],
    ):
        subprocess.run(["git", "-C", str(root), *args], check=True, env=GIT_ENV)
    return root


def _import_files(root: Path, files: list[str], stream: IO[bytes]) -> None:
    """One commit of `files` (links as links), in fast-import's format."""
    stream.write(b"commit refs/heads/main\ncommitter bench <bench@example.com> 0 +0000\n")
    stream.write(b"data 5\nsdist\n")
    for name in files:
        path = root / name
        if path.is_symlink():
            mode, data = b"120000", os.fsencode(os.readlink(path))
        else:
            mode = b"100755" if path.stat().st_mode & 0o100 else b"100644"
            data = path.read_bytes()
        stream.write(b'M %s inline "%s"\n' % (mode, _quoted(os.fsencode(name))))
        stream.write(b"data %d\n%s\n" % (len(data), data))


def _quoted(name: bytes) -> bytes:
    return name.replace(b"\\", b"\\\\").replace(b'"', b'\\"').replace(b"\n", b"\\n")
