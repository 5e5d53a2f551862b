"""SQL, by sqlfluff: default rules in the dialect each script shows, without repo config."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from opencheck.engine.analyzers.base import (
    SYNTAX_ERROR,
    RawFinding,
    Rule,
    RuleSelection,
    bundled_binary,
    content_file,
    first_syntax_error_per_file,
    json_items,
    read_head,
    relative_path,
)
from opencheck.engine.analyzers.catalog import catalog_rules
from opencheck.engine.errors import AnalyzerError
from opencheck.engine.sql_dialects import DEFAULT as DEFAULT_DIALECT
from opencheck.engine.sql_dialects import guess_dialect

NAME = "sqlfluff"
# sqlfluff parses only ~140-370 lines/s: small batches keep one slow file from holding up the rest.
MAX_FILES = 10
# Files above this size are skipped by sqlfluff itself (its `large_file_skip_byte_limit`), which
# is about 2,000 lines of ordinary SQL; a skipped file yields no findings and no error.
MAX_FILE_BYTES = 80_000
# Lexing, parsing and templating failures: the file has not been checked by any rule.
_PARSE_CODES = frozenset({"PRS", "LXR", "TMP"})
# The only configuration sqlfluff reads (with --ignore-local-config): no repository settings.
# The placeholder templater (sqlc query files only) reads sqlc's `@name` parameters as names.
_CONFIG = (
    f"[sqlfluff]\nlarge_file_skip_byte_limit = {MAX_FILE_BYTES}\n"
    "[sqlfluff:templater:placeholder]\nparam_regex = (?<![:\\w@])@(?P<param_name>\\w+)\n"
)

# Jinja tags mark a template (dbt models, macros): those files go through sqlfluff's Jinja
# templater, whose dbt built-ins (`ref`, `source`, `config`, `var`, `is_incremental`, `this`)
# stand in for the real ones; plain scripts stay raw, so a `{` in a string never matters.
_JINJA = re.compile(rb"\{\{.*?\}\}|\{%-?\s*\w.*?%\}", re.DOTALL)
# sqlc query files (`-- name: GetUser :one` above each query) bind `@name` parameters, which no
# SQL dialect parses: unparsed, they hide column and CTE references (false unused-CTE and
# unused-join findings), so those files go through the placeholder templater.
_SQLC = re.compile(rb"^--\s*name:\s*\w+\s+:\w+", re.MULTILINE)
RAW, JINJA, PLACEHOLDER = "raw", "jinja", "placeholder"

RULES: tuple[Rule, ...] = catalog_rules(NAME)


def sqlfluff_binary() -> str | None:
    """The sqlfluff installed next to this interpreter, else on PATH."""
    return bundled_binary("sqlfluff")


def config_file() -> str:
    """A config file holding only `_CONFIG`, in this process's private temp folder.

    Never a predictable name in the shared temp directory, which anyone could have planted.
    """
    return str(content_file(_CONFIG, prefix="sqlfluff", suffix=".cfg"))


class Sqlfluff:
    """The sqlfluff adapter: no `.sqlfluff`, `.sqlfluffignore` or noqa comments."""

    name = NAME
    languages = frozenset({"SQL"})
    # A Jinja template may include files of any name: a checkout for it writes them all.
    reads_other_files = True
    rules = RULES
    max_files = MAX_FILES
    max_file_bytes = MAX_FILE_BYTES

    def __init__(self, dialect: str = DEFAULT_DIALECT, templater: str = RAW) -> None:
        self.dialect = dialect
        self.templater = templater

    def available(self) -> str | None:
        return None if sqlfluff_binary() else "the sqlfluff executable was not found"

    def split(self, root: Path, files: Sequence[str]) -> list[tuple[Sqlfluff, list[str]]]:
        """Files grouped by the dialect their content shows and whether it is a Jinja template."""
        groups: dict[tuple[str, str], list[str]] = {}
        for path in files:
            head = read_head(root, path, MAX_FILE_BYTES)
            templater = _templater(head)
            groups.setdefault((guess_dialect(head), templater), []).append(path)
        return [(Sqlfluff(*key), group) for key, group in sorted(groups.items())]

    def command(self, files: Sequence[str], rules: RuleSelection) -> list[str]:
        codes = sorted(rule.split(":", 1)[1] for rule in rules.ids if rule.startswith(f"{NAME}:"))
        codes = [code for code in codes if code != SYNTAX_ERROR]
        # Parse errors are reported whatever --rules says; with no codes all rules run and
        # run_batch drops them.
        selected = ["--rules", ",".join(codes)] if codes else []
        return [
            sqlfluff_binary() or "sqlfluff",
            "lint",
            "--format=json",
            f"--dialect={self.dialect}",
            f"--templater={self.templater}",
            "--nofail",
            "--disable-progress-bar",
            "--processes=1",
            "--ignore-local-config",
            f"--config={config_file()}",
            "--disregard-sqlfluffignores",
            "--disable-noqa",
            *selected,
            "--",
            *files,
        ]

    def parse(self, raw: bytes, root: Path) -> list[RawFinding]:
        report = json_items(raw, NAME)
        if not all(isinstance(item, dict) for item in report):
            raise AnalyzerError("sqlfluff printed JSON that is not a list of files")
        findings = []
        for item in report:
            path = relative_path(str(item.get("filepath", "")), root)
            violations = item.get("violations")
            if not isinstance(violations, list):
                raise AnalyzerError("sqlfluff printed a file without a violations list")
            findings.extend(_finding(v, path) for v in violations if isinstance(v, dict))
        texts: dict[str, _SqlText | None] = {}
        findings = [f for f in findings if not _misread(f, root, texts)]
        return first_syntax_error_per_file(findings, NAME)


# Findings from a misreading that the statement's own text refutes:
# - AL08 (a column alias used twice) in the select list of an INSERT ... SELECT, which fills the
#   target columns by position, so one value may feed two of them; in a later branch of a UNION,
#   INTERSECT or EXCEPT (the recursive part of a CTE), whose names are ignored for the first
#   branch's; across psql `\if`/`\else` alternatives, of which only one is ever sent; or for
#   two plain column references of one name in a statement's outermost select list (pg-utils'
#   `pt1.typname, pt2.typname` report: read by position, no alias was written twice); or in the
#   select list of a CTE declared with its own column list (`q_parts (relid, relkind, level,
#   root) AS (SELECT oid, relkind, 1, oid ...)`, pgwatch2's metrics), which names the columns;
#   or in a SQLPage component row (`SELECT 'shell' AS component, 'a' AS menu_item, 'b' AS
#   menu_item`), where a repeated property is SQLPage's documented way to give several values;
# - AM07 (set branches of different widths) in a statement with psql `\if`/`\else`
#   alternatives, which sqlfluff reads as branches of one union (postgres_dba's node report);
# - AL04 (a table alias used twice) unless two of its definitions share one scope: sqlfluff counts
#   the tables of a subquery (`EXISTS (SELECT 1 FROM a)`, `(SELECT ... FROM user_ u) AS x`) with
#   the outer FROM's;
# - ST10 (a constant expression) comparing a bind parameter (`$1 = ''`, `? = 0`): its value
#   comes at run time, so the test is the query's optional-filter idiom, not a constant;
# - ST03 (an unused CTE) whose name the statement reads after FROM, JOIN, USING or a comma:
#   sqlfluff loses the FROM of `WITH ... UPDATE` when it cannot parse the SET list (Lemmy's
#   `SET x = subquery.case FROM subquery`);
# - ST11 (an unused join) of a bracketed join group (`LEFT JOIN (pg_type bt JOIN pg_namespace
#   nbt ON ...) ON ...`) one of whose aliases the query's select list or earlier FROM reads
#   (`bt.typname`): sqlfluff does not look into the brackets (pgwatch2's copy of the
#   information_schema.columns view), or the preserved side of a RIGHT or FULL JOIN, whose rows
#   the result keeps whether or not a column of it is read (LeetCode's `RIGHT JOIN (...) b`);
# - AM01 (DISTINCT with GROUP BY) when the GROUP BY holds an expression the select list does
#   not: the groups are finer than the rows selected, so the DISTINCT is what removes repeats
#   (LeetCode's `SELECT DISTINCT viewer_id ... GROUP BY viewer_id, view_date`).
_MISREAD_RULES = frozenset(
    {
        f"{NAME}:AL04",
        f"{NAME}:AL08",
        f"{NAME}:AM01",
        f"{NAME}:AM07",
        f"{NAME}:ST03",
        f"{NAME}:ST10",
        f"{NAME}:ST11",
    }
)
_BIND_PARAMETER = re.compile(rb"\$\d+|\?|(?<![:\w]):[A-Za-z_]\w*|@\w+|%s|%\(\w+\)s")
# What bounds one comparison (sqlfluff reports ST10 at its operator): to the left, to the right.
_CONDITION_START = re.compile(rb"\b(?:and|or|when|where|on|not)\b|[,;(]", re.IGNORECASE)
_CONDITION_END = re.compile(rb"\b(?:and|or|then|when|else|end)\b|[,;)]", re.IGNORECASE)
_INSERT_INTO = re.compile(rb"\binsert\s+into\b", re.IGNORECASE)
_SQLPAGE_COMPONENT = re.compile(rb"\bas\s+[\"`]?component\b", re.IGNORECASE)
_COMMENT = re.compile(rb"--[^\n]*|/\*.*?\*/", re.DOTALL)
_STRING = re.compile(rb"'(?:[^']|'')*'")
_ALIAS_NAME = re.compile(r"alias '([^']+)'")
_CTE_NAME = re.compile(r'CTE "([^"]+)"')
_FIRST_LINE = re.compile(r"from line (\d+)")
_SET_OPERATOR = re.compile(rb"\b(?:union|intersect|except)\b", re.IGNORECASE)
_PSQL_ALTERNATIVE = re.compile(rb"^\s*\\(?:else|elif)\b", re.MULTILINE)
_NESTED = re.compile(rb"\([^()]*\)")
# `name (a, b) AS (`, `name (a, b) AS MATERIALIZED (`: the end of a CTE head with a column list.
_CTE_COLUMN_LIST = re.compile(
    rb"[\w\"`]+\s*\([^()]*\)\s*as\s*(?:not\s+)?(?:materialized\s*)?$", re.IGNORECASE
)
_PRESERVED_JOIN = re.compile(rb"\b(?:right|full)\s+(?:outer\s+)?join\s*$", re.IGNORECASE)
# sqlfluff reports AM01 at the DISTINCT keyword.
_DISTINCT_LIST = re.compile(
    rb"^\s*(?:select\s+)?distinct\s+(.*?)\bfrom\b", re.IGNORECASE | re.DOTALL
)
_GROUP_LIST = re.compile(
    rb"\bgroup\s+by\s+(.*?)(?:\bhaving\b|\border\s+by\b|\blimit\b|\bwindow\b|\bunion\b|$)",
    re.IGNORECASE | re.DOTALL,
)
# `expr AS alias`, `expr alias`: the alias at the end of a select item.
_ITEM_ALIAS = re.compile(rb"^(.*?)\s+(?:as\s+)?([A-Za-z_]\w*)$", re.IGNORECASE | re.DOTALL)
_JOINED_GROUP = re.compile(r"Joined table '\((.*)' not referenced", re.DOTALL)
# The alias of each table in a bracketed join group: `(pg_type bt JOIN pg_namespace AS nbt`.
_GROUP_ALIAS = re.compile(
    r"(?:^|\bjoin\b)\s*[\w.\"]+\s+(?:as\s+)?(?!on\b|join\b|left\b|inner\b|cross\b)([A-Za-z_]\w*)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class _SqlText:
    """One file's SQL with its comments blanked (offsets and newlines kept), read once; `bounds`
    blanks string literals too, so a `;` inside one ends no statement ('; paused: ')."""

    source: bytes
    blanked: bytes
    bounds: bytes
    line_starts: list[int]

    @classmethod
    def read(cls, path: Path) -> _SqlText | None:
        try:
            source = path.read_bytes()
        except OSError:
            return None
        blanked = _COMMENT.sub(_blank, source)
        starts = [0] + [m.end() for m in re.finditer(rb"\n", source)]
        return cls(source, blanked, _STRING.sub(_blank, blanked), starts)

    def statement_around(self, cut: int) -> tuple[bytes, bytes]:
        """The comment-free text of the statement holding offset `cut`: before it, and all."""
        start = self.bounds.rfind(b";", 0, cut) + 1
        end = self.bounds.find(b";", cut)
        return self.blanked[start:cut], self.blanked[start : len(self.blanked) if end < 0 else end]


def _blank(match: re.Match[bytes]) -> bytes:
    return re.sub(rb"[^\n]", b" ", match[0])


def _misread(finding: RawFinding, root: Path, texts: dict[str, _SqlText | None]) -> bool:
    """A finding of `_MISREAD_RULES` that its statement, read from disk, shows to be misread."""
    if finding.rule_id not in _MISREAD_RULES:
        return False
    if finding.path not in texts:
        texts[finding.path] = _SqlText.read(root / finding.path)
    text = texts[finding.path]
    if text is None or not 0 < finding.line <= len(text.line_starts):
        return False
    source = text.source
    cut = text.line_starts[finding.line - 1] + max(0, finding.column - 1)
    before, statement = text.statement_around(cut)
    if finding.rule_id.endswith(":AL08"):
        return (
            bool(_INSERT_INTO.search(before))
            or _SQLPAGE_COMPONENT.search(statement) is not None
            or _later_set_branch(before)
            or _across_psql_alternatives(finding, text)
            or _implicit_names_outermost(finding.message, before, statement)
            or _CTE_COLUMN_LIST.search(before[: max(0, _scope(before, len(before)))]) is not None
        )
    if finding.rule_id.endswith(":ST11"):
        return _PRESERVED_JOIN.search(before) is not None or _bracketed_join_read(
            finding.message, before
        )
    if finding.rule_id.endswith(":AM01"):
        return _groups_finer_than_selected(text.blanked[cut : cut - len(before) + len(statement)])
    if finding.rule_id.endswith(":ST10"):
        left = _CONDITION_START.split(before.rsplit(b"\n", 1)[-1])[-1]
        right = _CONDITION_END.split(source[cut:].split(b"\n", 1)[0], 1)[0]
        return bool(_BIND_PARAMETER.search(left + right))
    if finding.rule_id.endswith(":ST03"):
        return _cte_read(finding.message, statement)
    if finding.rule_id.endswith(":AM07"):
        return _PSQL_ALTERNATIVE.search(statement) is not None
    name = _ALIAS_NAME.search(finding.message)
    if name is None:
        return False
    alias = re.escape(name[1].encode())
    # `FROM orders AS o`, `JOIN orders o`, `, orders o`, `(SELECT ...) AS o`
    written = (
        rb"(?:(?:\bfrom|\bjoin|,)\s+[\w.\"`\[\]]+|\))\s+(?:as\s+)?[\"`\[]?" + alias + rb"(?![\w.])"
    )
    scopes = [_scope(statement, m.end()) for m in re.finditer(written, statement, re.IGNORECASE)]
    return len(scopes) == len(set(scopes))


def _later_set_branch(before: bytes) -> bool:
    """Whether the select list ending `before` follows a UNION, INTERSECT or EXCEPT in its own
    parenthesis level (the branches of a subquery nested deeper do not count)."""
    level = before[_scope(before, len(before)) + 1 :]
    while _NESTED.search(level):
        level = _NESTED.sub(b" ", level)
    return _SET_OPERATOR.search(level) is not None


def _groups_finer_than_selected(query: bytes) -> bool:
    """Whether the GROUP BY of the SELECT DISTINCT `query` starts holds an expression that is
    neither an item nor an alias of its select list (subqueries and call arguments flattened)."""
    level = query
    while _NESTED.search(level):
        level = _NESTED.sub(b" ", level)
    level = level.split(b")", 1)[0]  # the end of the enclosing subquery, if any
    selected, grouped = _DISTINCT_LIST.search(level), _GROUP_LIST.search(level)
    if selected is None or grouped is None:
        return False
    names: set[bytes] = set()
    for item in selected[1].split(b","):
        item = _normalised(item)
        names.add(item)
        aliased = _ITEM_ALIAS.match(item)
        if aliased is not None and not aliased[1].endswith(b"."):
            names.update({aliased[1].strip(), aliased[2]})
    return any(_normalised(item) not in names for item in grouped[1].split(b",") if item.strip())


def _normalised(item: bytes) -> bytes:
    return re.sub(rb"\s+", b" ", re.sub(rb"[`\"\[\]]", b"", item)).strip().lower()


def _bracketed_join_read(message: str, before: bytes) -> bool:
    """Whether the reported join is a bracketed group one of whose aliases the text of its own
    query level before it (the select list, the FROM so far) reads as `alias.column`."""
    group = _JOINED_GROUP.search(message)
    if group is None:
        return False
    level = before[_scope(before, len(before)) + 1 :]
    for alias in _GROUP_ALIAS.findall(group[1]):
        if re.search(rb"(?<![\w.])" + re.escape(alias.encode()) + rb"\s*\.", level):
            return True
    return False


def _implicit_names_outermost(message: str, before: bytes, statement: bytes) -> bool:
    """Whether the repeated name is nowhere written as an alias (`AS name`) and the repeat sits
    in the statement's outermost select list, where nothing refers to it by name."""
    name = _ALIAS_NAME.search(message)
    if name is None or _scope(before, len(before)) != -1:
        return False
    alias = rb"\bas\s+[\"`]?" + re.escape(name[1].encode()) + rb"\b"
    return re.search(alias, statement, re.IGNORECASE) is None


