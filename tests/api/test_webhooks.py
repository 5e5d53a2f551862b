"""Webhooks through HTTP: registered by owners, signed events received by a local receiver
after a real check, a failing receiver retried, deliveries listed, and no request forgery."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tests.api.test_defect_lifecycle import FIRST
from tests.conftest import Api

pytestmark = pytest.mark.slow
SECRET = "s3cret-for-hooks"


class Receiver:
    """A local HTTP server that records each POST and answers from a script of statuses."""

    def __init__(self, statuses: list[int]) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.statuses = statuses
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.received.append((dict(self.headers), body))
                self.send_response(outer.statuses.pop(0) if outer.statuses else 200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, count: int, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(self.received) >= count, self.received


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver([])
    yield r
    r.server.shutdown()


def _create(api: Api, pid: str, url: str, events: list[str] | None = None) -> Any:
    body = {"url": url, "secret": SECRET, "events": events or ["execution.finished",
                                                                "gate.changed"]}  # fmt: skip
    return api.http.post(f"/v2/{pid}/webhooks", json=body, headers=api.admin.headers)


def test_a_check_sends_signed_events(api: Api, repo_factory: Any, receiver: Receiver) -> None:
    pid = api.project()
    r = _create(api, pid, receiver.url)
    assert r.status_code == 200, r.text
    hook = r.json()["webhook_id"]
    tid = api.create_task(pid, git_url=str(repo_factory({"app.py": FIRST})))
    job = api.run(tid)
    assert api.wait(tid, job)["task_status"] == 2
    receiver.wait_for(2)
    by_event = {}
    for headers, body in receiver.received:
        expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        assert headers["X-OpenCheck-Signature-256"] == expected
        assert headers["X-OpenCheck-Delivery"]
        by_event[headers["X-OpenCheck-Event"]] = json.loads(body)
    assert set(by_event) == {"execution.finished", "gate.changed"}  # the first verdict
    finished = by_event["execution.finished"]
    assert (finished["task_id"], finished["execution_id"], finished["status"]) == (
        tid,
        job,
        "success",
    )
    assert finished["gate"] == "error" and finished["counts"]["critical"] == 2
    assert finished["new"] == 4 and finished["fixed"] == 0
    listed = api.http.get(f"/v2/{pid}/webhooks", headers=api.admin.headers).json()
    assert [w["webhook_id"] for w in listed["webhooks"]] == [hook]
    assert "secret" not in json.dumps(listed)
    deliveries = api.http.get(f"/v2/{pid}/webhooks/{hook}/deliveries",
                              headers=api.admin.headers).json()["deliveries"]  # fmt: skip
    assert {(d["event"], d["state"], d["status_code"], d["attempts"]) for d in deliveries} == {
        ("execution.finished", "delivered", 200, 1),
        ("gate.changed", "delivered", 200, 1),
    }
    assert api.http.delete(f"/v2/{pid}/webhooks/{hook}", headers=api.admin.headers).is_success
    assert api.http.get(f"/v2/{pid}/webhooks", headers=api.admin.headers).json()["total"] == 0


def test_a_failing_receiver_is_retried(api: Api, repo_factory: Any, receiver: Receiver) -> None:
    receiver.statuses.extend([500])
    pid = api.project()
    hook = _create(api, pid, receiver.url, ["execution.finished"]).json()["webhook_id"]
    tid = api.create_task(pid, git_url=str(repo_factory({"app.py": FIRST})))
    assert api.wait(tid, api.run(tid))["task_status"] == 2
    receiver.wait_for(2)  # refused once, delivered on the retry about 2 s later
    url = f"/v2/{pid}/webhooks/{hook}/deliveries"
    deadline = time.monotonic() + 30  # the receiver answered; the sender may not have noted it
    while True:
        [delivery] = api.http.get(url, headers=api.admin.headers).json()["deliveries"]
        if delivery["state"] != "pending" or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert (delivery["state"], delivery["attempts"], delivery["status_code"]) == (
        "delivered",
        2,
        200,
    )


def test_webhook_targets_and_permissions(api: Api) -> None:
    developer = api.user()
    pid = api.project({"developer": developer})
    for url, named in (("http://169.254.169.254/latest", "169.254.169.254"),
                       ("http://10.1.2.3/hook", "10.1.2.3"), ("http://[::1]:9/x", "::1"),
                       ("ftp://example.com/x", "http"), ("http://u:p@example.com/", "credentials"),
                       ("http://no-such-host.invalid/", "resolve")):  # fmt: skip
        r = _create(api, pid, url)
        assert r.status_code == 400 and named in r.json()["error_msg"], (url, r.text)
    r = _create(api, pid, "http://127.0.0.1:9/x", ["push"])
    assert r.status_code == 400 and "events" in r.json()["error_msg"]
    body = {"url": "http://127.0.0.1:9/x", "secret": SECRET, "events": ["gate.changed"]}
    r = api.http.post(f"/v2/{pid}/webhooks", json=body, headers=developer.headers)
    assert r.status_code == 403 and r.json()["error_code"] == "CC.00050010"
    other = api.project()
    hook = _create(api, other, "http://127.0.0.1:9/x").json()["webhook_id"]
    r = api.http.get(f"/v2/{pid}/webhooks/{hook}/deliveries", headers=api.admin.headers)
    assert r.status_code == 404
