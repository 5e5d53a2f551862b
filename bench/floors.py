"""How far each step of a check is from its floor: its tools alone, and tree-sitter's parse rate.

Measured in the same session as the check, on the files the check analyses (the tree's
inventory, languages the task checks):

- **tree-sitter parse**: every file parsed, and nothing else, with the tree-sitter bindings and
  grammars the engine's own tree-sitter analyser loads (`tree_sitter_language_pack`, plus the
  grammars `treesitter_scan.GRAMMARS` names); files are read before the clock starts. Once in one
  process (one core), and once split by size over as many processes as the check runs analysers
  side by side (the larger of their parse seconds).
- **tools alone**: ruff and oxlint run once over all their files with the very command line the
  engine builds for the default rule set, at the check's parallelism (ruff's thread pool, oxlint's
  `--threads`), and `ruff --select ALL` as the older reference of the README.

An analyser step's wall time in the profile is summed over its batches (two run side by side), so
it compares with a floor that does the same work once; `queued → stored` compares with the parse
floor at the check's parallelism.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.pool
import os
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from opencheck.engine.analyzers.base import default_selection
from opencheck.engine.analyzers.oxlint import OXLINT
from opencheck.engine.analyzers.registry import ANALYZERS
from opencheck.engine.analyzers.ruff import RUFF, ruff_binary
from opencheck.engine.inventory import Inventory
from opencheck.engine.loc import count_lines
from opencheck.engine.treesitter_scan import GRAMMARS, load_language

# System language -> grammar name in tree_sitter_language_pack (those without one are not parsed).
PACK_GRAMMARS = {
    "C#": "csharp",
    "C++": "cpp",
    "CSS": "css",
    "Go": "go",
    "HTML": "html",
    "Java": "java",
    "JavaScript": "javascript",
    "Kotlin": "kotlin",
    "Lua": "lua",
    "PHP": "php",
    "Python": "python",
    "Rust": "rust",
    "Scala": "scala",
    "Shell": "bash",
    "Terraform": "hcl",
    "TypeScript": "typescript",
}
# Suffixes whose grammar differs from their language's: JSX inside TypeScript needs `tsx`.
SUFFIX_GRAMMARS = {".tsx": "tsx"}
# Analysers whose tool can run alone with the engine's command: name -> floor key.
TOOL_FLOORS = {"ruff": "ruff", "oxlint": "oxlint"}
PARSE_1 = "tree-sitter parse, 1 core"


def grammar_of(language: str, path: str) -> str | None:
    """The grammar a file is parsed with: an engine grammar's language name, or a pack name."""
    if language in GRAMMARS:
        return language
    return SUFFIX_GRAMMARS.get(Path(path).suffix) or PACK_GRAMMARS.get(language)


def _language(grammar: str) -> Any:
    from tree_sitter import Language
    from tree_sitter_language_pack import get_binding

    return load_language(grammar) if grammar in GRAMMARS else Language(get_binding(grammar))


def parse_seconds(root: str, files: Sequence[tuple[str, str]]) -> float:
    """Seconds spent in tree-sitter parsing `files` ((path, grammar)); reading is not counted."""
    from tree_sitter import Parser

    sources = [(grammar, (Path(root) / path).read_bytes()) for path, grammar in files]
    parsers: dict[str, Parser] = {}
    total = 0.0
    for grammar, source in sources:
        if grammar not in parsers:
            parsers[grammar] = Parser(_language(grammar))
        start = time.perf_counter()
        parsers[grammar].parse(source)
        total += time.perf_counter() - start
    return total


def split_by_size(root: Path, files: Sequence[tuple[str, str]], parts: int) -> list[list[Any]]:
    """`files` in `parts` lists of about equal bytes (largest first, each to the lightest list)."""
    sizes = {path: (root / path).stat().st_size for path, _ in files}
    lists: list[list[Any]] = [[] for _ in range(max(1, parts))]
    loads = [0] * len(lists)
    for item in sorted(files, key=lambda f: -sizes[f[0]]):
        lightest = loads.index(min(loads))
        lists[lightest].append(item)
        loads[lightest] += sizes[item[0]]
    return [part for part in lists if part]


