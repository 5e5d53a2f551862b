"""The targets of issue 12 for the scan benchmark: a pure function of one tree's report.

The code-line rates are set for the Django tree; the issue asks "the same table" of the
TypeScript tree, so `effect` (and any other tree) is held to the others: the ratio to Semgrep CE,
the 5-file commit and peak memory.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

COLD_RATE = 100_000  # code lines per second, cold check of the Django tree
WARM_RATE = 200_000  # code lines per second, second check of the same commit
RATIO = 5.0  # times Semgrep CE's rate with the same number of rules
FEW_FILES_SECONDS = 2.0  # a check of a commit that changes 5 files
PEAK_MB = 1.5e9 / 2**20  # 1.5 GB, in MiB
RATE_TREES = frozenset({"django"})


def targets(report: Mapping[str, Any]) -> dict[str, bool]:
    """Target name -> met, for the runs the report holds (Semgrep's only when it ran)."""
    runs = report["profile"]
    met: dict[str, bool] = {}
    if report["tree"] in RATE_TREES:
        met[f"cold >= {COLD_RATE:,} code lines/s"] = (
            runs["cold"]["code_lines_per_second"] >= COLD_RATE
        )
    if "ratio_opencheck_to_semgrep_rate" in report:
        met[f"cold >= {RATIO:g} x Semgrep CE's rate"] = (
            report["ratio_opencheck_to_semgrep_rate"] >= RATIO
        )
    if report["tree"] in RATE_TREES:
        met[f"warm >= {WARM_RATE:,} code lines/s"] = (
            runs["warm"]["code_lines_per_second"] >= WARM_RATE
        )
    if "few_files" in runs:
        edited = len(runs["few_files"].get("edited", ()))
        met[f"{edited}-file commit < {FEW_FILES_SECONDS:g} s"] = (
            runs["few_files"]["wall_seconds"] < FEW_FILES_SECONDS
        )
    met["peak memory < 1.5 GB"] = report["opencheck"]["peak_memory_mb"] < PEAK_MB
    return met
