"""Which agent pool a task's executions go to."""

from __future__ import annotations

import pytest

from opencheck.domain.pools import DEFAULT_POOL, pool_of


@pytest.mark.parametrize(
    ("resource_pool_id", "pool"),
    [
        (None, DEFAULT_POOL),
        ("", DEFAULT_POOL),
        ("  ", DEFAULT_POOL),
        ("default", DEFAULT_POOL),
        ("gpu-pool", "gpu-pool"),
        (" arm64 ", "arm64"),
    ],
)
def test_pool_of(resource_pool_id: str | None, pool: str) -> None:
    assert pool_of(resource_pool_id) == pool
