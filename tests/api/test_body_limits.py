"""Request bodies are capped by Content-Length and while streaming, with a CodeArts 413."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import Api

pytestmark = pytest.mark.slow


def _chunks(total: int, size: int = 64 * 1024) -> Iterator[bytes]:
    sent = 0
    while sent < total:
        yield b" " * min(size, total - sent)
        sent += size


def _assert_too_large(r: object) -> None:
    assert r.status_code == 413, r.text  # type: ignore[attr-defined]
    body = r.json()  # type: ignore[attr-defined]
    assert body["error_code"] == "CC.00050413" and "larger than" in body["error_msg"]


def test_a_declared_body_over_the_cap_is_refused_before_it_is_read(api: Api) -> None:
    pid = api.project()
    limit = api.runtime.settings.max_body_bytes
    r = api.http.post(f"/v2/{pid}/task", content=b" " * (limit + 1), headers={
        **api.admin.headers, "Content-Type": "application/json"})  # fmt: skip
    _assert_too_large(r)


def test_a_streamed_body_without_length_is_cut_at_the_cap(api: Api) -> None:
    pid = api.project()
    limit = api.runtime.settings.max_body_bytes
    headers = {**api.admin.headers, "Content-Type": "application/json"}
    r = api.http.post(f"/v2/{pid}/task", content=_chunks(limit * 3), headers=headers)
    _assert_too_large(r)


def test_the_public_login_route_takes_only_a_small_body(api: Api) -> None:
    r = api.http.post("/v3/auth/tokens", content=b" " * (20 * 1024),
                      headers={"Content-Type": "application/json"})  # fmt: skip
    _assert_too_large(r)
    r = api.http.post("/v3/auth/tokens", content=_chunks(40 * 1024, 4096),
                      headers={"Content-Type": "application/json"})  # fmt: skip
    _assert_too_large(r)
