"""A Semgrep rule file with as many rules per language as OpenCheck's default rule set.

The patterns are real Semgrep patterns for the same kinds of defects OpenCheck's default rules
look for (eval, shell=True, bare except, == None, self-comparison, var, debugger, ...).
Python, JavaScript and TypeScript use Semgrep's parsers; CSS (which Semgrep does not parse) and
HTML use its `generic` mode, limited to their files by `paths.include`. When a table is shorter
than the count asked for, rules are repeated as variants (`<id>-v2`, ...) with the same pattern,
so the count always matches; `variants` in the result says how many.
"""

from __future__ import annotations

from typing import Any

import yaml

Spec = str | dict[str, Any]

_PY_NOT_TIMEOUT = {
    "patterns": [
        {"pattern": "requests.$M(...)"},
        {"pattern-not": "requests.$M(..., timeout=$T, ...)"},
    ]
}
_PY_OPEN_NO_WITH = {
    "patterns": [{"pattern": "open(...)"}, {"pattern-not-inside": "with open(...) as $F:\n  ..."}]
}
_PY_PASSWORD = {
    "patterns": [
        {"pattern": '$NAME = "$VALUE"'},
        {"metavariable-regex": {"metavariable": "$NAME", "regex": "(?i).*(password|secret|token)"}},
    ]
}
PYTHON: list[Spec] = [
    "eval($X)", "exec($X)", "subprocess.$F(..., shell=True, ...)", "os.system($X)",
    "os.popen($X)", "pickle.loads($X)", "pickle.load($X)", "yaml.load(...)",
    "hashlib.md5(...)", "hashlib.sha1(...)", "requests.$M(..., verify=False, ...)",
    _PY_NOT_TIMEOUT, "jinja2.Environment(..., autoescape=False, ...)",
    "tarfile.open(...).extractall(...)", "tempfile.mktemp(...)", '"0.0.0.0"', _PY_PASSWORD,
    "def $F(..., $A=[], ...):\n  ...", "def $F(..., $A={}, ...):\n  ...",
    "try:\n  ...\nexcept:\n  ...", "$X == None", "$X != None", "$X == True", "$X == False",
    "type($X) == $Y", '$X is "..."', "assert ($A, $B)", "{..., $K: $A, ..., $K: $B, ...}",
    "def __init__(self, ...):\n  ...\n  return $X", "asyncio.create_task(...)",
    _PY_OPEN_NO_WITH, "try:\n  ...\nexcept $E:\n  ...\n  raise $X(...)", "$X == $X",
    "if $A:\n  if $B:\n    ...", "for $V in $I:\n  ...\n  $V = $Y",
    '$C.execute("..." % $X)', '$C.execute(f"...")', "for $V in $I:\n  ...\n  lambda: $V",
    "marshal.loads(...)", "ssl._create_unverified_context(...)", "__import__($X)",
    "shelve.open(...)", "os.chmod($P, 0o777)", "hashlib.new('md5', ...)",
    '"=~/^\\/tmp\\//"', "telnetlib.Telnet(...)", "ftplib.FTP(...)",
]  # fmt: skip

