"""The `linguist-generated` and `linguist-vendored` attributes of `.gitattributes` files.

Patterns follow git: one without a slash matches a file's name at any depth below the
attributes file; one with a slash is anchored there; `*` and `?` stop at a slash, `**` does not.
As in git, a pattern naming a directory does not reach the files inside it (`dir/**` does).
The last matching line wins, and a deeper `.gitattributes` comes after a shallower one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

GENERATED = "linguist-generated"
VENDORED = "linguist-vendored"
_WANTED = (GENERATED, VENDORED)


@dataclass(frozen=True)
class _Line:
    base: str  # the folder of the .gitattributes file, "" at the root
    pattern: re.Pattern[str]
    basename_only: bool
    name: str
    value: bool | None  # None: `!attr`, back to unspecified


@dataclass
class GitAttributes:
    """The linguist attributes set by every `.gitattributes` read so far."""

    lines: list[_Line] = field(default_factory=list)

    def add(self, base: str, text: str) -> None:
        """Read one `.gitattributes` file found in folder `base` ("" for the root)."""
        for raw in text.splitlines():
            words = raw.split()
            if not words or words[0].startswith("#"):
                continue
            for word in words[1:]:
                parsed = _attribute(word)
                if parsed is not None:
                    self.lines.append(_line(base, words[0], *parsed))

    def value(self, path: str, name: str) -> bool | None:
        """True (set), False (unset with `-attr` or `attr=false`) or None (unspecified)."""
        found: bool | None = None
        for line in self.lines:
            if line.name == name and _matches(line, path):
                found = line.value
        return found


def _attribute(word: str) -> tuple[str, bool | None] | None:
    """(name, value) of a linguist attribute we use, None for any other attribute."""
    if word[0] in "-!":
        name, value = word[1:], (False if word[0] == "-" else None)
    else:
        name, _, setting = word.partition("=")
        value = setting.lower() not in ("false", "0") if setting else True
    return (name, value) if name in _WANTED else None


def _line(base: str, pattern: str, name: str, value: bool | None) -> _Line:
    anchored = "/" in pattern.rstrip("/")
    return _Line(base, _compile(pattern.lstrip("/")), not anchored, name, value)


def _matches(line: _Line, path: str) -> bool:
    if line.base:
        if not path.startswith(line.base + "/"):
            return False
        path = path[len(line.base) + 1 :]
    subject = PurePosixPath(path).name if line.basename_only else path
    return line.pattern.fullmatch(subject) is not None


def _compile(glob: str) -> re.Pattern[str]:
    """A git wildmatch pattern as a regular expression."""
    out: list[str] = []
    i = 0
    while i < len(glob):
        if glob.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif glob.startswith("**", i):
            out.append(".*")
            i += 2
        elif glob[i] == "*":
            out.append("[^/]*")
            i += 1
        elif glob[i] == "?":
            out.append("[^/]")
            i += 1
        elif glob[i] == "[" and (end := glob.find("]", i + 2)) > 0:
            body = glob[i + 1 : end]
            out.append("[" + ("^" + body[1:] if body[0] in "!^" else body) + "]")
            i = end + 1
        else:
            out.append(re.escape(glob[i]))
            i += 1
    return re.compile("".join(out))
