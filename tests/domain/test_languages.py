import pytest

from opencheck.domain.languages import SYSTEM_LANGUAGES, canonical_language


@pytest.mark.parametrize(
    ("code", "expected"),
    [("python", "Python"), ("JAVA", "Java"), ("cpp", "C++"), ("csharp", "C#"), ("js", "JavaScript"),
     ("typescript", "TypeScript"), ("ArkTS", "ArkTS"), ("cobol", None)],
)  # fmt: skip
def test_aliases(code: str, expected: str | None) -> None:
    assert canonical_language(code) == expected


def test_nineteen_system_languages() -> None:
    assert len(SYSTEM_LANGUAGES) == 19
    assert all(canonical_language(name) == name for name in SYSTEM_LANGUAGES)
