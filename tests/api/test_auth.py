"""Authentication through HTTP: IAM tokens, expiry, SDK signatures, error bodies."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

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
    with unit_of_work(api.runtime.sessions) as s:
        user = auth.get_user_by_name_or_raise(s, name=caller.name)
        ak, sk = auth.create_access_key(s, user=user, cipher=api.runtime.cipher)
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