def one_core(pool: multiprocessing.pool.Pool, root: Path, files: Sequence[Any]) -> float:
    """Parse seconds of `files` in one of the pool's processes."""
    [seconds] = pool.starmap(parse_seconds, [(str(root), list(files))]) if files else [0.0]
    return round(seconds, 3)


def side_by_side(
    pool: multiprocessing.pool.Pool, root: Path, files: Sequence[Any], jobs: int
) -> float:
    """Parse seconds of the slowest of `jobs` processes parsing their share at the same time."""
    parts = split_by_size(root, files, jobs)
    return round(max(pool.starmap(parse_seconds, [(str(root), p) for p in parts]), default=0.0), 3)


def parse_pool(jobs: int) -> multiprocessing.pool.Pool:
    """`jobs` processes with tree-sitter imported, spawned: no thread of the service is forked,
    and the parsing stays out of this process's peak memory, reported as the service's."""
    pool = multiprocessing.get_context("spawn").Pool(max(1, jobs))
    pool.map(_warm_up, range(max(1, jobs)))  # imports and start-up stay out of the figures
    return pool


def _warm_up(_: int) -> None:
    import tree_sitter  # noqa: F401
    import tree_sitter_language_pack  # noqa: F401


def run_alone(command: Sequence[str], cwd: Path, threads: int) -> dict[str, float]:
    """Wall and CPU seconds (user + system, from wait4) of one tool run; its output discarded."""
    env = {**os.environ, "RAYON_NUM_THREADS": str(threads)}  # ruff's thread pool
    start = time.perf_counter()
    with subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    ) as process:
        assert process.stderr is not None
        errors = process.stderr.read()  # before waiting: a full pipe would block the tool
        # wait4, not wait: the child's rusage is its CPU seconds, and nothing else's.
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):  # 1: oxlint found something
        raise RuntimeError(f"{command[0]} exited {code}: {errors.decode()[-500:]}")
    return {
        "wall_seconds": round(wall, 3),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 3),
    }


def tool_commands(files: Mapping[str, Sequence[str]], jobs: int) -> dict[str, list[str]]:
    """The tools' command lines over all their files: the engine's own, at the check's threads."""
    commands: dict[str, list[str]] = {}
    python = sorted(files.get("Python", ()))
    if python:
        commands["ruff"] = RUFF.command(python, default_selection(RUFF, "basic", ["Python"]))
        commands["ruff --select ALL"] = [
            ruff_binary() or "ruff", "check", "--select", "ALL", "--isolated", "--no-cache",
            "--exit-zero", "--output-format", "json-lines", "--", *python,
        ]  # fmt: skip
    covered = [lang for lang in sorted(OXLINT.languages) if files.get(lang)]
    if covered:
        scripts = sorted(p for lang in covered for p in files[lang])
        command = OXLINT.command(scripts, default_selection(OXLINT, "basic", covered))
        # The engine runs oxlint one thread per batch, two batches side by side.
        commands["oxlint"] = [f"--threads={jobs}" if a == "--threads=1" else a for a in command]
    return commands


def measure(inventory: Inventory, languages: Sequence[str], jobs: int) -> dict[str, Any]:
    """Every floor of the tree: parse per analyser and overall, and the tools alone."""
    root = inventory.root
    files = {lang: inventory.files[lang] for lang in languages if inventory.files.get(lang)}
    per_file: dict[str, int] = {}
    count_lines(inventory, per_file)
    parsed = [(p, g) for lang, paths in files.items() for p in paths if (g := grammar_of(lang, p))]
    code_lines = sum(per_file.get(path, 0) for path, _ in parsed)
    report: dict[str, Any] = {
        "jobs": jobs,
        "unparsed_languages": sorted(lang for lang in files if not grammar_of(lang, "x")),
        "analysers": {},
        "tools": {},
    }
    with parse_pool(jobs) as pool:
        report["parse"] = {
            "files": len(parsed),
            "code_lines": code_lines,
            "one_core_seconds": one_core(pool, root, parsed),
            "parallel_seconds": side_by_side(pool, root, parsed, jobs),
        }
        for name, analyzer in ANALYZERS.items():
            mine = {p for lang in sorted(analyzer.languages) for p in files.get(lang, ())}
            part = [(p, g) for p, g in parsed if p in mine]
            if part:
                one = one_core(pool, root, part)
                report["analysers"][name] = {"files": len(mine), "parse_one_core_seconds": one}
    for name, command in tool_commands(files, jobs).items():
        report["tools"][name] = run_alone(command, root, jobs)
    return report


