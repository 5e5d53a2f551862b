"""A process of the group closes a connection only while it holds more than its share of the
group's connections, and then one at a time."""

from __future__ import annotations

from unittest import mock

from opencheck.api import connection_share
from opencheck.api.connection_share import ConnectionShare


def _share(counts: list[int], slot: int, held: list[int]) -> ConnectionShare:
    return ConnectionShare(counts, slot, lambda: held[0])


def test_a_process_over_its_share_closes_one_connection_then_waits() -> None:
    counts, held = [0, 1], [7]
    share = _share(counts, 0, held)
    clock = iter([100.0, 100.1, 100.7])
    with mock.patch.object(connection_share.time, "monotonic", lambda: next(clock)):
        assert share.over_share()  # 7 of 8 where the share is 4
        assert counts == [6, 1]  # the others see it leave at once
        assert not share.over_share()  # too soon after the last closing
        held[0] = 6
        assert share.over_share()


def test_a_fair_or_rounded_up_share_keeps_its_connections() -> None:
    for counts, held in (([4, 4], 4), ([5, 4], 5), ([1, 0], 1), ([0, 0], 0), ([3, 3, 3], 3)):
        assert not _share(list(counts), 0, [held]).over_share()
    assert _share([2, 0, 0], 0, [2]).over_share()  # 2 of 2 over three processes
