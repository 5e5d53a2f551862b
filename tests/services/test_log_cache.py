"""Rendered log texts are kept by (lines, highest line id): any line written later is shown."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from opencheck.domain.executions import ExecutionStatus as S
from opencheck.runtime import Runtime
from opencheck.services import execution_states, log_cache
from opencheck.services.log_cache import LogTexts
from opencheck.store.db import unit_of_work
from opencheck.store.models import Execution, ExecutionLog, Task
from tests.services.conftest import make_task


def _version(s: Session, eid: str) -> log_cache.LogVersion:
    lines, last = log_cache.version_columns(eid)
    row = s.execute(select(lines, last)).one()
    return int(row[0]), int(row[1])


def _texts(s: Session, cache: LogTexts, *eids: str) -> dict[str, str]:
    return cache.texts(s, {eid: _version(s, eid) for eid in eids})


def _ended(s: Session, runtime: Runtime, task: Task | None = None) -> str:
    task = task or make_task(s, runtime)
    execution = Execution(task_id=task.id, job_type="FULL", executor="root",
                          git_url=task.git_url, git_branch="main")  # fmt: skip
    eid = execution_states.queue(s, execution, "Check queued by root").id
    execution_states.move(s, eid, S.FAILED, "[ERROR] lease ran out")
    return eid


def test_a_line_written_after_the_end_is_shown(runtime: Runtime) -> None:
    cache = LogTexts()
    with unit_of_work(runtime.sessions) as s:
        eid = _ended(s, runtime)
        first = _texts(s, cache, eid)[eid]
        assert first.endswith("[ERROR] lease ran out\n") and _texts(s, cache, eid)[eid] == first
        execution_states.log(s, eid, "a worker whose lease was reaped still writes")
        assert _texts(s, cache, eid)[eid].endswith("still writes\n")


def test_a_line_committed_below_the_highest_id_is_shown(runtime: Runtime) -> None:
    cache = LogTexts()
    with unit_of_work(runtime.sessions) as s:
        eid = _ended(s, runtime)
        s.add(ExecutionLog(id=1000, execution_id=eid, level="INFO", text="late, high id"))
        s.flush()
        assert "late, high id" in _texts(s, cache, eid)[eid]
        # A transaction that took a lower id commits after the text was read and kept.
        s.add(ExecutionLog(id=999, execution_id=eid, level="INFO", text="later, lower id"))
        s.flush()
        assert "later, lower id" in _texts(s, cache, eid)[eid]


def test_the_cache_is_bounded_and_reads_only_what_it_lacks(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = LogTexts(size=2)
    with unit_of_work(runtime.sessions) as s:
        task = make_task(s, runtime)
        eids = [_ended(s, runtime, task) for _ in range(3)]
        everything = _texts(s, cache, *eids)
        assert set(everything) == set(eids) and len(cache._texts) == 2
        read: list[list[str]] = []
        real = execution_states.log_texts

        def counting(db: Session, ids: list[str]) -> dict[str, str]:
            read.append(list(ids))
            return real(db, ids)

        monkeypatch.setattr(execution_states, "log_texts", counting)
        assert _texts(s, cache, *eids) == everything
        assert read == [[eids[0]]]  # the oldest was dropped; the two kept were not read
