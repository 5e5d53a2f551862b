"""The Prometheus text of GET /metrics: cluster figures from the database, then HTTP figures.

The duration histograms describe a sliding window (services.observability.WINDOW), so they are
gauge histograms (`_bucket`, `_gsum`, `_gcount` that may fall): read them with histogram_quantile
over the buckets as they are, never through rate().
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence

from prometheus_client import generate_latest
from prometheus_client.metrics_core import GaugeHistogramMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.utils import floatToGoString

from opencheck.api import http_metrics
from opencheck.services.observability import WINDOW, ClusterFigures

CHECK_BUCKETS = (5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1200.0, 1800.0, 3600.0)
ANALYSER_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 900.0)


def buckets(values: Sequence[float], bounds: Sequence[float]) -> list[tuple[str, float]]:
    """Cumulative (le, count) pairs of `values` over sorted `bounds`, ending with +Inf."""
    ordered = sorted(values)
    pairs = [(floatToGoString(b), float(bisect.bisect_right(ordered, b))) for b in bounds]
    return [*pairs, ("+Inf", float(len(ordered)))]


def _histogram(
    name: str,
    doc: str,
    labels: list[str],
    groups: dict[tuple[str, ...], list[float]],
    bounds: Sequence[float],
) -> GaugeHistogramMetricFamily:
    family = GaugeHistogramMetricFamily(name, doc, labels=labels)
    for key, values in sorted(groups.items()):
        family.add_metric(list(key), buckets(values, bounds), gsum_value=sum(values))
    return family


def cluster_families(figures: ClusterFigures) -> Iterator[Metric]:
    """The database's figures as metric families."""
    window = int(WINDOW.total_seconds())
    yield GaugeMetricFamily(
        "opencheck_metrics_window_seconds",
        "How far back the duration histograms and analyser failures reach.",
        value=window,
    )
    queue = GaugeMetricFamily(
        "opencheck_queue_length", "Queued executions per agent pool.", labels=["pool"]
    )
    for pool, count in sorted(figures.queued_by_pool.items()):
        queue.add_metric([pool], count)
    yield queue
    states = GaugeMetricFamily("opencheck_executions", "Executions by status.", labels=["status"])
    for status, count in figures.by_status.items():
        states.add_metric([status.name.lower()], count)
    yield states
    checks: dict[tuple[str, ...], list[float]] = defaultdict(list)
    for status, seconds in figures.check_seconds:
        checks[(status.name.lower(),)].append(seconds)
    yield _histogram(
        "opencheck_check_duration_seconds",
        f"Started to finished, of the executions created in the last {window} s that ended.",
        ["status"],
        checks,
        CHECK_BUCKETS,
    )
    yield from _analyser_families(figures, window)


def _analyser_families(figures: ClusterFigures, window: int) -> Iterator[Metric]:
    runs: dict[tuple[str, ...], list[float]] = defaultdict(list)
    failures: dict[tuple[str, ...], int] = defaultdict(int)
    for run in figures.analyser_runs:
        runs[(run.analyser, run.language)].append(run.seconds)
        failures[(run.analyser, run.language)] += run.failed
    yield _histogram(
        "opencheck_analyser_duration_seconds",
        f"Time of each analyser per language in the checks stored in the last {window} s.",
        ["analyser", "language"],
        runs,
        ANALYSER_BUCKETS,
    )
    failed = GaugeMetricFamily(
        "opencheck_analyser_failures",
        f"Checks stored in the last {window} s in which the analyser failed on some of the "
        "language's files (the check is then partial).",
        labels=["analyser", "language"],
    )
    for key, count in sorted(failures.items()):
        failed.add_metric(list(key), count)
    yield failed


class _Families:
    """A one-scrape collector over families already built."""

    def __init__(self, families: Iterable[Metric]) -> None:
        self._families = list(families)

    def collect(self) -> Iterator[Metric]:
        return iter(self._families)


def render(figures: ClusterFigures) -> bytes:
    """The whole exposition text."""
    cluster = _Families(cluster_families(figures))
    return generate_latest(cluster) + generate_latest(http_metrics.registry())
