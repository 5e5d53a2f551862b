"""The extent a marker covers: a declaration found by brace matching, a shell command, a block.

Approximate by design: no parser, but strings and comments are skipped while matching braces,
so that a `{` in a string does not end a declaration early.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

# How far a declaration header may run before its body opens (long annotation lists, generics).
MAX_HEADER_LINES = 40
_CHAR_LITERAL = re.compile(r"'(?:\\.[^']{0,8}|[^'\\])'")
# A declaration header goes on when its line ends with one of these or the next starts with one.
_CONTINUES = (",", "=", "->", ":", "(", "<", "&&", "||", "+")
_CONTINUATIONS = ("{", ".", ":", "=", "->", "+", "?", "where", "throws", "extends", "implements")
_GO_FUNC = re.compile(r"^\s*func\b")
_SHELL_OPEN = re.compile(r"(?:^|[\s;&|(])(if|case|for|while|until|select|\{)(?=$|[\s;])")
_SHELL_CLOSE = re.compile(r"(?:^|[\s;&|)])(fi|esac|done|\})(?=$|[\s;&|)])")


def block_end(
    start: int,
    codes: tuple[str, ...],
    closers: Sequence[tuple[int, tuple[str, ...]]],
    last_line: int,
) -> int:
    """Where a `disable`/`BEGIN` block opened on `start` ends: the first closer after it that
    names none (closes all) or one of its codes; the end of the file if none does."""
    for line, closed in closers:
        if line > start and (not closed or not codes or set(closed) & set(codes)):
            return line
    return last_line


def before_any_code(lines: Sequence[str], number: int, comments: tuple[str, ...]) -> bool:
    """Are the lines before `number` all blank, comments or a shebang?"""
    return all(
        not text.strip() or text.lstrip().startswith(comments) for text in lines[: number - 1]
    )


def shell_command_after(lines: Sequence[str], number: int) -> tuple[int, int]:
    """The lines a shellcheck directive on line `number` covers.

    Before the first command: the whole file. Otherwise the next command, with its
    continuation lines, and when it opens a compound command (if, case, loops, a function
    body) everything up to the matching closer.
    """
    if before_any_code(lines, number, ("#",)):
        return 1, len(lines)
    first = number + 1
    while first <= len(lines) and (
        not lines[first - 1].strip() or lines[first - 1].lstrip().startswith("#")
    ):
        first += 1
    depth = 0
    current = first
    while current <= len(lines):
        code = lines[current - 1].split(" #", 1)[0]
        depth += len(_SHELL_OPEN.findall(code)) - len(_SHELL_CLOSE.findall(code))
        if depth <= 0 and not code.rstrip().endswith(("\\", "&&", "||", "|")):
            break
        current += 1
    return first, min(current, len(lines))


def go_declaration_end(lines: Sequence[str], number: int) -> int:
    """The last line of the function declared on line `number`; `number` itself otherwise."""
    if number > len(lines) or not _GO_FUNC.match(lines[number - 1]):
        return number
    return declaration_end(lines, number, 0)


def declaration_end(lines: Sequence[str], number: int, column: int) -> int:
    """The last line of the declaration that starts after `column` of line `number`.

    Its body is the first `{` outside parentheses, matched to its `}`; a declaration without a
    body ends at its `;`, or on the line where its parentheses close.
    """
    scanner = _Scanner(lines, number, column)
    chars = iter(scanner)
    depth = 0
    for line, char in chars:
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == ";" and depth <= 0:
            return line
        elif char == "{" and depth <= 0:
            return _closing_brace(chars, line)
        elif char == "\n" and depth <= 0 and line > number and line - number >= MAX_HEADER_LINES:
            return number
        elif char == "\n" and depth <= 0 and scanner.header_done(line):
            return line
    return len(lines)


def _closing_brace(chars: Iterator[tuple[int, str]], opened: int) -> int:
    depth = 1
    for line, char in chars:
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return line
    return opened


class _Scanner:
    """The code characters from (line, column) on, with strings and comments left out.

    Yields (line number, character), and a "\\n" at each line end.
    """

    def __init__(self, lines: Sequence[str], number: int, column: int) -> None:
        self.lines = lines
        self.number = number
        self.column = column
        self.in_block_comment = False
        self.seen_code = False

    def header_done(self, line: int) -> bool:
        """A line of code ended and the next one does not continue it (Kotlin `= expr`).

        A line of annotations or attributes, or one ending in an operator or a comma, goes on.
        """
        if not self.seen_code:
            return False
        current = self.lines[line - 1].strip()
        if current.startswith(("@", "#[")) or current.endswith(_CONTINUES):
            return False
        following = self.lines[line].strip() if line < len(self.lines) else ""
        return not following.startswith(_CONTINUATIONS)

    def __iter__(self) -> Iterator[tuple[int, str]]:
        for index in range(self.number - 1, len(self.lines)):
            text = self.lines[index]
            start = self.column if index == self.number - 1 else 0
            yield from self._line(index + 1, _CHAR_LITERAL.sub("' '", text), start)
            yield index + 1, "\n"

    def _line(self, number: int, text: str, start: int) -> Iterator[tuple[int, str]]:
        position = start
        while position < len(text):
            if self.in_block_comment:
                end = text.find("*/", position)
                if end < 0:
                    return
                self.in_block_comment, position = False, end + 2
                continue
            char = text[position]
            pair = text[position : position + 2]
            if pair == "//" or (char == "#" and not text[position:].startswith(("#[", "#!["))):
                return
            if pair == "/*":
                self.in_block_comment, position = True, position + 2
                continue
            if char in '"`':
                position = _string_end(text, position)
                self.seen_code = True
                continue
            if not char.isspace():
                self.seen_code = True
                yield number, char
            position += 1


def _string_end(text: str, start: int) -> int:
    """The position after the string literal opening at `start` (or the line's end)."""
    quote = text[start]
    if text.startswith('"""', start):
        end = text.find('"""', start + 3)
        return len(text) if end < 0 else end + 3
    position = start + 1
    while position < len(text):
        if text[position] == "\\" and quote != "`":
            position += 2
            continue
        if text[position] == quote:
            return position + 1
        position += 1
    return len(text)
