"""Source-level checks that tell ruff's deliberate idioms from defects (mutable defaults that are
only read, benchmark loops, import-only re-export modules and import tests, Python-2 builtins
behind a version check)."""

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
    if isinstance(parent, ast.For | ast.AsyncFor):
        return parent.iter is use  # `for name in default:` only reads it
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


# Builtins of Python 2 only: compatibility code calls them in branches that Python 3 never runs.
PY2_BUILTINS = frozenset(
    {"apply", "basestring", "buffer", "cmp", "coerce", "execfile", "file", "intern", "long"}
    | {"raw_input", "reduce", "reload", "StandardError", "unichr", "unicode", "xrange"}
)
# A test naming the interpreter's version: `if PY2:`, `six.PY3`, `sys.version_info < (3,)`,
# `PY3 and ...`, or a decorator such as `@pytest.mark.skipif(not PY2, ...)`.
_VERSION_TEST = re.compile(
    r"\b(?:\w+_)?PY(?:THON)?_?[23]K?\b|\bversion_info\b|\bsys\.version\b|\bhexversion\b"
)


def version_guarded(source: str, line: int, name: str) -> bool:
    """Whether the Python-2 builtin `name` used on `line` runs only behind a version check.

    On Python 3 `long` or `unicode` is undefined, but code under `if PY2:` (or in a function
    skipped unless Python 2) never reaches it there; a use outside any such check still raises.
    """
    if name not in PY2_BUILTINS:
        return False
    tree = _parsed(source)
    if tree is None:
        return False
    parents = _parents(tree)
    uses = [n for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id == name]
    uses = [n for n in uses if n.lineno == line]
    return bool(uses) and all(_under_version_test(use, parents) for use in uses)


def _under_version_test(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """Whether an enclosing condition, `and`/`or` or decorator of `node` names the version."""
    parent = parents.get(node)
    while parent is not None:
        tests: list[ast.expr] = []
        if isinstance(parent, ast.If | ast.IfExp | ast.While):
            tests = [parent.test]
        elif isinstance(parent, ast.BoolOp):
            tests = parent.values
        elif isinstance(parent, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            tests = parent.decorator_list
        if any(_VERSION_TEST.search(ast.unparse(test)) for test in tests):
            return True
        parent = parents.get(parent)
    return False


def locals_read(source: str, line: int) -> bool:
    """Whether the function holding `line` reads `locals()` or `vars()`: its names are used by
    name at run time (an import test checking what it imported), not forgotten."""
    func = _function_at(source, line)
    return func is not None and _reads_locals(func)


def import_test(source: str, line: int) -> bool:
    """Whether `line` is an import in a `test*` function that does nothing but import: the test
    passes when the import works (dateutil's `def test_import_tz(): from dateutil import tz`)."""
    func = _function_at(source, line)
    if func is None or not func.name.startswith("test"):
        return False
    body = func.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # the docstring
    return bool(body) and all(isinstance(s, ast.Import | ast.ImportFrom) for s in body)


def _function_at(source: str, line: int) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The innermost function whose body holds `line`, if any."""
    tree = _parsed(source)
    found: ast.FunctionDef | ast.AsyncFunctionDef | None = None
    for node in ast.walk(tree) if tree is not None else ():
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            inside = node.lineno < line <= (node.end_lineno or node.lineno)
            if inside and (found is None or node.lineno > found.lineno):
                found = node
    return found


def _reads_locals(func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(
        isinstance(n, ast.Call)
        and isinstance(n.func, ast.Name)
        and n.func.id in {"locals", "vars"}
        and not n.args
        for n in ast.walk(func)
    )


@lru_cache(maxsize=16)
def _parents(tree: ast.Module) -> dict[ast.AST, ast.AST]:
    """Each node of a parsed module → its parent (cached with the parse it belongs to)."""
    return {child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}
