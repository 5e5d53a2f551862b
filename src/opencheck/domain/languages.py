"""The 19 CodeArts system languages and the aliases the API accepts for them."""

from __future__ import annotations

SYSTEM_LANGUAGES: tuple[str, ...] = (
    "ArkTS",
    "C#",
    "Cangjie",
    "C++",
    "CSS",
    "Go",
    "HTML",
    "Java",
    "JavaScript",
    "Kotlin",
    "Lua",
    "PHP",
    "Python",
    "Rust",
    "Scala",
    "Shell",
    "SQL",
    "Terraform",
    "TypeScript",
)

_ALIASES: dict[str, str] = {name.lower(): name for name in SYSTEM_LANGUAGES}
_ALIASES.update(
    {
        "cpp": "C++",
        "c": "C++",
        "c/c++": "C++",
        "csharp": "C#",
        "cs": "C#",
        "js": "JavaScript",
        "ts": "TypeScript",
        "typescript": "TypeScript",
        "py": "Python",
        "golang": "Go",
        "kt": "Kotlin",
        "sh": "Shell",
        "bash": "Shell",
        "tf": "Terraform",
        "hcl": "Terraform",
        "ets": "ArkTS",
        "cj": "Cangjie",
        "rs": "Rust",
    }
)


def canonical_language(name: str) -> str | None:
    """Map an API language code or display name (any case) to its system name, or None."""
    return _ALIASES.get(name.strip().lower())


def upper_code(language: str) -> str:
    """The upper-case spelling used in run logs, as in seed 004 ("JAVA", "SQL")."""
    return language.upper()
