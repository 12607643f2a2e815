"""What signing in opens is closed again (issue 19, L1, L2, L4): the page sign-in returns
to goes only to this site; signing out ends the cookie even if it is replayed; a new
password ends every session and token; a read token cannot revoke write tokens."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.auth.accounts import set_password
from app.auth.tokens import create_token
from app.models.accounts import ApiToken

from .conftest import CAMDEN, PASSWORD

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
JO = "jo@camdenhealthwalks.example.org"


@pytest.fixture
def browser(app, client):
    app.config["SESSION_COOKIE_SECURE"] = False  # the test client talks plain http
    return client


@pytest.fixture
def jo_web(make_person, sample):
    return make_person(JO, organizations=[CAMDEN], trusted=True, password=PASSWORD)


def csrf(browser, path="/account/sign-in") -> str:
    return TOKEN.search(browser.get(path).get_data(as_text=True)).group(1)


def sign_in(browser, query: str = ""):
    form = {"email": JO, "password": PASSWORD, "csrf_token": csrf(browser)}
    return browser.post(f"/account/sign-in{query}", data=form)


def session_cookie(browser) -> str:
    return browser.get_cookie("signpost_session").value


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/", "/%09/evil.example", "/%0A/evil.example", "/%0D%0A/evil.example",
        "/%5C/evil.example", "/\\evil.example", "https://evil.example/", "javascript:alert(1)",
        "/account/%0D%0ASet-Cookie:%20x=1", " /account/", "%2F%2Fevil.example",
    ],
)  # fmt: skip
def test_signing_in_never_returns_off_site_or_fails(browser, jo_web, target):
    response = sign_in(browser, f"?next={target}")
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/"


def test_signing_in_returns_to_a_page_of_this_site(browser, jo_web):
    response = sign_in(browser, "?next=/account/claim%3Fq%3Dcamden")
    assert response.headers["Location"] == "/account/claim?q=camden"


def test_a_cookie_replayed_after_signing_out_is_signed_out(browser, jo_web):
    sign_in(browser)
    kept = session_cookie(browser)
    browser.post("/account/sign-out", data={"csrf_token": csrf(browser, "/account/")})

    browser.set_cookie("signpost_session", kept)

    assert browser.get("/account/").status_code == 302  # to the sign-in page


def test_a_new_password_signs_out_every_session(browser, jo_web, session):
    sign_in(browser)
    kept = session_cookie(browser)
    set_password(session, jo_web.account, "a brand new password")
    session.commit()

    browser.set_cookie("signpost_session", kept)

    assert browser.get("/account/").status_code == 302


def test_a_new_password_revokes_every_api_token(client, jo_web, session):
    _row, second = create_token(session, jo_web.account, "read")
    session.commit()
    set_password(session, jo_web.account, "a brand new password")
    session.commit()

    for token in (jo_web.token, second):
        assert client.get("/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_a_new_password_from_the_command_line_revokes_tokens(runner, client, jo_web):
    result = runner.invoke(args=["users", "set-password", JO, "--password-stdin"],
                           input="a brand new password\n")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert client.get("/me", headers=jo_web.headers).status_code == 401


def test_a_read_token_cannot_revoke_a_write_token(client, session, jo_web):
    write_id = session.scalar(select(ApiToken.id).where(ApiToken.account_id == jo_web.account.id))
    _row, read = create_token(session, jo_web.account, "read")
    session.commit()
    reader = {"Authorization": f"Bearer {read}"}

    refused = client.delete(f"/tokens/{write_id}", headers=reader)

    assert refused.status_code == 403 and refused.get_json()["code"] == 403
    assert client.get("/me", headers=jo_web.headers).status_code == 200


def test_a_read_token_can_revoke_itself_and_a_write_token_anything(client, session, jo_web):
    row, read = create_token(session, jo_web.account, "read")
    other, _plain = create_token(session, jo_web.account, "read")
    session.commit()
    reader = {"Authorization": f"Bearer {read}"}

    assert client.delete(f"/tokens/{other.id}", headers=jo_web.headers).status_code == 204
    assert client.delete(f"/tokens/{row.id}", headers=reader).status_code == 204
    assert client.get("/me", headers=reader).status_code == 401
