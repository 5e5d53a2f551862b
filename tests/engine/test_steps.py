"""The step recorder: seconds add up per step, in start order, children charged to their step."""

from __future__ import annotations

import contextvars
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from opencheck.engine import runner
from opencheck.engine.steps import StepTimes, charge_children

# A child that surely uses some CPU: user time is counted in clock ticks.
BUSY = [sys.executable, "-c", "sum(i * i for i in range(3_000_000))"]


def run_busy(tmp_path: Path) -> runner.RunResult:
    return runner.run(BUSY, cwd=tmp_path, timeout=120, memory_mb=None, cancelled=lambda: False)


def test_steps_are_listed_in_start_order_and_add_up() -> None:
    times = StepTimes()
    with times.step("outer"), times.step("inner"):
        pass
    times.add("outer", wall=1.5, cpu=0.25, child_cpu=2.0)
    times.add("later", wall=-1.0)  # a clock that went back counts as nothing
    steps = times.items()
    assert [s.step for s in steps] == ["outer", "inner", "later"]
    outer = steps[0]
    assert outer.wall >= 1.5 and outer.cpu >= 0.25 and outer.child_cpu == 2.0
    assert outer.total_cpu == outer.cpu + outer.child_cpu
    assert steps[2].wall == 0.0


def test_a_childs_cpu_goes_to_the_innermost_step_of_its_thread(tmp_path: Path) -> None:
    times = StepTimes()
    charge_children(5.0)  # outside any step: nobody's
    with times.step("fetch"):
        result = run_busy(tmp_path)
    assert result.returncode == 0
    assert result.cpu > 0
    [fetch] = times.items()
    assert fetch.child_cpu == result.cpu
    assert fetch.wall >= 0 and fetch.cpu >= 0


def test_a_pool_thread_charges_the_step_only_with_the_copied_context(tmp_path: Path) -> None:
    times = StepTimes()
    with times.step("metrics"), ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(run_busy, tmp_path).result()  # a bare thread: not charged
        assert times.items()[0].child_cpu == 0
        copied = pool.submit(contextvars.copy_context().run, run_busy, tmp_path).result()
    assert times.items()[0].child_cpu == copied.cpu > 0


def test_threads_add_to_one_step_safely() -> None:
    times = StepTimes()

    def work() -> None:
        for _ in range(1000):
            times.add("analyser ruff", wall=0.001, child_cpu=0.002)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    [step] = times.items()
    assert round(step.wall, 6) == 4.0 and round(step.child_cpu, 6) == 8.0
