"""Webhooks for mirrors, against a real receiving server: a council site subscribes with
its API token, hears of every changed service in a signed post, is retried with back-off
while it is down without missing a change, and cannot see or cancel another token's
subscriptions. A subscription cannot make the server post into its own network."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from app.services.webhooks import retry_delay
from tests.accounts.conftest import HEATH_WALK, KNIT


class Receiver:
    """An HTTP server on 127.0.0.1 that records what it is sent and answers `status`."""

    def __init__(self) -> None:
        self.posts: list[tuple[dict[str, str], bytes]] = []
        self.status = 200
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.posts.append((dict(self.headers), body))
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/signpost-hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def changes(self) -> list[str]:
        return [c["id"] for _, body in self.posts for c in json.loads(body)["changes"]]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = Receiver()
    receiver.thread.start()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()


@pytest.fixture
def private_ok(app):
    app.config["SIGNPOST_WEBHOOKS_ALLOW_PRIVATE"] = True


def subscribe(client, person, url) -> dict:
    response = client.post("/webhooks", json={"url": url}, headers=person.headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def rename(client, person, service_id, name):
    response = client.patch(f"/services/{service_id}", json={"name": name}, headers=person.headers)
    assert response.status_code == 200, response.get_json()


def deliver(runner, now: dt.datetime | None = None):
    args = ["webhooks", "deliver"] + (["--now", now.isoformat()] if now else [])
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    return result.output


def test_a_changed_service_is_posted_signed_with_the_secret(
    client, runner, jo, receiver, private_ok
):
    webhook = subscribe(client, jo, receiver.url)
    rename(client, jo, HEATH_WALK, "Heath walk")
    assert "1 changes delivered" in deliver(runner)
    ((headers, body),) = receiver.posts
    assert json.loads(body)["changes"][0] | {"last_modified": None} == {
        "id": HEATH_WALK,
        "status": "active",
        "last_modified": None,
        "path": f"/services/{HEATH_WALK}",
    }
    signed = headers["X-Signpost-Timestamp"].encode() + b"." + body
    expected = hmac.new(webhook["secret"].encode(), signed, hashlib.sha256).hexdigest()
    assert headers["X-Signpost-Signature"] == f"sha256={expected}"
    assert "0 changes delivered" in deliver(runner)  # nothing new: nothing posted again
    assert len(receiver.posts) == 1


def test_the_secret_is_shown_once(client, jo, receiver, private_ok):
    webhook = subscribe(client, jo, receiver.url)
    listed = client.get("/webhooks", headers=jo.headers).get_json()
    assert [w["id"] for w in listed] == [webhook["id"]]
    assert "secret" not in listed[0] and webhook["secret"] not in json.dumps(listed)


def test_a_receiver_that_is_down_gets_every_change_later(client, runner, jo, receiver, private_ok):
    webhook = subscribe(client, jo, receiver.url)
    rename(client, jo, HEATH_WALK, "Heath walk")
    receiver.status = 503
    now = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)
    assert "1 failed" in deliver(runner, now)
    assert "0 changes delivered in 0 posts" in deliver(runner, now)  # not due yet: backing off
    log = client.get(f"/webhooks/{webhook['id']}/deliveries", headers=jo.headers).get_json()
    assert [(d["ok"], d["status_code"]) for d in log] == [(False, 503)]
    (state,) = client.get("/webhooks", headers=jo.headers).get_json()
    assert state["failures"] == 1 and "503" in state["last_error"]

    receiver.status = 200
    assert "1 changes delivered" in deliver(runner, now + retry_delay(1))
    assert receiver.changes() == [HEATH_WALK, HEATH_WALK]  # the failed one, then accepted


def test_a_big_change_comes_in_batches_in_order(
    client, runner, jo, receiver, private_ok, monkeypatch
):
    from app.services import webhooks

    monkeypatch.setattr(webhooks, "BATCH", 1)
    subscribe(client, jo, receiver.url)
    rename(client, jo, HEATH_WALK, "Heath walk")
    rename(client, jo, HEATH_WALK, "Heath walk, again")
    deliver(runner)
    bodies = [json.loads(body) for _, body in receiver.posts]
    assert [b["more"] for b in bodies][-1] is False
    assert receiver.changes() == [HEATH_WALK]  # the service's newest change, once


def test_another_token_cannot_see_or_cancel_a_webhook(client, jo, sam, receiver, private_ok):
    webhook = subscribe(client, jo, receiver.url)
    assert client.get("/webhooks", headers=sam.headers).get_json() == []
    for method, path in (
        ("delete", f"/webhooks/{webhook['id']}"),
        ("get", f"/webhooks/{webhook['id']}/deliveries"),
    ):
        assert getattr(client, method)(path, headers=sam.headers).status_code == 404
    assert client.delete(f"/webhooks/{webhook['id']}", headers=jo.headers).status_code == 204
    assert client.get("/webhooks", headers=jo.headers).get_json() == []


def test_a_revoked_token_gets_no_more_posts(client, runner, jo, sam, receiver, private_ok):
    subscribe(client, sam, receiver.url)
    token_id = client.get("/tokens", headers=sam.headers).get_json()[0]["id"]
    assert client.delete(f"/tokens/{token_id}", headers=sam.headers).status_code == 204
    rename(client, jo, HEATH_WALK, "Heath walk")
    deliver(runner)
    assert receiver.posts == []


def test_webhooks_need_a_token(client, receiver):
    assert client.post("/webhooks", json={"url": receiver.url}).status_code == 401
    assert client.get("/webhooks").status_code == 401


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:5432/",
        "https://127.0.0.1/",
        "https://localhost/hook",
        "https://10.0.0.8/hook",
        "https://[::1]/hook",
        "ftp://example.org/",
        "not a url",
    ],
)
def test_a_webhook_cannot_point_into_the_servers_own_network(client, jo, url):
    response = client.post("/webhooks", json={"url": url}, headers=jo.headers)
    assert response.status_code == 422
    assert response.get_json()["message"]


def test_a_moderators_change_is_posted_too(client, runner, jo, sam, mo, receiver, private_ok):
    """Every change stamps last_modified, whoever made it: here a moderator's."""
    subscribe(client, jo, receiver.url)
    rename(client, mo, KNIT, "Knit and natter")
    deliver(runner)
    assert receiver.changes() == [KNIT]
