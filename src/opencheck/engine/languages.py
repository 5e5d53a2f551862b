"""Which system language a file is written in, from its extension, name or shebang."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

EXTENSIONS: dict[str, str] = {
    **dict.fromkeys((".py", ".pyi"), "Python"),
    **dict.fromkeys((".js", ".mjs", ".cjs", ".jsx"), "JavaScript"),
    **dict.fromkeys((".ts", ".tsx", ".mts", ".cts"), "TypeScript"),
    ".ets": "ArkTS",
    ".cj": "Cangjie",
    **dict.fromkeys((".c", ".cc", ".cpp", ".cxx", ".h", ".hh", ".hpp", ".hxx"), "C++"),
    ".cs": "C#",
    **dict.fromkeys((".css", ".scss", ".sass", ".less"), "CSS"),
    ".go": "Go",
    **dict.fromkeys((".html", ".htm"), "HTML"),
    ".java": "Java",
    **dict.fromkeys((".kt", ".kts"), "Kotlin"),
    ".lua": "Lua",
    ".php": "PHP",
    ".rs": "Rust",
    **dict.fromkeys((".scala", ".sc"), "Scala"),
    **dict.fromkeys((".sh", ".bash", ".zsh", ".ksh"), "Shell"),
    ".sql": "SQL",
    **dict.fromkeys((".tf", ".tfvars"), "Terraform"),
}

# Suffixes of files no analyser ever reads: translations, images, fonts, archives, media, office
# documents and compiled objects. A checkout leaves them out (a project's translations and
# assets can be most of the bytes to write); the inventory counts them as having no language.
UNREAD_SUFFIXES: frozenset[str] = frozenset(
    {
        *(".po", ".mo", ".pot"),
        *(".png", ".jpg", ".jpeg", ".gif", ".bmp", ".ico", ".icns", ".webp", ".tif", ".tiff"),
        *(".psd", ".woff", ".woff2", ".ttf", ".otf", ".eot"),
        *(".zip", ".gz", ".tgz", ".bz2", ".xz", ".zst", ".7z", ".rar", ".tar", ".jar", ".war"),
        *(".mp3", ".mp4", ".wav", ".ogg", ".oga", ".webm", ".avi", ".mov", ".flac", ".m4a"),
        *(".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".odt", ".ods"),
        *(".o", ".a", ".so", ".dll", ".dylib", ".exe", ".class", ".pyc", ".pyo", ".wasm"),
        *(".dbf", ".shp", ".shx", ".sqlite", ".db"),
    }
)

# Whole file names that say their language without an extension.
FILE_NAMES: dict[str, str] = {
    ".bashrc": "Shell",
    ".bash_profile": "Shell",
    ".profile": "Shell",
    ".zshrc": "Shell",
}

# The interpreter named by a `#!` line (after `env` and without a version suffix).
INTERPRETERS: dict[str, str] = {
    "python": "Python",
    "pypy": "Python",
    "sh": "Shell",
    "bash": "Shell",
    "dash": "Shell",
    "zsh": "Shell",
    "ksh": "Shell",
    "ash": "Shell",
    "node": "JavaScript",
    "nodejs": "JavaScript",
    "deno": "TypeScript",
    "ts-node": "TypeScript",
    "lua": "Lua",
    "php": "PHP",
    "scala": "Scala",
}

_VERSION_SUFFIX = re.compile(r"[\d.]+$")


def _name_and_suffix(path: str) -> tuple[str, str]:
    """A POSIX path's last part and its suffix as pathlib spells them, without pathlib's cost
    (this runs for every file of a tree)."""
    name = path.rstrip("/").rsplit("/", 1)[-1]
    dot = name.rfind(".")
    return name, name[dot:] if 0 < dot < len(name) - 1 else ""


def language_of_name(path: str) -> str | None:
    """The language a path's name implies, or None when it needs its content (or has none)."""
    name, suffix = _name_and_suffix(path)
    if name in FILE_NAMES:
        return FILE_NAMES[name]
    return EXTENSIONS.get(suffix.lower()) if suffix else None


def unread(path: str) -> bool:
    """Is this a file no analyser reads, by its suffix (in any case)?"""
    return _name_and_suffix(path)[1].lower() in UNREAD_SUFFIXES


# Files with no language that an analyser still reads for what they say about other files.
READ_FOR_OTHERS = frozenset({"go.mod"})  # the Go version a module's rules need


def unread_without_language(path: str) -> bool:
    """Is this a file no step reads: `unread`, or one whose name alone gives it no language
    (documentation, data) and that no analyser reads for the sake of other files?

    Only for checks whose analysers never read files beyond those they check: cppcheck
    follows `#include`s, and sqlfluff's templates may include files, of any name.
    """
    if unread(path):
        return True
    name, _ = _name_and_suffix(path)
    return (
        language_of_name(path) is None and not needs_shebang(path) and name not in READ_FOR_OTHERS
    )


class UnreadUnlessRead:
    """`unread_without_language`, unless the commit has files of `languages`, whose analysers
    read files beyond those they check (cppcheck's includes, sqlfluff's templates).

    A checkout decides on the commit's listing with `given`; called on one path without the
    listing (an incremental export), it keeps to `unread`.
    """

    def __init__(self, languages: Iterable[str]) -> None:
        self.languages = frozenset(languages)

    def __call__(self, path: str) -> bool:
        return unread(path)

    def given(self, paths: Iterable[str]) -> Callable[[str], bool]:
        if any(language_of_name(path) in self.languages for path in paths):
            return unread
        return unread_without_language


def needs_shebang(path: str) -> bool:
    """Only files without an extension are looked at for a `#!` line."""
    name, suffix = _name_and_suffix(path)
    return not suffix and name not in FILE_NAMES


def language_of_shebang(first_line: bytes) -> str | None:
    """The language of the interpreter a `#!` line names (`#!/usr/bin/env python3` → Python)."""
    if not first_line.startswith(b"#!"):
        return None
    words = first_line[2:].decode("utf-8", errors="replace").split()
    if words and words[0].rsplit("/", 1)[-1] == "env":
        # `env -S interp args`: skip env's own options.
        words = [w for w in words[1:] if not w.startswith("-")]
    if not words:
        return None
    interpreter = _VERSION_SUFFIX.sub("", words[0].rsplit("/", 1)[-1])
    return INTERPRETERS.get(interpreter)


def detect_language(path: str, head: bytes = b"") -> str | None:
    """The system language of `path`, using `head` (the file's first bytes) for shebangs."""
    language = language_of_name(path)
    if language is None and needs_shebang(path) and head:
        language = language_of_shebang(head.split(b"\n", 1)[0])
    return language


C_HEADER_SUFFIXES = (".h",)
# Constructs C does not have. `extern "C"` is left out: C headers carry it for C++ callers.
_CPP_ONLY = re.compile(
    rb"^\s*(?:class|namespace|template)\b|\b(?:public|private|protected)\s*:"
    rb"|\w::~?\w|^\s*#\s*include\s*<(?:[a-z_]+)>",
    re.MULTILINE,
)


def is_cpp_header(path: str, head: bytes) -> bool:
    """Is `path` a `.h` whose content (`head`, its first bytes) is C++ rather than C?"""
    return path.lower().endswith(C_HEADER_SUFFIXES) and _CPP_ONLY.search(head) is not None
