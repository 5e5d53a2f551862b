"""Authentication through HTTP: IAM tokens, expiry, SDK signatures, error bodies."""

from __future__ import annotations

import hashlib
import json
import time
from datetime import UTC, datetime, timedelta

import pytest

from opencheck.errors import TooManyAttempts
from opencheck.services import auth, signing
from opencheck.store.db import unit_of_work
from tests.conftest import Api


def _token_body(name: str, password: str) -> dict[str, object]:
    return {
        "auth": {
            "identity": {
                "methods": ["password"],
                "password": {"user": {"name": name, "password": password, "domain": {"name": "x"}}},
            }
        }
    }


def test_password_token_flow(api: Api) -> None:
    caller = api.user()
    r = api.http.post("/v3/auth/tokens", json=_token_body(caller.name, "pw-" + caller.name))
    assert r.status_code == 201
    token = r.headers["X-Subject-Token"]
    assert r.json()["token"]["expires_at"].endswith("Z")
    assert r.headers["X-Request-Id"]
    pid = api.project({"viewer": caller})
    r = api.http.get(f"/v2/{pid}/tasks", headers={"X-Auth-Token": token})
    assert r.status_code == 200, r.text


def test_wrong_password_and_bad_bodies(api: Api) -> None:
    caller = api.user()
    r = api.http.post("/v3/auth/tokens", json=_token_body(caller.name, "nope"))
    assert r.status_code == 401
    assert r.json()["error_code"] == "CC.00000003"
    r = api.http.post(
        "/v3/auth/tokens", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 400
    assert r.json()["error_code"] == "CC.00050000"
    r = api.http.post("/v3/auth/tokens", json={"auth": {}})
    assert r.status_code == 400
    assert "identity" in r.json()["error_msg"]


def test_missing_invalid_and_expired_tokens(api: Api) -> None:
    pid = api.project()
    for headers in ({}, {"X-Auth-Token": "oc_bogus"}):
        r = api.http.get(f"/v2/{pid}/tasks", headers=headers)
        assert r.status_code == 401
        assert r.json()["error_code"] == "CC.00000003"
        assert r.headers["X-Request-Id"]
    short = api.user(ttl=timedelta(seconds=1))
    pid = api.project({"owner": short})
    assert api.http.get(f"/v2/{pid}/tasks", headers=short.headers).status_code == 200
    time.sleep(1.5)
    r = api.http.get(f"/v2/{pid}/tasks", headers=short.headers)
    assert r.status_code == 401
    assert r.json() == {
        "error_code": "CC.00000003",
        "error_msg": "Authentication information expired.",
    }


def test_revoked_token_is_rejected(api: Api) -> None:
    caller = api.user()
    pid = api.project({"owner": caller})
    with unit_of_work(api.runtime.sessions) as s:
        auth.revoke_tokens(s, user=auth.get_user_by_name_or_raise(s, name=caller.name))
    assert api.http.get(f"/v2/{pid}/tasks", headers=caller.headers).status_code == 401


def _signed_headers(ak: str, sk: str, method: str, target: str, body: bytes, host: str,
                    date: str | None = None, project: str | None = None) -> dict[str, str]:  # fmt: skip
    headers = {
        "Content-Type": "application/json",
        "Host": host,
        "User-Agent": "huaweicloud-usdk-python/3.0",
        "X-Sdk-Date": date or datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ"),
    }
    if project:
        headers["X-Project-Id"] = project
    signed = sorted(h.lower() for h in headers)
    canonical = signing.canonical_request(method, target, headers, signed, body)
    sig = signing.sign(sk, headers["X-Sdk-Date"], canonical)
    headers["Authorization"] = (
        f"SDK-HMAC-SHA256 Access={ak}, SignedHeaders={';'.join(signed)}, Signature={sig}"
    )
    return headers


def test_sdk_signature_accepted_and_tampering_rejected(api: Api) -> None:
    caller = api.user()
    pid = api.project({"owner": caller})
    ak, sk = api.access_key(caller)
    host = api.http.base_url.netloc.decode()
    target = f"/v2/{pid}/tasks?limit=10&offset=0"
    r = api.http.get(target, headers=_signed_headers(ak, sk, "GET", target, b"", host))
    assert r.status_code == 200, r.text
    bad = _signed_headers(ak, sk + "x", "GET", target, b"", host)
    r = api.http.get(target, headers=bad)
    assert r.status_code == 401
    assert r.json()["error_code"] == "CC.00000003"
    stale = _signed_headers(ak, sk, "GET", target, b"", host, date="20200101T000000Z")
    assert api.http.get(target, headers=stale).status_code == 401
    unknown = _signed_headers("NOPE", sk, "GET", target, b"", host)
    assert api.http.get(target, headers=unknown).status_code == 401
    same = _signed_headers(ak, sk, "GET", target, b"", host, project=pid)
    assert api.http.get(target, headers=same).status_code == 200
    other = _signed_headers(ak, sk, "GET", target, b"", host, project="f" * 32)
    r = api.http.get(target, headers=other)
    assert r.status_code == 403
    assert r.json()["error_code"] == "CC.00050010"


def test_health_is_public_and_every_response_has_a_request_id(api: Api) -> None:
    r = api.http.get("/health")
    assert r.status_code == 200
    assert r.json()["status"] == "ok"
    assert len(r.headers["X-Request-Id"]) == 32
    r = api.http.get("/no/such/route", headers=api.admin.headers)
    assert r.status_code == 404
    assert set(r.json()) == {"error_code", "error_msg"}
    r = api.http.put("/health")
    assert r.status_code == 405
    assert set(r.json()) == {"error_code", "error_msg"}


def test_openapi_document_is_served(api: Api) -> None:
    r = api.http.get("/openapi.json")
    assert r.status_code == 200
    paths = r.json()["paths"]
    assert "/v2/tasks/{task_id}/run" in paths
    assert "/v1/tasks" in paths


def _signed_post(api: Api, caller_ak: tuple[str, str], target: str, body: bytes,
                 date: str | None = None) -> dict[str, str]:  # fmt: skip
    host = api.http.base_url.netloc.decode()
    return _signed_headers(*caller_ak, "POST", target, body, host, date=date)


def test_a_signature_covers_the_body_received_whatever_the_content_hash_header(api: Api) -> None:
    caller = api.user()
    pid = api.project({"owner": caller})
    keys = api.access_key(caller)
    target = f"/v2/{pid}/task"
    signed_body = b'{"git_url": "https://example.com/a/b.git", "git_branch": "main"}'
    headers = _signed_post(api, keys, target, signed_body)
    # The content-hash header names the signed body; another body must not ride on it.
    headers["X-Sdk-Content-Sha256"] = hashlib.sha256(signed_body).hexdigest()
    swapped = b'{"git_url": "https://example.com/evil/x.git", "git_branch": "main", "language": ["python"]}'
    r = api.http.post(target, content=swapped, headers=headers)
    assert r.status_code == 401 and r.json()["error_code"] == "CC.00000003", r.text
    headers = _signed_post(api, keys, target, signed_body)
    r = api.http.post(target, content=swapped, headers=headers)
    assert r.status_code == 401 and r.json()["error_code"] == "CC.00000003", r.text


def test_a_signed_state_changing_request_cannot_be_replayed(api: Api) -> None:
    caller = api.user()
    pid = api.project({"owner": caller})
    keys = api.access_key(caller)
    target = f"/v2/{pid}/task"
    body = json.dumps({"git_url": "https://example.com/a/b.git", "git_branch": "main",
                       "language": ["python"]}).encode()  # fmt: skip
    headers = _signed_post(api, keys, target, body)
    first = api.http.post(target, content=body, headers=headers)
    assert first.status_code == 200, first.text
    again = api.http.post(target, content=body, headers=headers)
    assert again.status_code == 401 and "already used" in again.json()["error_msg"], again.text
    # Identical GETs may share a signature (the SDK signs to the second).
    get_target = f"/v2/{pid}/tasks?limit=10&offset=0"
    host = api.http.base_url.netloc.decode()
    get_headers = _signed_headers(*keys, "GET", get_target, b"", host)
    assert api.http.get(get_target, headers=get_headers).status_code == 200
    assert api.http.get(get_target, headers=get_headers).status_code == 200


def test_a_date_ahead_of_the_server_clock_is_refused(api: Api) -> None:
    caller = api.user()
    pid = api.project({"owner": caller})
    keys = api.access_key(caller)
    host = api.http.base_url.netloc.decode()
    target = f"/v2/{pid}/tasks"
    ahead = (datetime.now(UTC) + timedelta(minutes=10)).strftime("%Y%m%dT%H%M%SZ")
    r = api.http.get(target, headers=_signed_headers(*keys, "GET", target, b"", host, date=ahead))
    assert r.status_code == 401 and "ahead" in r.json()["error_msg"]
    near = (datetime.now(UTC) + timedelta(minutes=2)).strftime("%Y%m%dT%H%M%SZ")
    r = api.http.get(target, headers=_signed_headers(*keys, "GET", target, b"", host, date=near))
    assert r.status_code == 200, r.text


def _forget_failures(api: Api) -> None:
    from sqlalchemy import delete

    from opencheck.store.models import LoginFailure

    with unit_of_work(api.runtime.sessions) as s:
        s.execute(delete(LoginFailure))


def test_failed_logins_back_off_even_for_the_right_password(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    from opencheck.services import login_guard

    # A long first delay, so that a slow machine cannot outwait the lock between two requests.
    monkeypatch.setattr(login_guard, "FIRST_DELAY", timedelta(seconds=60))
    caller = api.user()
    right = _token_body(caller.name, "pw-" + caller.name)
    try:
        for _ in range(5):
            r = api.http.post("/v3/auth/tokens", json=_token_body(caller.name, "wrong"))
            assert r.status_code == 401, r.text
        r = api.http.post("/v3/auth/tokens", json=right)
        assert r.status_code == 429, r.text
        assert r.json()["error_code"] == "CC.00050429"
        assert 1 <= int(r.headers["Retry-After"]) <= 60
        # The lock of one user name does not lock another user out.
        other = api.user()
        r = api.http.post("/v3/auth/tokens", json=_token_body(other.name, "pw-" + other.name))
        assert r.status_code == 201
    finally:
        _forget_failures(api)
    assert api.http.post("/v3/auth/tokens", json=right).status_code == 201


def test_the_backoff_doubles_per_failure_and_a_success_clears_it(api: Api) -> None:
    from sqlalchemy import select

    from opencheck.services import login_guard
    from opencheck.store.models import LoginFailure

    guarded = {"user:backoff-probe": 3}
    delays = []
    for _ in range(5):
        login_guard.failed(api.runtime.sessions, guarded)
        with unit_of_work(api.runtime.sessions) as s:
            row = s.scalars(
                select(LoginFailure).where(LoginFailure.key == "user:backoff-probe")
            ).one()
            delays.append(
                None if row.locked_until is None else row.locked_until - row.last_failure_at
            )
    assert delays[:2] == [None, None]
    assert [d.total_seconds() for d in delays[2:] if d] == [1, 2, 4]
    with pytest.raises(TooManyAttempts):
        login_guard.check(api.runtime.sessions, guarded)
    login_guard.succeeded(api.runtime.sessions, "user:backoff-probe")
    login_guard.check(api.runtime.sessions, guarded)


def test_unknown_users_fail_like_known_ones(api: Api) -> None:
    try:
        r = api.http.post("/v3/auth/tokens", json=_token_body("no-such-user-x", "pw"))
        assert r.status_code == 401
        assert r.json()["error_msg"] == "The username or password is incorrect."
    finally:
        _forget_failures(api)
    # The decoy hash is a real scrypt hash: the unknown-user path does the same work.
    from opencheck.services.auth import _decoy_hash

    assert _decoy_hash().startswith("scrypt$")


def test_a_token_can_be_revoked_by_its_owner_or_an_administrator(api: Api) -> None:
    owner, stranger = api.user(), api.user()
    pid = api.project({"viewer": owner})
    subject = owner.headers["X-Auth-Token"]
    r = api.http.delete("/v3/auth/tokens", headers={**stranger.headers, "X-Subject-Token": subject})
    assert r.status_code == 403 and r.json()["error_code"] == "CC.00050010"
    r = api.http.delete("/v3/auth/tokens", headers={**owner.headers, "X-Subject-Token": "oc_nope"})
    assert r.status_code == 404
    r = api.http.delete("/v3/auth/tokens", headers=owner.headers)
    assert r.status_code == 400
    r = api.http.delete("/v3/auth/tokens", headers={**owner.headers, "X-Subject-Token": subject})
    assert r.status_code == 204, r.text
    assert api.http.get(f"/v2/{pid}/tasks", headers=owner.headers).status_code == 401
    second = api.user()
    sub2 = second.headers["X-Auth-Token"]
    r = api.http.delete("/v3/auth/tokens", headers={**api.admin.headers, "X-Subject-Token": sub2})
    assert r.status_code == 204
    assert api.http.get(f"/v2/{pid}/tasks", headers=second.headers).status_code == 401
