"""The files of a worktree worth checking, by language and role, and why the others were skipped.

Generated, vendored and bundled files are listed with their role and reason (`left_out`) but
are not in `files`: no analyser sees them and their lines are not the project's code.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from opencheck.domain.roles import Role
from opencheck.engine.gitattributes import GENERATED as GENERATED_ATTR
from opencheck.engine.gitattributes import VENDORED as VENDORED_ATTR
from opencheck.engine.gitattributes import GitAttributes
from opencheck.engine.languages import language_of_name, language_of_shebang, needs_shebang
from opencheck.engine.role_facts import FileFacts, Verdict, folders_of
from opencheck.engine.roles import classify, classify_by_path

MAX_FILE_BYTES = 2 * 1024 * 1024
HEAD_BYTES = 8192
TAIL_BYTES = 8192
_GLOB_CHARS = frozenset("*?[")
_JAVADOC_INDEX = re.compile(r"^(package-summary|allclasses.*)\.html$")

# Reasons a file (or, for `excluded-dir`, a whole directory) was skipped: not even listed.
SYMLINK = "symlink"
SPECIAL = "not-a-regular-file"
EXCLUDED = "excluded"
EXCLUDED_DIR = "excluded-dir"
NO_LANGUAGE = "no-language"
TOO_LARGE = "too-large"
BINARY = "binary"
UNREADABLE = "unreadable"


@dataclass(frozen=True)
class LeftOut:
    """A listed file no analyser is given: generated, vendored or bundled."""

    path: str
    language: str
    role: Role
    reason: str  # "vendored: under third_party/"


@dataclass
class Inventory:
    """Paths per system language to analyse, their roles, the files left out and the skips."""

    root: Path
    files: dict[str, list[str]] = field(default_factory=dict)
    skipped: Counter[str] = field(default_factory=Counter)
    roles: dict[str, Role] = field(default_factory=dict)  # a path not here is main code
    left_out: list[LeftOut] = field(default_factory=list)

    def language_of(self) -> dict[str, str]:
        """Path → language for every file to analyse."""
        return {path: lang for lang, paths in self.files.items() for path in paths}

    def role_of(self, path: str) -> Role:
        return self.roles.get(path, Role.MAIN)

    def role_counts(self) -> Counter[Role]:
        """Files per role, over the analysed and the left-out files."""
        counts = Counter({Role.MAIN: self.total_files})
        for role in self.roles.values():
            counts[role] += 1
            counts[Role.MAIN] -= role.analysed
        return counts

    @property
    def total_files(self) -> int:
        return sum(len(paths) for paths in self.files.values())


def clean_relative(path: str) -> str:
    """`path` as a normalised relative POSIX path; ValueError if absolute or using `..`."""
    posix = path.strip().replace("\\", "/")
    if posix.startswith("/"):
        raise ValueError(f"path {path!r} must be relative to the repository root")
    parts = [p for p in posix.split("/") if p not in ("", ".")]
    if ".." in parts:
        raise ValueError(f"path {path!r} must not contain '..'")
    return "/".join(parts)


def _under(path: str, prefix: str) -> bool:
    return not prefix or path == prefix or path.startswith(prefix + "/")


@dataclass(frozen=True)
class _Filter:
    """Include prefixes and exclude patterns, already validated."""

    includes: tuple[str, ...]
    prefixes: tuple[str, ...]
    globs: tuple[str, ...]

    @classmethod
    def of(cls, include_paths: Sequence[str], excludes: Sequence[str]) -> _Filter:
        includes = tuple(clean_relative(p) for p in include_paths if p.strip())
        if "" in includes:  # "." or "/" means the whole repository
            includes = ()
        patterns = [p.strip() for p in excludes if p.strip()]
        globs = tuple(clean_relative(p) for p in patterns if _GLOB_CHARS & set(p))
        prefixes = tuple(clean_relative(p) for p in patterns if not _GLOB_CHARS & set(p))
        return cls(includes, tuple(p for p in prefixes if p), globs)

    def wants_dir(self, rel: str) -> bool:
        """Could anything under directory `rel` be included?"""
        if not self.includes:
            return True
        return any(_under(rel, inc) or _under(inc, rel) for inc in self.includes)

    def included(self, rel: str) -> bool:
        return not self.includes or any(_under(rel, inc) for inc in self.includes)

    def excluded(self, rel: str) -> bool:
        if any(_under(rel, prefix) for prefix in self.prefixes):
            return True
        return any(_glob_match(rel, glob) for glob in self.globs)


def _glob_match(rel: str, glob: str) -> bool:
    """fnmatch on the whole path; `**/` may match nothing, a slash-free glob the base name."""
    candidates = [glob]
    while candidates[-1].startswith("**/"):
        candidates.append(candidates[-1][3:])
    name = PurePosixPath(rel).name
    for pattern in candidates:
        if fnmatch.fnmatchcase(rel, pattern):
            return True
        if "/" not in pattern and fnmatch.fnmatchcase(name, pattern):
            return True
    return False


def build_inventory(
    root: Path,
    include_paths: Sequence[str],
    excludes: Sequence[str],
    test_paths: Sequence[str] = (),
    *,
    unread: Sequence[str] = (),
) -> Inventory:
    """Walk `root` (never following links) and list the files to check by language and role.

    `test_paths` (prefixes or globs, as `excludes`) mark test code beyond the conventions;
    `unread` are files a sparse checkout left out by name, counted as having no language.
    """
    root = root.resolve()
    chosen = _Filter.of(include_paths, excludes)
    context = _Context(tests=_Filter.of((), test_paths))
    inventory = Inventory(root)
    folders = {"": True}  # folder → walked (True) or counted as excluded (False)
    _walk(str(root), "", chosen, context, inventory, folders)
    _count_unread(unread, chosen, inventory, folders)
    for paths in inventory.files.values():
        paths.sort()
    return inventory


def _walk(
    top: str,
    rel_dir: str,
    chosen: _Filter,
    context: _Context,
    inventory: Inventory,
    folders: dict[str, bool],
) -> None:
    """Top-down, sorted, never following links; the scandir entries' types cost no system call.

    A stack, not recursion: a hostile tree may nest folders deeper than Python's call stack.
    """
    pending = [rel_dir]
    while pending:
        rel_dir = pending.pop()
        subdirs = _walk_one(top, rel_dir, chosen, context, inventory, folders)
        pending.extend(reversed(subdirs))  # the first sorted folder is walked next


def _count_unread(
    unread: Sequence[str], chosen: _Filter, inventory: Inventory, folders: dict[str, bool]
) -> None:
    """Count the files a sparse checkout left out by name as the walk would have: in an
    excluded folder (counted once, also when the checkout did not write it), excluded, or
    without a language; so that the counts do not depend on what was written."""
    for rel in unread:
        parts = rel.split("/")[:-1]
        counted = True
        for depth in range(1, len(parts) + 1):
            folder = "/".join(parts[:depth])
            if folder not in folders:  # not written: decide as `_walk_one` would have
                if not chosen.wants_dir(folder):
                    folders[folder] = False
                    counted = False
                    break
                folders[folder] = not chosen.excluded(folder)
                if not folders[folder]:
                    inventory.skipped[EXCLUDED_DIR] += 1
            if not folders[folder]:
                counted = False
                break
        if counted and chosen.included(rel):
            inventory.skipped[EXCLUDED if chosen.excluded(rel) else NO_LANGUAGE] += 1


def _walk_one(
    top: str,
    rel_dir: str,
    chosen: _Filter,
    context: _Context,
    inventory: Inventory,
    folders: dict[str, bool],
) -> list[str]:
    """List one folder's files into the inventory; return its subfolders to walk, sorted."""
    folder = os.path.join(top, rel_dir) if rel_dir else top
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError:
        return []
    dirs = [entry for entry in entries if _is_dir(entry)]
    files = [entry for entry in entries if not _is_dir(entry)]
    context.enter(Path(top), rel_dir, [entry.name for entry in files])
    for entry in files:
        rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
        if entry.name == ".git" or not chosen.included(rel):
            continue
        _add(inventory, rel, *_classify(entry, rel, chosen, context))
    subdirs = []
    for entry in dirs:
        rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
        if entry.name == ".git" or not chosen.wants_dir(rel):
            folders[rel] = False
            continue
        folders[rel] = False
        if entry.is_symlink():
            inventory.skipped[SYMLINK] += 1
        elif chosen.excluded(rel):
            inventory.skipped[EXCLUDED_DIR] += 1
        else:
            folders[rel] = True
            subdirs.append(rel)
    return subdirs