_JS_TYPEOF = {
    "patterns": [
        {"pattern": 'typeof $X == "$T"'},
        {
            "metavariable-regex": {
                "metavariable": "$T",
                "regex": "^(?!(undefined|object|boolean|number|string|function|symbol|bigint)$)",
            }
        },
    ]
}
_JS_EXTEND_NATIVE = {
    "patterns": [
        {"pattern": "$C.prototype.$M = $F"},
        {"metavariable-regex": {"metavariable": "$C", "regex": "^(Object|Array|String|Number)$"}},
    ]
}
_JS_EQEQ = {"patterns": [{"pattern": "$X == $Y"}, {"pattern-not": "$X == null"}]}
JAVASCRIPT: list[Spec] = [
    "eval($X)", "new Function(...)", 'setTimeout("...", ...)', 'setInterval("...", ...)',
    '"=~/^javascript:/"', "$X.__proto__", _JS_EXTEND_NATIVE, "arguments.callee",
    "arguments.caller", "const $X = $V;\n...\n$X = $W;", "Math(...)", "JSON(...)",
    "try { ... } finally { ... return $X; }", "$X === $X", "$X !== $X",
    "switch ($X) { case $A: ... case $A: ... }",
    "if ($A) { ... } else if ($A) { ... }", "if ($X = $Y) { ... }", "while ($X = $Y) { ... }",
    "!$X in $Y", "!$X instanceof $Y", "$X === NaN", _JS_TYPEOF, "$X === -0",
    "return $X;\n$Y;", "debugger;", "new Promise(async ($R, ...) => { ... })", "$X = $X;",
    _JS_EQEQ, "try { ... } catch ($E) {}", "var $X = $Y;", "document.write(...)",
    "$EL.innerHTML = $X", "Reflect.setPrototypeOf(...)",
]  # fmt: skip
TYPESCRIPT: list[Spec] = [
    *JAVASCRIPT[:31],
    "$X as any",
    "$X?.$Y!",
    "interface $I { new (...): $I }",
    "($X: any) => $B",
    *JAVASCRIPT[31:],
]

CSS: list[Spec] = [
    "expression(...)", "behavior: $X", "-moz-binding: $X", "url(javascript:...)",
    "@import url(http://...)", "url(http://...)", "progid:...", "!important", "$S { }",
    ": 0px", "* { ... }", "#$A #$B", "div#$ID", "-webkit-$P: $V", "outline: none",
    "outline: 0", "padding: -$N", "font-family: $F;", "z-index: 9999", "_$P: $V;",
    "transition: all", "@import", "-ms-filter",
]  # fmt: skip
HTML: list[Spec] = [
    'target="_blank"', 'onclick="..."', 'href="javascript:...', '<script src="http://...">',
    'src="http://...', '<form action="http://...', "<iframe ...>", 'autocomplete="on"',
    'method="get"', "<script src=...>", "document.write(...)", "eval(...)", "<img ...>",
    "<html>", 'tabindex="1"', "user-scalable=no", 'http-equiv="refresh"', "<center>",
    "<marquee", "autofocus", 'style="..."', "<button ...>", '<a href="#">',
]  # fmt: skip

# System language -> (Semgrep language, paths.include or None, pattern table).
TABLES: dict[str, tuple[str, list[str] | None, list[Spec]]] = {
    "Python": ("python", None, PYTHON),
    "JavaScript": ("javascript", None, JAVASCRIPT),
    "TypeScript": ("typescript", None, TYPESCRIPT),
    "CSS": ("generic", ["*.css", "*.scss", "*.less"], CSS),
    "HTML": ("generic", ["*.html", "*.htm"], HTML),
}


def _rule(language: str, index: int, spec: Spec, variant: int) -> dict[str, Any]:
    semgrep_language, include, _ = TABLES[language]
    rule_id = f"{semgrep_language}-{language.lower()}-{index + 1:02d}"
    if variant > 1:
        rule_id += f"-v{variant}"
    body = {"pattern": spec} if isinstance(spec, str) else dict(spec)
    rule: dict[str, Any] = {
        "id": rule_id,
        "languages": [semgrep_language],
        "severity": "WARNING",
        "message": f"{language} check {index + 1}",
        **body,
    }
    if include:
        rule["paths"] = {"include": include}
    return rule


def rule_file(counts: dict[str, int]) -> tuple[str, dict[str, int]]:
    """YAML with `counts[language]` rules per language, and how many of them are variants."""
    rules: list[dict[str, Any]] = []
    variants: dict[str, int] = {}
    for language, count in counts.items():
        if language not in TABLES:
            raise SystemExit(f"bench/semgrep_rules.py has no Semgrep patterns for {language}")
        table = TABLES[language][2]
        for n in range(count):
            rules.append(
                _rule(language, n % len(table), table[n % len(table)], n // len(table) + 1)
            )
        variants[language] = max(0, count - len(table))
    return yaml.safe_dump({"rules": rules}, sort_keys=False), variants
