"""The /account/ pages in headless Chromium on a phone-sized screen: signing in, editing
a listing with a mistake (announced and linked to its field), confirming it, using only
the keyboard; no serious axe-core violations and no console errors on any page.

The accounts feature's browser test (its other tests are in tests/accounts/).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from app import create_app, migrate
from app.auth.accounts import create_account, link_organization
from app.demo.sample import load_sample
from tests.accounts.conftest import CAMDEN, HEATH_WALK, PASSWORD
from tests.conftest import NO_RATE_LIMITS
from tests.e2e.conftest import axe_violations, new_context, serving

EMAIL = "jo@camdenhealthwalks.example.org"


@pytest.fixture(scope="module")
def account_server(tmp_path_factory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("account-e2e")
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{folder / 'signpost.db'}",
                      "SECRET_KEY": "account pages", "SIGNPOST_SECURE_COOKIES": "false",
                      "SIGNPOST_TILE_URL": "", **NO_RATE_LIMITS})  # fmt: skip
    engine = app.extensions["signpost_db"].engine
    migrate.upgrade(engine)
    with app.extensions["signpost_db"].sessionmaker() as session:
        load_sample(session)
        editor = create_account(session, EMAIL, "editor", PASSWORD, trusted=True)
        link_organization(session, editor, CAMDEN)
        session.commit()
    with serving(app) as url:
        yield url
    engine.dispose()


@pytest.fixture
def phone(browser):
    context = new_context(browser, 375, 740, is_mobile=True)
    yield context.new_page()
    context.close()


def test_an_editor_keeps_a_listing_current_on_a_phone(phone, account_server, console):
    page = phone
    console.watch(page)
    page.goto(f"{account_server}/account/")
    assert "/account/sign-in" in page.url
    assert axe_violations(page) == []

    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{account_server}/account/")
    assert page.get_by_role("heading", name="Camden Health Walks").is_visible()
    assert axe_violations(page) == []

    page.goto(f"{account_server}/account/services/{HEATH_WALK}/edit")
    page.get_by_label("Web page").fill("not a web address")
    page.get_by_role("button", name="Save changes").click()
    alert = page.get_by_role("alert")
    assert "There is a problem" in alert.inner_text()
    assert page.get_by_label("Web page").get_attribute("aria-invalid") == "true"
    assert axe_violations(page) == []

    page.get_by_role("link", name="Enter a web address").click()
    assert page.evaluate("document.activeElement.id") == "url"
    page.get_by_label("Web page").fill("https://camdenhealthwalks.example.org/heath")
    page.get_by_label("Cost").fill("Free, donations welcome")
    page.get_by_label("Cost").press("Enter")
    page.wait_for_url(f"{account_server}/account/")
    assert "saved and live" in page.get_by_role("status").inner_text()

    confirm = page.get_by_role("button", name=re.compile("Still running.*Hampstead Heath"))
    confirm.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "confirmed as still running" in page.get_by_role("status").inner_text()
    assert axe_violations(page) == []
    # The form answered 422 on purpose; Chromium also asks for a /favicon.ico there is none of.
    expected = ("status of 422 (UNPROCESSABLE ENTITY)", "status of 404 (NOT FOUND)")
    assert [e for e in console.errors if not e.endswith(expected)] == []