def _is_dir(entry: os.DirEntry[str]) -> bool:
    """A directory, or a link to one (counted as a skipped link, as `os.walk` lists it)."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def _add(
    inventory: Inventory, rel: str, reason: str, language: str | None, verdict: Verdict
) -> None:
    if language is None:
        inventory.skipped[reason] += 1
        return
    if verdict.role is not Role.MAIN:
        inventory.roles[rel] = verdict.role
    if verdict.role.analysed:
        inventory.files.setdefault(language, []).append(rel)
    else:
        inventory.left_out.append(
            LeftOut(rel, language, verdict.role, str(verdict.unchecked_reason))
        )


@dataclass
class _Context:
    """What the walk learnt above a file: .gitattributes settings, javadoc folders, test paths."""

    tests: _Filter
    attributes: GitAttributes = field(default_factory=GitAttributes)
    javadoc_dirs: set[str] = field(default_factory=set)

    def enter(self, root: Path, rel_dir: str, filenames: list[str]) -> None:
        """Read what a folder holds before its files are classified (the walk is top-down)."""
        if ".gitattributes" in filenames:
            try:
                text = (root / rel_dir / ".gitattributes").read_text("utf-8", errors="replace")
            except OSError:
                text = ""
            self.attributes.add(rel_dir, text)
        if any(_JAVADOC_INDEX.match(name) for name in filenames):
            self.javadoc_dirs.add(rel_dir)

    def facts(self, rel: str, language: str, head: bytes = b"", tail: bytes = b"") -> FileFacts:
        parts = folders_of(rel)
        folders = ("/".join(parts[:depth]) for depth in range(len(parts) + 1))
        return FileFacts(
            rel,
            language,
            head,
            tail,
            test_path=self.tests.excluded(rel),
            javadoc_dir=next((d for d in folders if d in self.javadoc_dirs), None),
            generated_attr=self.attributes.value(rel, GENERATED_ATTR),
            vendored_attr=self.attributes.value(rel, VENDORED_ATTR),
        )


_Classified = tuple[str, str | None, Verdict]


def _classify(entry: os.DirEntry[str], rel: str, chosen: _Filter, context: _Context) -> _Classified:
    """(reason, None, _) for a skipped file, ("", language, verdict) for a listed one.

    No link is ever followed on the way here, so a regular file is inside the root.
    """
    skip = Verdict(Role.MAIN)
    try:
        if entry.is_symlink():
            return SYMLINK, None, skip
        if not entry.is_file(follow_symlinks=False):
            return SPECIAL, None, skip
    except OSError:
        return UNREADABLE, None, skip
    if chosen.excluded(rel):
        return EXCLUDED, None, skip
    language = language_of_name(rel)
    if language is None and not needs_shebang(rel):
        return NO_LANGUAGE, None, skip  # decided by name alone: no need to open images and archives
    if language is not None:
        by_path = classify_by_path(context.facts(rel, language))
        if by_path is not None:
            return "", language, by_path  # left out: no need to read it
    try:
        size = entry.stat(follow_symlinks=False).st_size
        if size > MAX_FILE_BYTES:
            return TOO_LARGE, None, skip
        head, tail = _ends(entry.path, size)
    except OSError:
        return UNREADABLE, None, skip
    language = language or language_of_shebang(head.split(b"\n", 1)[0])
    if language is None:
        return NO_LANGUAGE, None, skip
    if b"\0" in head:
        return BINARY, None, skip
    return "", language, classify(context.facts(rel, language, head, tail))


def _ends(path: str, size: int) -> tuple[bytes, bytes]:
    """The first HEAD_BYTES of a file, and its last TAIL_BYTES when they are not in the head."""
    with open(path, "rb") as handle:
        head = handle.read(HEAD_BYTES)
        if size <= HEAD_BYTES:
            return head, b""
        handle.seek(max(HEAD_BYTES, size - TAIL_BYTES))
        return head, handle.read(TAIL_BYTES)
