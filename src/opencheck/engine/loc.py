"""Files, code, comment and blank lines per language (tokei, with a small fallback counter)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytokei

from opencheck.engine.inventory import Inventory


@dataclass
class LanguageStats:
    """Line counts of one language; a code line is neither blank nor only a comment."""

    files: int = 0
    code: int = 0
    comments: int = 0
    blanks: int = 0

    def add(self, code: int, comments: int, blanks: int) -> None:
        self.files += 1
        self.code += code
        self.comments += comments
        self.blanks += blanks


@dataclass(frozen=True)
class CommentSyntax:
    """What the fallback counter treats as comments in one language."""

    line: tuple[str, ...] = ()
    block: tuple[tuple[str, str], ...] = ()


_C_LIKE = CommentSyntax(("//",), (("/*", "*/"),))
_HASH = CommentSyntax(("#",))

# Only used for files tokei does not know (ArkTS, Cangjie, unusual extensions).
FALLBACK_SYNTAX: dict[str, CommentSyntax] = {
    **dict.fromkeys(
        ("ArkTS", "Cangjie", "C++", "C#", "Go", "Java", "JavaScript", "Kotlin", "Rust", "Scala"),
        _C_LIKE,
    ),
    "TypeScript": _C_LIKE,
    "PHP": CommentSyntax(("//", "#"), (("/*", "*/"),)),
    "CSS": CommentSyntax((), (("/*", "*/"),)),
    "HTML": CommentSyntax((), (("<!--", "-->"),)),
    "Lua": CommentSyntax(("--",), (("--[[", "]]"),)),
    "Python": _HASH,
    "Shell": _HASH,
    "SQL": CommentSyntax(("--",), (("/*", "*/"),)),
    "Terraform": CommentSyntax(("#", "//"), (("/*", "*/"),)),
}


def count_lines(
    inventory: Inventory, per_file: dict[str, int] | None = None
) -> dict[str, LanguageStats]:
    """Per-language statistics of every file in the inventory, attributed by our own language.

    `per_file`, when given, receives each file's code lines by relative path.
    """
    root = inventory.root
    absolute = {
        str(root / rel): language for language, paths in inventory.files.items() for rel in paths
    }
    counted = _tokei_counts(absolute)
    stats: dict[str, LanguageStats] = {}
    for path, language in absolute.items():
        counts = counted.get(path)
        if counts is None:
            counts = count_file(Path(path), FALLBACK_SYNTAX.get(language, CommentSyntax()))
        stats.setdefault(language, LanguageStats()).add(*counts)
        if per_file is not None:
            per_file[Path(path).relative_to(root).as_posix()] = counts[0]
    return stats


def _tokei_counts(paths: Iterable[str]) -> dict[str, tuple[int, int, int]]:
    """(code, comments, blanks) per absolute path, for the files tokei recognises."""
    listed = list(paths)
    if not listed:  # tokei panics on an empty list
        return {}
    languages = pytokei.Languages()
    languages.get_statistics(listed, [], pytokei.Config())
    counts: dict[str, tuple[int, int, int]] = {}
    for language in languages.get_languages().values():
        for report in language.reports:
            # summarise() folds embedded languages (script in HTML, code in Markdown) into code.
            total = report.stats.summarise()
            counts[str(report.name)] = (total.code, total.comments, total.blanks)
    return counts


def count_file(path: Path, syntax: CommentSyntax) -> tuple[int, int, int]:
    """(code, comments, blanks) of one file by line comments and non-nested block comments."""
    code = comments = blanks = 0
    closing: str | None = None
    text = path.read_bytes().decode("utf-8", errors="replace")
    for raw in text.splitlines():
        line = raw.strip()
        if not line:  # blank even inside a block comment, as tokei counts it
            blanks += 1
            continue
        has_code, closing = _scan_line(line, syntax, closing)
        if has_code:
            code += 1
        else:
            comments += 1
    return code, comments, blanks


def _scan_line(line: str, syntax: CommentSyntax, closing: str | None) -> tuple[bool, str | None]:
    """Does `line` hold code outside comments? Also returns the block still open at its end."""
    has_code = False
    while line:
        if closing is not None:
            end = line.find(closing)
            if end < 0:
                return has_code, closing
            line, closing = line[end + len(closing) :].lstrip(), None
            continue
        if line.startswith(syntax.line) and not _opens_block(line, syntax.block):
            return has_code, None
        opener = _opens_block(line, syntax.block)
        if opener is not None:
            line, closing = line[len(opener[0]) :], opener[1]
            continue
        has_code = True
        line = _skip_code(line, syntax)
    return has_code, closing


def _opens_block(line: str, blocks: tuple[tuple[str, str], ...]) -> tuple[str, str] | None:
    return next((pair for pair in blocks if line.startswith(pair[0])), None)


def _skip_code(line: str, syntax: CommentSyntax) -> str:
    """Drop code up to the next comment marker (markers inside strings are not special-cased)."""
    markers = [*syntax.line, *(opener for opener, _ in syntax.block)]
    positions = [pos for marker in markers if (pos := line.find(marker, 1)) > 0]
    return line[min(positions) :] if positions else ""


def merge(stats: Mapping[str, LanguageStats]) -> LanguageStats:
    """The totals over every language."""
    total = LanguageStats()
    for item in stats.values():
        total.files += item.files
        total.code += item.code
        total.comments += item.comments
        total.blanks += item.blanks
    return total
