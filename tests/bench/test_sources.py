"""The benchmark's repositories: an archive committed as `main` of a packed repository, with no
loose object ever written (their deletion would slow the next checkout on this VM's disk)."""

from __future__ import annotations

import io
import os
import subprocess
import tarfile
from pathlib import Path

from sources import git_repo


def _archive(path: Path) -> Path:
    members = {
        "pkg/a.py": b"import os\n",
        "pkg/run.sh": b"#!/bin/sh\necho hi\n",
        "pkg/.gitignore": b"*.log\n",
        "pkg/debug.log": b"ignored\n",
        'pkg/odd "name".txt': b"quoted\n",
    }
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(data), 0o755 if name.endswith(".sh") else 0o644
            tar.addfile(info, io.BytesIO(data))
        link = tarfile.TarInfo("pkg/b.py")
        link.type, link.linkname = tarfile.SYMTYPE, "a.py"
        tar.addfile(link)
    return path


def _git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True,
                          text=True).stdout  # fmt: skip


def test_the_archive_becomes_one_packed_commit_of_what_git_add_would_add(tmp_path: Path) -> None:
    root = git_repo(_archive(tmp_path / "t.tar.gz"), tmp_path / "src")
    listed = _git(root, "ls-tree", "-r", "main").splitlines()
    modes = {line.split("\t")[1]: line.split()[0] for line in listed}
    assert modes == {
        ".gitignore": "100644",
        "a.py": "100644",
        "b.py": "120000",
        '"odd \\"name\\".txt"': "100644",
        "run.sh": "100755",
    }
    assert _git(root, "show", "main:a.py") == "import os\n"
    assert _git(root, "status", "--porcelain") == ""  # a clean checkout of main
    counts = dict(line.split(": ") for line in _git(root, "count-objects", "-v").splitlines())
    assert counts["count"] == "0" and counts["packs"] == "1"
    assert os.readlink(root / "b.py") == "a.py"
