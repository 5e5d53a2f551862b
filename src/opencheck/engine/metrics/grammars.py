"""Per language: the tree-sitter grammar and the node kinds that make up a function's complexity.

Cyclomatic complexity is 1 + decisions + case labels (McCabe, as SonarQube and lizard count it);
the CCA variant counts a whole switch as one decision instead of one per case. Nesting depth
counts control structures inside one another within a function. Lambdas and closures are
not functions of their own here: their decisions count toward the function around them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from tree_sitter import Language, Query


@dataclass(frozen=True)
class ComplexitySpec:
    """Query fragments (node patterns, without capture names) of one language."""

    grammar: str  # a tree-sitter-language-pack name
    functions: str
    decisions: str
    cases: str = ""
    switches: str = ""
    nesting: str = ""


_AND_OR = '(binary_expression operator: ["&&" "||"])'
_C_LIKE_NESTING = "(if_statement) (for_statement) (while_statement) (do_statement) (try_statement)"

SPECS: dict[str, ComplexitySpec] = {
    "Python": ComplexitySpec(
        "python",
        functions="(function_definition)",
        decisions="(if_statement) (elif_clause) (for_statement) (while_statement) (except_clause)"
        " (conditional_expression) (boolean_operator) (for_in_clause) (if_clause)",
        cases="(case_clause)",
        switches="(match_statement)",
        nesting="(if_statement) (for_statement) (while_statement) (try_statement)"
        " (with_statement) (match_statement)",
    ),
    "JavaScript": ComplexitySpec(
        "javascript",
        functions="(function_declaration) (function_expression)"
        " (method_definition) (generator_function) (generator_function_declaration)",
        decisions="(if_statement) (for_statement) (for_in_statement) (while_statement)"
        f" (do_statement) (catch_clause) (ternary_expression) {_AND_OR}",
        cases="(switch_case)",
        switches="(switch_statement)",
        nesting=f"{_C_LIKE_NESTING} (for_in_statement) (switch_statement)",
    ),
    "Java": ComplexitySpec(
        "java",
        functions="(method_declaration) (constructor_declaration)",
        decisions="(if_statement) (for_statement) (enhanced_for_statement) (while_statement)"
        f" (do_statement) (catch_clause) (ternary_expression) {_AND_OR}",
        cases="(switch_label . (_))",  # not `default:`
        switches="(switch_expression)",
        nesting=f"{_C_LIKE_NESTING} (enhanced_for_statement) (switch_expression)",
    ),
    "Go": ComplexitySpec(
        "go",
        functions="(function_declaration) (method_declaration)",
        decisions=f"(if_statement) (for_statement) {_AND_OR}",
        cases="(expression_case) (type_case) (communication_case)",
        switches="(expression_switch_statement) (type_switch_statement) (select_statement)",
        nesting="(if_statement) (for_statement) (expression_switch_statement)"
        " (type_switch_statement) (select_statement)",
    ),
    "Rust": ComplexitySpec(
        "rust",
        functions="(function_item)",
        decisions="(if_expression) (for_expression) (while_expression) (loop_expression)"
        f" (try_expression) {_AND_OR}",
        cases="(match_arm)",
        switches="(match_expression)",
        nesting="(if_expression) (for_expression) (while_expression) (loop_expression)"
        " (match_expression)",
    ),
    "C#": ComplexitySpec(
        "csharp",
        functions="(method_declaration) (constructor_declaration) (local_function_statement)",
        decisions="(if_statement) (for_statement) (foreach_statement) (while_statement)"
        f" (do_statement) (catch_clause) (conditional_expression) {_AND_OR}",
        cases="(switch_expression_arm)"
        " (switch_section . [(constant_pattern) (declaration_pattern) (recursive_pattern)"
        " (type_pattern) (relational_pattern) (or_pattern) (and_pattern) (negated_pattern)"
        " (var_pattern) (parenthesized_pattern) (list_pattern) (tuple_pattern)])",
        switches="(switch_statement) (switch_expression)",
        nesting=f"{_C_LIKE_NESTING} (foreach_statement) (switch_statement)",
    ),
    "C++": ComplexitySpec(
        "cpp",
        functions="(function_definition)",
        decisions="(if_statement) (for_statement) (for_range_loop) (while_statement)"
        f" (do_statement) (catch_clause) (conditional_expression) {_AND_OR}",
        cases="(case_statement value: (_))",  # not `default:`
        switches="(switch_statement)",
        nesting=f"{_C_LIKE_NESTING} (for_range_loop) (switch_statement)",
    ),
    "Kotlin": ComplexitySpec(
        "kotlin",
        functions="(function_declaration) (anonymous_function) (secondary_constructor)",
        decisions="(if_expression) (for_statement) (while_statement) (do_while_statement)"
        " (catch_block) (conjunction_expression) (disjunction_expression)",
        cases="(when_entry)",
        switches="(when_expression)",
        nesting="(if_expression) (for_statement) (while_statement) (do_while_statement)"
        " (try_expression) (when_expression)",
    ),
    "Scala": ComplexitySpec(
        "scala",
        functions="(function_definition)",
        decisions="(if_expression) (for_expression) (while_expression) (do_while_expression)"
        " (catch_clause)"
        ' (infix_expression operator: (operator_identifier) @_op (#match? @_op "^(&&|[|][|])$"))',
        cases="(case_clause)",
        switches="(match_expression)",
        nesting="(if_expression) (for_expression) (while_expression) (do_while_expression)"
        " (try_expression) (match_expression)",
    ),
    "Lua": ComplexitySpec(
        "lua",
        functions="(function_declaration) (function_definition)",
        decisions="(if_statement) (elseif_statement) (for_statement) (while_statement)"
        ' (repeat_statement) (binary_expression ["and" "or"])',
        nesting="(if_statement) (for_statement) (while_statement) (repeat_statement)",
    ),
    "PHP": ComplexitySpec(
        "php",
        functions="(function_definition) (method_declaration) (anonymous_function)",
        decisions="(if_statement) (else_if_clause) (for_statement) (foreach_statement)"
        " (while_statement) (do_statement) (catch_clause) (conditional_expression)"
        ' (binary_expression operator: ["&&" "||" "and" "or"])',
        cases="(case_statement) (match_conditional_expression)",  # PHP: default_statement
        switches="(switch_statement) (match_expression)",
        nesting=f"{_C_LIKE_NESTING} (foreach_statement) (switch_statement)",
    ),
    "Shell": ComplexitySpec(
        "bash",
        functions="(function_definition)",
        decisions="(if_statement) (elif_clause) (for_statement) (c_style_for_statement)"
        ' (while_statement) (list ["&&" "||"])',
        cases="(case_item)",
        switches="(case_statement)",
        nesting="(if_statement) (for_statement) (c_style_for_statement) (while_statement)"
        " (case_statement)",
    ),
    "Cangjie": ComplexitySpec(
        "cangjie",
        functions="(functionDefinition) (mainDefinition) (operatorFunctionDefinition) (init)",
        decisions="(ifExpression) (forInExpression) (whileExpression) (doWhileExpression)"
        ' (catchPattern) (binaryExpression ["&&" "||"])',
        cases="(matchCase)",
        switches="(matchExpression)",
        nesting="(ifExpression) (forInExpression) (whileExpression) (doWhileExpression)"
        " (tryExpression) (matchExpression)",
    ),
}
# TypeScript (and ArkTS, which tree-sitter parses as TypeScript) counts like JavaScript.
SPECS["TypeScript"] = ComplexitySpec(**{**SPECS["JavaScript"].__dict__, "grammar": "typescript"})
SPECS["ArkTS"] = SPECS["TypeScript"]


def _load_language(grammar: str) -> Any:
    from tree_sitter_language_pack import get_language

    return get_language(grammar)  # type: ignore[arg-type]


def _cangjie() -> Any:
    import tree_sitter_cangjie

    return tree_sitter_cangjie.language()


# Grammars that do not come from tree-sitter-language-pack: name -> loader of the capsule.
EXTRA_GRAMMARS: dict[str, Callable[[], Any]] = {"cangjie": _cangjie}


@cache
def language(grammar: str) -> Language:
    """The tree-sitter Language of `grammar` (loaded once per process)."""
    loader = EXTRA_GRAMMARS.get(grammar)
    loaded = loader() if loader else _load_language(grammar)
    return loaded if isinstance(loaded, Language) else Language(loaded)


@cache
def query(language_name: str) -> Query:
    """One query capturing a language's functions, decisions, cases, switches and nesting."""
    spec = SPECS[language_name]
    parts = [
        f"[{patterns}] @{name}"
        for name in ("functions", "decisions", "cases", "switches", "nesting")
        if (patterns := getattr(spec, name))
    ]
    return Query(language(spec.grammar), "\n".join(parts))
