"""The /account/ pages a group uses on a phone: sign in, see its listings, edit one,
confirm it is current, claim an organisation. Every form carries a checked CSRF token."""

from __future__ import annotations

import re

import pytest

from app.auth.passwords import hash_password
from tests.accounts.conftest import CAMDEN, HEATH_WALK, KNIT, PASSWORD

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def browser(app, client):
    app.config["SESSION_COOKIE_SECURE"] = False  # the test client talks plain http
    return client


@pytest.fixture
def jo_web(make_person, sample):
    return make_person(
        "jo@camdenhealthwalks.example.org", organizations=[CAMDEN], trusted=True, password=PASSWORD
    )


def csrf(browser, path="/account/sign-in") -> str:
    return TOKEN.search(browser.get(path).get_data(as_text=True)).group(1)


def sign_in(browser, email="jo@camdenhealthwalks.example.org", password=PASSWORD, **extra):
    form = {"email": email, "password": password, "csrf_token": csrf(browser)}
    return browser.post("/account/sign-in", data=form, **extra)


def page(response) -> str:
    return response.get_data(as_text=True)


def test_the_sign_in_form_is_labelled_and_protected(browser, sample):
    html = page(browser.get("/account/sign-in"))
    assert '<label for="email">' in html and '<label for="password">' in html
    assert 'autocomplete="current-password"' in html
    assert TOKEN.search(html)


def test_signing_in_sets_a_safe_session_cookie(client, jo_web):
    form = {
        "email": "jo@camdenhealthwalks.example.org",
        "password": PASSWORD,
        "csrf_token": csrf(client),
    }
    response = client.post("/account/sign-in", data=form)
    assert response.status_code == 302 and response.headers["Location"] == "/account/"
    cookie = next(
        c for c in response.headers.getlist("Set-Cookie") if c.startswith("signpost_session=")
    )
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie


def test_the_secure_flag_can_be_switched_off_for_local_http(engine, session_factory, jo_web):
    from app import create_app

    app = create_app(
        {
            "DATABASE_URL": engine.url.render_as_string(hide_password=False),
            "SIGNPOST_SECURE_COOKIES": "false",
        }
    )
    assert app.config["SESSION_COOKIE_SECURE"] is False


@pytest.mark.parametrize(
    "form",
    [
        {},
        {"csrf_token": ""},
        {"csrf_token": "forged-token"},
    ],
)
def test_a_form_without_this_sessions_csrf_token_is_refused(browser, jo_web, form):
    csrf(browser)  # the session has a token; the form does not carry it
    data = {"email": "jo@camdenhealthwalks.example.org", "password": PASSWORD, **form}
    response = browser.post("/account/sign-in", data=data)
    assert response.status_code == 400
    assert 'role="alert"' in page(response)
    assert browser.get("/account/").status_code == 302  # still signed out


def test_csrf_is_checked_on_every_form_once_signed_in(browser, jo_web, client):
    sign_in(browser)
    before = client.get(f"/services/{HEATH_WALK}").get_json()
    posts = [
        (f"/account/services/{HEATH_WALK}/edit", {"name": "Forged", "description": "x"}),
        (f"/account/services/{HEATH_WALK}/confirm", {}),
        (f"/account/organizations/{KNIT}/claim", {}),
        ("/account/sign-out", {}),
    ]
    for path, data in posts:
        assert browser.post(path, data=data).status_code == 400, path
    after = client.get(f"/services/{HEATH_WALK}").get_json()
    assert after == before
    assert browser.get("/account/").status_code == 200  # sign-out was refused too


def test_a_wrong_password_is_announced(browser, jo_web):
    response = sign_in(browser, password="not my password")
    html = page(response)
    assert response.status_code == 401
    assert 'role="alert"' in html and "not right" in html
    assert 'aria-describedby="sign-in-error"' in html and 'aria-invalid="true"' in html


def test_repeated_failures_are_rate_limited(browser, jo_web):
    for _ in range(5):
        sign_in(browser, password="not my password")
    response = sign_in(browser)
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert "Too many attempts" in page(response)


