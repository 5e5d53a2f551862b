"""One suppression marker, and what every reader of markers shares."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

OWN_KIND = "opencheck"
NOSEC_KIND = "nosec"


@dataclass(frozen=True)
class Marker:
    """One suppression comment: the lines it covers and the rule codes it names.

    No codes means every rule (for `nosec`: every security rule).
    """

    kind: str
    line: int
    first: int
    last: int
    codes: tuple[str, ...]
    text: str
    justification: str = ""

    @property
    def own(self) -> bool:
        return self.kind == OWN_KIND

    @property
    def reason(self) -> str:
        """What the stored defect says about why it is ignored."""
        said = f": {self.justification}" if self.justification else ""
        return f"{self.text} on line {self.line}{said}"


# A reader gets the file's lines and the numbers of the lines holding a marker word.
Reader = Callable[[Sequence[str], Sequence[int]], list[Marker]]

# Lines without one of these words (in any case) hold no marker; the readers see only the others.
MARKER_WORDS = (
    "noqa", "nosec", "eslint-", "oxlint-", "shellcheck", "nolint", "suppress", "allow(", "@nowarn",
    "checkov:skip", "tfsec:ignore", "trivy:ignore",
    "flawfinder", "luacheck", "nosonar", "opencheck-ignore", "#pragma warning",
)  # fmt: skip
_CODES_SPLIT = re.compile(r"[\s,]+")


def codes_of(text: str) -> tuple[str, ...]:
    """The rule codes of a marker's list, split at commas and spaces."""
    return tuple(code for code in _CODES_SPLIT.split(text.strip()) if code)


def has_code_before(line: str, column: int) -> bool:
    """Is there code before `column` (a trailing comment), not just a comment on its own line?"""
    return bool(line[:column].strip())


def line_marker(kind: str, number: int, codes: tuple[str, ...], text: str, why: str = "") -> Marker:
    """A marker that covers its own line only."""
    return Marker(kind, number, number, number, codes, text.strip(), why.strip())


def matching_lines(
    lines: Sequence[str], hits: Sequence[int], pattern: re.Pattern[str]
) -> list[tuple[int, re.Match[str]]]:
    """The marker lines `hits` where `pattern` matches, with the match."""
    return [
        (number, match) for number in hits for match in [pattern.search(lines[number - 1])] if match
    ]
