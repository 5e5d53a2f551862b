"""HTTP figures of several API processes add up when PROMETHEUS_MULTIPROC_DIR is set."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

OBSERVE = (
    "from opencheck.api import http_metrics\n"
    "http_metrics.observe({'method': 'GET'}, 404, 0.2)\n"
    "http_metrics.observe({'method': 'BREW'}, 405, 0.2)\n"
)
COLLECT = (
    "import sys\n"
    "from prometheus_client import generate_latest\n"
    "from opencheck.api import http_metrics\n"
    "sys.stdout.write(generate_latest(http_metrics.registry()).decode())\n"
)


def test_the_processes_figures_are_added_up(tmp_path: Path) -> None:
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    for _ in range(2):  # two API processes, each answering two requests, then gone
        subprocess.run([sys.executable, "-c", OBSERVE], env=env, check=True, timeout=60)
    out = subprocess.run(
        [sys.executable, "-c", COLLECT], env=env, check=True, timeout=60, capture_output=True
    ).stdout.decode()
    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(out)
        for s in family.samples
    }
    unmatched = (("method", "GET"), ("route", "unmatched"), ("status", "404"))
    assert samples[("opencheck_http_requests_total", unmatched)] == 2
    other = (("method", "other"), ("route", "unmatched"), ("status", "405"))
    assert samples[("opencheck_http_requests_total", other)] == 2
    count = ("opencheck_http_request_duration_seconds_count", unmatched[:2])
    assert samples[count] == 2