def test_failures_from_another_address_do_not_lock_jo_out(browser, jo_web):
    elsewhere = {"environ_base": {"REMOTE_ADDR": "203.0.113.66"}}
    for _ in range(6):
        sign_in(browser, password="not my password", **elsewhere)
    assert sign_in(browser, **elsewhere).status_code == 429
    response = sign_in(browser, environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert response.status_code == 302


def test_my_organisation_lists_its_services_with_edit_and_confirm(browser, jo_web):
    sign_in(browser)
    html = page(browser.get("/account/"))
    assert "Camden Health Walks" in html
    assert "Hampstead Heath Health Walk" in html and "Regent&#39;s Park Health Walk" in html
    assert "Knit and Natter" not in html
    assert f'href="/account/services/{HEATH_WALK}/edit"' in html
    assert f'action="/account/services/{HEATH_WALK}/confirm"' in html
    assert browser.get("/account/").headers["Cache-Control"] == "no-store"


def test_pages_need_signing_in(browser, sample):
    response = browser.get(f"/account/services/{HEATH_WALK}/edit")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/account/sign-in?next=/account/services/")


def test_signing_in_returns_to_the_page_asked_for_but_never_off_site(browser, jo_web):
    token = csrf(browser)
    form = {"email": "jo@camdenhealthwalks.example.org", "password": PASSWORD, "csrf_token": token}
    response = browser.post("/account/sign-in?next=//evil.example/", data=form)
    assert response.headers["Location"] == "/account/"


def test_editing_a_service(browser, jo_web, client):
    sign_in(browser)
    form_page = page(browser.get(f"/account/services/{HEATH_WALK}/edit"))
    for label in ("Name of the service", "Phone number", "Cost", "Who can come", "When it runs"):
        assert label in form_page
    data = {
        "csrf_token": csrf(browser, f"/account/services/{HEATH_WALK}/edit"),
        "name": "Hampstead Heath walk",
        "description": "A gentle walk.",
        "url": "https://camdenhealthwalks.example.org/heath",
        "email": "",
        "phone": "020 7946 0202",
        "fees_description": "Free",
        "eligibility_description": "Adults",
        "schedule": "Wednesdays 10:30am to 11:30am",
    }
    response = browser.post(f"/account/services/{HEATH_WALK}/edit", data=data)
    assert response.status_code == 302
    service = client.get(f"/services/{HEATH_WALK}").get_json()
    assert (service["name"], service["url"], service["phones"][0]["number"]) == (
        "Hampstead Heath walk",
        "https://camdenhealthwalks.example.org/heath",
        "020 7946 0202",
    )
    schedule = service["service_at_locations"][0]["schedules"][0]
    assert schedule["description"] == "Wednesdays 10:30am to 11:30am"
    assert "saved and live" in page(browser.get("/account/"))


def test_mistakes_are_announced_next_to_their_fields(browser, jo_web, client):
    sign_in(browser)
    data = {
        "csrf_token": csrf(browser, f"/account/services/{HEATH_WALK}/edit"),
        "name": "",
        "url": "camden walks",
        "email": "jo at example",
        "schedule": "",
        "phone": "",
    }
    response = browser.post(f"/account/services/{HEATH_WALK}/edit", data=data)
    html = page(response)
    assert response.status_code == 422
    assert 'role="alert"' in html and "There is a problem" in html
    assert 'href="#name"' in html and 'href="#url"' in html and 'href="#email"' in html
    assert re.search(r'id="name"[^>]*aria-describedby="name-error"[^>]*aria-invalid="true"', html)
    assert 'id="name-error"' in html
    assert client.get(f"/services/{HEATH_WALK}").get_json()["name"] == (
        "Hampstead Heath Health Walk"
    )


def test_another_organisations_service_cannot_be_edited(browser, jo_web):
    sign_in(browser)
    assert browser.get(f"/account/services/{KNIT}/edit").status_code == 403
    token = csrf(browser, "/account/")
    response = browser.post(
        f"/account/services/{KNIT}/edit", data={"csrf_token": token, "name": "Mine now"}
    )
    assert response.status_code == 403


def test_an_untrusted_editors_changes_are_queued(browser, make_person, sample, client):
    make_person("nell@camdenhealthwalks.example.org", organizations=[CAMDEN], password=PASSWORD)
    sign_in(browser, "nell@camdenhealthwalks.example.org")
    data = {
        "csrf_token": csrf(browser, "/account/"),
        "name": "Heath walk",
        "description": "A walk.",
        "phone": "020 7946 0101",
    }
    browser.post(f"/account/services/{HEATH_WALK}/edit", data=data)
    assert "once a moderator has checked" in page(browser.get("/account/"))
    assert client.get(f"/services/{HEATH_WALK}").get_json()["name"] == (
        "Hampstead Heath Health Walk"
    )


def test_confirming_in_one_click(browser, jo_web, client):
    sign_in(browser)
    token = csrf(browser, "/account/")
    response = browser.post(f"/account/services/{HEATH_WALK}/confirm", data={"csrf_token": token})
    assert response.status_code == 302
    assert client.get(f"/services/{HEATH_WALK}").get_json()["assurer_email"] == (
        "hello@camdenhealthwalks.example.org"
    )


def test_claiming_an_organisation_from_the_web(browser, make_person, sample):
    make_person("ann@islingtonmind.example.org", password=PASSWORD)
    sign_in(browser, "ann@islingtonmind.example.org")
    results = page(browser.get("/account/claim?q=islington"))
    assert "Islington Mind" in results and "Camden Health Walks" not in results
    token = TOKEN.search(results).group(1)
    response = browser.post(
        "/account/organizations/9df4fc5e-cf8e-5fc3-9538-82a7fac4a189/claim",
        data={"csrf_token": token},
    )
    assert response.status_code == 302
    assert "Knit and Natter" in page(browser.get("/account/"))


def test_signing_out(browser, jo_web):
    sign_in(browser)
    response = browser.post("/account/sign-out", data={"csrf_token": csrf(browser, "/account/")})
    assert response.status_code == 302
    assert browser.get("/account/").status_code == 302


def test_a_password_change_signs_out_other_sessions(browser, jo_web, session):
    sign_in(browser)
    jo_web.account.password_hash = hash_password("a brand new password")
    session.commit()
    assert browser.get("/account/").status_code == 302