def _across_psql_alternatives(finding: RawFinding, text: _SqlText) -> bool:
    """Whether a psql `\\else` or `\\elif` line separates the alias from its first use."""
    first = _FIRST_LINE.search(finding.message)
    if first is None or not 0 < int(first[1]) < finding.line:
        return False
    span = text.blanked[text.line_starts[int(first[1]) - 1] : text.line_starts[finding.line - 1]]
    return _PSQL_ALTERNATIVE.search(span) is not None


def _cte_read(message: str, statement: bytes) -> bool:
    """Whether the statement reads the CTE that `message` names as a table (`FROM name`,
    `JOIN name`, `USING name`, `, name`), not counting its own definition (`, name AS (`)."""
    name = _CTE_NAME.search(message)
    if name is None:
        return False
    cte = re.escape(name[1].encode())
    read = rb"(?:\bfrom|\bjoin|\busing|,)\s+[\"`]?" + cte + rb"[\"`]?(?![\w.(])(?!\s*(?:as\s*)?\()"
    return re.search(read, statement, re.IGNORECASE) is not None


def _scope(text: bytes, position: int) -> int:
    """Where the innermost parenthesis around `position` opens (-1 at the top level)."""
    opened: list[int] = []
    for index, char in enumerate(text[:position]):
        if char == 0x28:  # (
            opened.append(index)
        elif char == 0x29 and opened:  # )
            opened.pop()
    return opened[-1] if opened else -1


def _templater(head: bytes) -> str:
    """Jinja for templates, the placeholder templater for sqlc query files, else raw."""
    if _JINJA.search(head):
        return JINJA
    return PLACEHOLDER if _SQLC.search(head) else RAW


def _finding(item: dict[str, object], path: str) -> RawFinding:
    code = str(item.get("code", ""))
    rule = SYNTAX_ERROR if code in _PARSE_CODES else code
    return RawFinding(
        f"{NAME}:{rule}",
        path,
        int(str(item.get("start_line_no") or 1)),
        int(str(item.get("start_line_pos") or 1)),
        str(item.get("description", "")).strip(),
    )


SQLFLUFF = Sqlfluff()
