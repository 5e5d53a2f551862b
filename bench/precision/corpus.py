"""The precision corpus: real public code pinned in `corpus/<language>.yml`, downloaded,
verified and unpacked once into `bench/.cache/precision/<tree>/`.

Sources: Debian bookworm source packages (the upstream `.orig` tarball), PyPI sdists, npm
tarballs, and git mirrors brought by the `fetch` tool. Nothing from a tree is ever executed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:
    sys.path.append(str(HERE.parent))  # bench/, for sources.py

import debsrc  # noqa: E402
import sources  # noqa: E402

MANIFESTS = HERE / "corpus"
CACHE = sources.CACHE / "precision"
MIRRORS_ENV = "OPENCHECK_PRECISION_MIRRORS"
DEFAULT_MIRRORS = Path("/work/.mirror")
SPLITS = ("tuned", "heldout")
KINDS = ("deb", "pypi", "npm", "mirror")
DONE = ".materialised"


@dataclass(frozen=True)
class Pin:
    """One downloadable archive of a tree: exact version, file name and integrity."""

    version: str
    filename: str
    integrity: str


@dataclass(frozen=True)
class Tree:
    """One codebase of the corpus, as its manifest entry pins it."""

    name: str
    language: str
    split: str
    source: str
    package: str = ""
    version: str = ""
    filename: str = ""
    integrity: str = ""
    subdir: str = ""
    repo: str = ""
    commit: str = ""
    alternatives: tuple[Pin, ...] = ()

    def pins(self) -> tuple[Pin, ...]:
        """The main archive first, then the alternatives to try when it is missing."""
        return (Pin(self.version, self.filename, self.integrity), *self.alternatives)


def load_manifest(languages: Collection[str] | None = None, folder: Path = MANIFESTS) -> list[Tree]:
    """All trees of the corpus, or those whose language is one of `languages` (any case)."""
    wanted = {lang.lower() for lang in languages} if languages is not None else None
    trees: list[Tree] = []
    for path in sorted(folder.glob("*.yml")):
        document = yaml.safe_load(path.read_text()) or {}
        language = str(document["language"])
        if wanted is not None and language.lower() not in wanted:
            continue
        trees += [_tree(language, entry, path) for entry in document.get("trees") or []]
    names = [tree.name for tree in trees]
    if len(names) != len(set(names)):
        raise ValueError(f"tree names repeat in {folder}: {sorted(names)}")
    return trees


def _tree(language: str, entry: dict[str, object], path: Path) -> Tree:
    fields = {k: str(v) for k, v in entry.items() if k != "alternatives" and v is not None}
    pins = tuple(
        Pin(str(a["version"]), str(a["filename"]), str(a["integrity"]))
        for a in entry.get("alternatives") or []  # type: ignore[attr-defined]
    )
    tree = Tree(language=language, alternatives=pins, **fields)
    if tree.split not in SPLITS or tree.source not in KINDS:
        raise ValueError(f"{path.name}: {tree.name}: bad split {tree.split!r} or source")
    return tree


def materialise(tree: Tree, cache: Path = CACHE) -> Path | None:
    """The unpacked tree (its `subdir` applied), made once; None, said in one line, if absent."""
    home = cache / tree.name
    root = home / "tree"
    if not (home / DONE).is_file():
        archive = _archive(tree, home)
        if archive is None:
            return None
        shutil.rmtree(root, ignore_errors=True)
        unpack(archive, root)
        if tree.source == "mirror":
            archive.unlink()  # a local copy of the mirror: no need to keep it
        (home / DONE).write_text(f"{archive.name}\n")
    checked = root / tree.subdir if tree.subdir else root
    if not checked.is_dir():
        print(f"skip {tree.name}: {tree.subdir} is not a folder of the unpacked tree")
        return None
    return checked


def _archive(tree: Tree, home: Path) -> Path | None:
    if tree.source == "mirror":
        return _mirror_archive(tree, home)
    if tree.source == "deb":
        return _deb_archive(tree, home, cache=home.parent)
    pin = tree.pins()[0]
    if tree.source == "pypi":
        spec = sources.Source(
            tree.name, pin.filename, pin.integrity, pip_spec=f"{tree.package}=={pin.version}"
        )
    else:
        base = tree.package.rsplit("/", 1)[-1]
        url = f"{sources.NPM}/{tree.package}/-/{base}-{pin.version}.tgz"
        spec = sources.Source(tree.name, pin.filename, pin.integrity, npm_url=url)
    return sources.archive(spec, home)


def _deb_archive(tree: Tree, home: Path, cache: Path) -> Path | None:
    mirror = debsrc.system_mirror()
    if mirror is None:
        print(f"skip {tree.name}: no Debian {debsrc.SUITE} mirror in the system's apt sources")
        return None
    apt = debsrc.PrivateApt(cache / "apt", mirror)
    for pin in tree.pins():
        path = home / pin.filename
        # apt-get fails when any file of the source is missing (often only the Debian
        # packaging), after saving those it could get: the upstream tarball is all we need.
        if not path.is_file():
            apt.download(tree.package, pin.version, home)
        if path.is_file():
            sources.verify(path, pin.integrity)
            return path
    tried = ", ".join(pin.version for pin in tree.pins())
    print(f"skip {tree.name}: no pool file of {tree.package} {tried} could be downloaded")
    return None


def mirrors() -> Path:
    """Where the `fetch` tool's git mirrors are: $OPENCHECK_PRECISION_MIRRORS or /work/.mirror."""
    return Path(os.environ.get(MIRRORS_ENV) or DEFAULT_MIRRORS)


def git_dir(repo: str, folder: Path | None = None) -> Path | None:
    """The git directory of the mirror of `owner/name`, or None when it is not here."""
    base = (folder or mirrors()) / repo.replace("/", "+")
    for candidate in (base / "repo" / ".git", base / "repo", base):
        if (candidate / "HEAD").is_file() and (candidate / "objects").is_dir():
            return candidate
    return None


def _mirror_archive(tree: Tree, home: Path) -> Path | None:
    found = git_dir(tree.repo)
    if found is None:
        print(
            f"skip {tree.name}: mirror {tree.repo} not present in {mirrors()}"
            " (bring it with the fetch tool)"
        )
        return None
    home.mkdir(parents=True, exist_ok=True)
    path = home / f"{tree.commit}.tar"
    # Only the checked folder: a snapshot may lack the blobs of its largest files elsewhere.
    result = subprocess.run(
        ["git", f"--git-dir={found}", "archive", "--format=tar", "--prefix=tree/",
         "-o", str(path), tree.commit, *([tree.subdir] if tree.subdir else [])],
        capture_output=True, text=True,
    )  # fmt: skip
    if result.returncode != 0:
        print(f"skip {tree.name}: commit {tree.commit} not in mirror {tree.repo}")
        return None
    return path


def unpack(archive: Path, into: Path) -> None:
    """Unpack safely (tarfile's `data` filter), dropping a single top-level folder."""
    into.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=into.parent) as scratch:
        with tarfile.open(archive) as tar:
            tar.extractall(scratch, filter="data")
        entries = list(Path(scratch).iterdir())
        top = entries[0] if len(entries) == 1 and entries[0].is_dir() else Path(scratch)
        if top == Path(scratch):
            top = Path(scratch) / "unpacked"
            top.mkdir()
            for entry in entries:
                entry.rename(top / entry.name)
        top.rename(into)
