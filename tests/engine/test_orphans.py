"""Children carry their owner's tag; a dead owner's children are found and killed."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from opencheck.engine import orphans, runner


def test_children_carry_the_owner_tag(tmp_path: Path) -> None:
    result = runner.run([sys.executable, "-c", "import os; print(os.environ['OPENCHECK_OWNER'])"],
                        cwd=tmp_path, timeout=30, memory_mb=512, cancelled=lambda: False)  # fmt: skip
    assert result.stdout.decode().strip() == orphans.owner_tag()


def test_a_child_of_a_dead_owner_is_killed(tmp_path: Path) -> None:
    # An "owner" process that starts a long sleeper with its tag, then dies without killing it.
    script = (
        "import os, subprocess, sys\n"
        "from opencheck.engine import orphans\n"
        "env = {**os.environ, 'OPENCHECK_OWNER': orphans.owner_tag()}\n"
        "p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)'], env=env,\n"
        "                     start_new_session=True, stdout=subprocess.DEVNULL,\n"
        "                     stderr=subprocess.DEVNULL)\n"
        "print(p.pid, flush=True)\n"
        "os._exit(0)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=60,
                         check=True).stdout  # fmt: skip
    sleeper = int(out.split()[0])
    assert _running(sleeper)
    assert orphans.kill_orphans() >= 1
    deadline = time.monotonic() + 10
    while _running(sleeper):
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_a_live_owners_children_are_left_alone(tmp_path: Path) -> None:
    env = {**os.environ, "OPENCHECK_OWNER": orphans.owner_tag()}
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], env=env)
    try:
        orphans.kill_orphans()
        time.sleep(0.2)
        assert child.poll() is None
    finally:
        child.kill()
        child.wait()


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            return handle.read().split(b") ")[1][:1] != b"Z"
    except OSError:
        return False
