"""API tokens: shown once, stored hashed, scoped, revocable; sign-in attempts rate-limited."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select, text

from app.models.accounts import ApiToken, RateEvent
from tests.accounts.conftest import PASSWORD


def test_tokens_are_stored_only_as_their_sha256(session, jo):
    stored = session.scalars(select(ApiToken).where(ApiToken.account_id == jo.account.id)).one()
    assert stored.token_hash == hashlib.sha256(jo.token.encode()).hexdigest()
    dumped = " ".join(
        str(v) for row in session.execute(text("SELECT * FROM api_token")) for v in row
    )
    assert jo.token not in dumped
    assert jo.token.removeprefix("sp_") not in dumped


def test_a_token_is_a_32_byte_random_secret(jo, sam):
    assert jo.token.startswith("sp_") and len(jo.token) == 3 + 43
    assert jo.token != sam.token


@pytest.mark.parametrize(
    "header",
    ["Bearer sp_not-a-real-token", "Bearer ", "Basic am86c2VjcmV0", "sp_raw-token-no-scheme"],
)
def test_a_wrong_token_is_401(client, sample, header):
    response = client.get("/me", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.get_json()["code"] == 401


def test_a_revoked_token_stops_working_at_once(client, jo):
    [token] = client.get("/tokens", headers=jo.headers).get_json()
    assert "token" not in token and token["scope"] == "write"
    assert client.delete(f"/tokens/{token['id']}", headers=jo.headers).status_code == 204
    assert client.get("/me", headers=jo.headers).status_code == 401


def test_one_cannot_revoke_someone_elses_token(client, jo, sam):
    [token] = client.get("/tokens", headers=sam.headers).get_json()
    assert client.delete(f"/tokens/{token['id']}", headers=jo.headers).status_code == 404
    assert client.get("/me", headers=sam.headers).status_code == 200


def test_me_says_who_the_token_belongs_to(client, jo):
    me = client.get("/me", headers=jo.headers).get_json()
    assert (me["email"], me["role"], me["trusted"]) == (jo.account.email, "editor", True)
    assert me["organization_ids"] == ["2f2989ea-f362-5217-b9f4-9a35669b326a"]


def test_a_token_can_be_had_with_email_and_password_and_is_shown_once(client, make_person, sample):
    make_person("pat@camdenhealthwalks.example.org", password=PASSWORD)
    response = client.post(
        "/tokens",
        json={"email": "PAT@camdenhealthwalks.example.org", "password": PASSWORD, "scope": "write"},
    )
    assert response.status_code == 201
    token = response.get_json()["token"]
    assert client.get("/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    listed = client.get("/tokens", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert all("token" not in t for t in listed)


def failed_attempt(client, email, ip="192.0.2.1"):
    return client.post(
        "/tokens",
        json={"email": email, "password": "wrong password!"},
        environ_base={"REMOTE_ADDR": ip},
    )


def test_five_failures_for_one_account_then_429_with_retry_after(client, make_person, sample):
    make_person("pat@camdenhealthwalks.example.org", password=PASSWORD)
    for attempt in range(5):
        response = failed_attempt(client, "pat@camdenhealthwalks.example.org", f"192.0.2.{attempt}")
        assert response.status_code == 401
    response = failed_attempt(client, "pat@camdenhealthwalks.example.org", "198.51.100.7")
    assert response.status_code == 429
    body = response.get_json()
    assert list(body) == ["code", "status", "message", "errors"]
    assert body["code"] == 429 and "Too many attempts" in body["message"]
    assert 0 < int(response.headers["Retry-After"]) <= 15 * 60
    # Even the right password is refused until the window passes.
    right = client.post(
        "/tokens", json={"email": "pat@camdenhealthwalks.example.org", "password": PASSWORD}
    )
    assert right.status_code == 429


def test_five_failures_from_one_address_then_429(client, sample):
    for number in range(5):
        assert failed_attempt(client, f"guess{number}@example.org").status_code == 401
    assert failed_attempt(client, "someone-else@example.org").status_code == 429
    assert failed_attempt(client, "someone-else@example.org", "203.0.113.9").status_code == 401


def test_failures_are_counted_in_the_database(client, session, sample):
    failed_attempt(client, "nobody@example.org")
    keys = set(session.scalars(select(RateEvent.key)))
    assert keys == {"account:nobody@example.org", "ip:192.0.2.1"}


def test_a_success_clears_the_accounts_failures(client, make_person, sample):
    make_person("pat@camdenhealthwalks.example.org", password=PASSWORD)
    for attempt in range(4):
        failed_attempt(client, "pat@camdenhealthwalks.example.org", f"192.0.2.{attempt}")
    ok = client.post(
        "/tokens", json={"email": "pat@camdenhealthwalks.example.org", "password": PASSWORD}
    )
    assert ok.status_code == 201
    for attempt in range(4):
        response = failed_attempt(
            client, "pat@camdenhealthwalks.example.org", f"198.51.100.{attempt}"
        )
        assert response.status_code == 401


def test_write_endpoints_document_the_bearer_token(app):
    spec = app.extensions["flask-smorest"]["apis"][""]["ext_obj"].spec.to_dict()
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert spec["paths"]["/services/{service_id}"]["patch"]["security"] == [{"bearerAuth": []}]
    assert "security" not in spec["paths"]["/services/{service_id}"]["get"]


def test_behind_a_proxy_the_limit_is_per_client_address(engine, session_factory, session, sample):
    from app import create_app

    app = create_app({"DATABASE_URL": engine.url.render_as_string(hide_password=False),
                      "SIGNPOST_PROXY_COUNT": "1"})  # fmt: skip
    app.extensions["signpost_db"].engine = engine
    app.extensions["signpost_db"].sessionmaker = session_factory
    client = app.test_client()
    proxied = {"REMOTE_ADDR": "127.0.0.1"}
    for number in range(5):
        response = client.post(
            "/tokens",
            json={"email": f"guess{number}@example.org", "password": "wrong password!"},
            headers={"X-Forwarded-For": "192.0.2.50"},
            environ_base=proxied,
        )
        assert response.status_code == 401
    other = client.post(
        "/tokens",
        json={"email": "me@example.org", "password": "wrong!"},
        headers={"X-Forwarded-For": "192.0.2.51"},
        environ_base=proxied,
    )
    assert other.status_code == 401
    assert set(session.scalars(select(RateEvent.key).where(RateEvent.key.like("ip:%")))) == {
        "ip:192.0.2.50", "ip:192.0.2.51"}  # fmt: skip
