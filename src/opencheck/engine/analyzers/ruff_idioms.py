"""Source-level checks that tell ruff's deliberate idioms from defects (mutable defaults that are
only read, benchmark loops, import-only re-export modules)."""

from __future__ import annotations

import ast
import re
from functools import lru_cache

# Method calls that only read a list, dict or set: a default used only through them is harmless.
_READING_METHODS = frozenset(
    {"get", "items", "keys", "values", "copy", "count", "index", "startswith", "__contains__"}
)
# Builtins that read their argument without keeping it.
_READING_CALLS = frozenset(
    {"bool", "len", "list", "dict", "set", "tuple", "sorted", "iter", "any", "all", "repr", "str"}
)
_REPEAT_LOOP = "for _ in "
_DEFINES = re.compile(r"^(?:async\s+def|def|class)\s", re.MULTILINE)


def default_only_read(source: str, line: int) -> bool:
    """Whether every mutable default declared on `line` is only read in its function.

    Sonar's S5717 reports a mutable default only when the function changes it; a default that is
    mutated, returned, stored or handed to another call keeps the finding.
    """
    tree = _parsed(source)
    if tree is None:
        return False
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            names = _mutable_defaults_on(node, line)
            if names:
                return all(_only_read(node, name) for name in names)
    return False


def _mutable_defaults_on(func: ast.FunctionDef | ast.AsyncFunctionDef, line: int) -> list[str]:
    args = func.args
    positional = [*args.posonlyargs, *args.args]
    pairs = list(
        zip(positional[len(positional) - len(args.defaults) :], args.defaults, strict=True)
    )
    pairs += [(a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d]
    mutable = (ast.List, ast.Dict, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp)
    return [a.arg for a, d in pairs if isinstance(d, mutable) and d.lineno == line]


def _only_read(func: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> bool:
    """Whether each use of `name` in the body is a read that can neither change nor keep it."""
    parents: dict[ast.AST, ast.AST] = {}
    for parent in ast.walk(func):
        for child in ast.iter_child_nodes(parent):
            parents[child] = parent
    uses = [n for n in ast.walk(func) if isinstance(n, ast.Name) and n.id == name]
    return all(_read_use(use, parents.get(use), parents) for use in uses)


def _read_use(use: ast.Name, parent: ast.AST | None, parents: dict[ast.AST, ast.AST]) -> bool:
    if not isinstance(use.ctx, ast.Load):
        return False  # a store or del: treat any rebinding as a change
    if isinstance(parent, ast.Attribute):
        call = parents.get(parent)
        return parent.attr in _READING_METHODS and isinstance(call, ast.Call)
    if isinstance(parent, ast.Call) and use in parent.args:
        return isinstance(parent.func, ast.Name) and parent.func.id in _READING_CALLS
    if isinstance(parent, ast.Starred | ast.keyword):
        return isinstance(parent, ast.keyword) and parent.arg is None  # **name copies it
    if isinstance(parent, ast.Subscript):
        return isinstance(parent.ctx, ast.Load)
    return isinstance(parent, ast.Compare | ast.BoolOp | ast.UnaryOp | ast.If | ast.comprehension)


def in_repeat_loop(lines: list[str], number: int) -> bool:
    """Whether line `number` is the body of a `for _ in ...:` loop: a benchmark repeating it."""
    line = lines[number - 1]
    indent = len(line) - len(line.lstrip())
    for text in reversed(lines[: number - 1]):
        if text.strip() and len(text) - len(text.lstrip()) < indent:
            return text.lstrip().startswith(_REPEAT_LOOP)
    return False


@lru_cache(maxsize=16)
def _parsed(source: str) -> ast.Module | None:
    """One parse per file however many of its findings ask (findings come file by file)."""
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError):
        return None


def import_only_module(source: str) -> bool:
    """Whether a module holds nothing but imports (and a docstring or `__all__`): a re-export."""
    if _DEFINES.search(source):  # most modules: no parse needed to see they define things
        return False
    tree = _parsed(source)
    body = tree.body if tree is not None else []
    if not body:
        return False
    for statement in body:
        if isinstance(statement, ast.Import | ast.ImportFrom):
            continue
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
            continue
        return False
    return any(isinstance(s, ast.Import | ast.ImportFrom) for s in body)


def import_starts(lines: list[str]) -> dict[int, int]:
    """Each continuation line of a multi-line import statement → the statement's first line."""
    tree = _parsed("\n".join(lines))
    if tree is None:
        return {}
    starts: dict[int, int] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            for line in range(node.lineno + 1, (node.end_lineno or node.lineno) + 1):
                starts[line] = node.lineno
    return starts
