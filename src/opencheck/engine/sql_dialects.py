"""Which SQL dialect a script is written in, guessed from constructs only that dialect has.

sqlfluff parses one dialect at a time, and ANSI rejects most vendor SQL: a PostgreSQL function
or a MySQL table definition would be a syntax error and hide every other finding in the file.
"""

from __future__ import annotations

import re

DEFAULT = "ansi"


def _patterns(*sources: bytes) -> tuple[re.Pattern[bytes], ...]:
    return tuple(re.compile(source, re.IGNORECASE | re.MULTILINE) for source in sources)


# sqlfluff dialect → patterns of constructs only it (among these four) uses, each one point.
_MARKERS: dict[str, tuple[re.Pattern[bytes], ...]] = {
    "postgres": _patterns(
        # A cast after a name, a literal or a parenthesis (`'1 second'::interval`, `(x)::numeric`).
        rb"[\w')\]]::\w",
        rb"\bpg_\w+\s*\(",  # PostgreSQL's own functions (pg_size_pretty, pg_relation_size...)
        rb"\$\w*\$",
        rb"\b(?:big)?serial\b",
        rb"\bilike\b",
        rb"\breturning\b",
        rb"\bcreate\s+(?:or\s+replace\s+)?function\b.*\blanguage\s+plpgsql\b",
        rb"\bcreate\s+extension\b",
        rb"\bjsonb\b",
        rb"\bon\s+conflict\b",
        # psql meta-commands (`\set`, `\echo`, `\i`...), which sqlfluff parses only as PostgreSQL
        rb"^\s*\\(?:set|unset|echo|qecho|i|ir|include|quit|q|connect|c|pset|if|elif|else|endif|gset)\b",
    ),
    "mysql": _patterns(
        rb"`\w+`",
        rb"\bauto_increment\b",
        rb"\bengine\s*=",
        rb"\bunsigned\b",
        rb"^\s*delimiter\s",
        rb"\bdefault\s+charset\b",
    ),
    "tsql": _patterns(
        rb"^\s*go\s*$",
        rb"\[\w+\]\.\[\w+\]",
        rb"\bnvarchar\b",
        rb"\bidentity\s*\(",
        rb"\bselect\s+top\s+\d",
        rb"@@\w+",
        rb"\bdeclare\s+@\w+",
    ),
    "sqlite": _patterns(rb"\bautoincrement\b", rb"\bpragma\s+\w+", rb"\bwithout\s+rowid\b"),
}


_COMMENTS = re.compile(rb"--[^\n]*|/\*.*?\*/", re.DOTALL)


def guess_dialect(text: bytes) -> str:
    """The sqlfluff dialect with the most markers in `text` (comments aside); else ANSI."""
    text = _COMMENTS.sub(b" ", text)
    scores = {
        dialect: sum(1 for p in patterns if p.search(text))
        for dialect, patterns in _MARKERS.items()
    }
    best = max(scores, key=lambda d: scores[d])
    return best if scores[best] else DEFAULT