def _step(run: Mapping[str, Any], name: str) -> float | None:
    found = next((s for s in run["steps"] if s["step"] == name), None)
    return None if found is None else float(found["wall_seconds"])


def floor_rows(floors: Mapping[str, Any], runs: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Per analyser step (and end to end): its floor, and step wall / floor wall in each run."""
    pairs: list[tuple[str, str, float]] = []
    for name, parsed in floors["analysers"].items():
        tool = TOOL_FLOORS.get(name)
        if tool in floors["tools"]:
            pairs.append(
                (f"analyser {name}", f"{tool} alone", floors["tools"][tool]["wall_seconds"])
            )
        pairs.append((f"analyser {name}", PARSE_1, parsed["parse_one_core_seconds"]))
    jobs = floors["jobs"]
    parallel = floors["parse"]["parallel_seconds"]
    pairs.append(("queued → stored", f"tree-sitter parse, {jobs} processes", parallel))
    rows = []
    for step, floor, seconds in pairs:
        ratios: dict[str, float | None] = {}
        for run_name, run in runs.items():
            wall = run["wall_seconds"] if step == "queued → stored" else _step(run, step)
            ratios[run_name] = round(wall / seconds, 2) if wall is not None and seconds else None
        rows.append({"step": step, "floor": floor, "floor_seconds": seconds, "ratios": ratios})
    return rows


def _rate(lines: int, seconds: float) -> str:
    return f"{lines / seconds:>12,.0f}" if seconds else f"{'-':>12}"


def print_floors(floors: Mapping[str, Any], runs: Mapping[str, Any]) -> None:
    """The floors, then each analyser step's wall time over its floor in every run."""
    p, jobs = floors["parse"], floors["jobs"]
    print("Floors (alone, on the files the check analyses, this session):")
    print(f"  tree-sitter parse  {p['files']} files, {p['code_lines']:,} code lines:"
          f" 1 core {p['one_core_seconds']:.2f} s ={_rate(p['code_lines'], p['one_core_seconds'])}"
          f" lines/s; {jobs} processes {p['parallel_seconds']:.2f} s ="
          f"{_rate(p['code_lines'], p['parallel_seconds'])} lines/s")  # fmt: skip
    if floors["unparsed_languages"]:
        print(f"    no grammar, not parsed: {', '.join(floors['unparsed_languages'])}")
    for name, a in floors["analysers"].items():
        print(f"    {name + ' files':<24}{a['files']:>6} files  parse 1 core"
              f" {a['parse_one_core_seconds']:7.2f} s")  # fmt: skip
    for name, t in floors["tools"].items():
        label = f"{name} alone ({jobs} threads)"
        print(f"  {label:<34} wall {t['wall_seconds']:6.2f} s  cpu {t['cpu_seconds']:6.2f} s")
    print("Step wall / floor wall (analyser steps are summed over their batches):")
    rows = floor_rows(floors, runs)
    header = "".join(f"{name:>11}" for name in runs)
    print(f"  {'step':<22}{'floor':<32}{'floor s':>8}{header}")
    for row in rows:
        cells = "".join(
            f"{r:>10.2f}x" if r is not None else f"{'-':>11}" for r in row["ratios"].values()
        )
        print(f"  {row['step']:<22}{row['floor']:<32}{row['floor_seconds']:>8.2f}{cells}")
