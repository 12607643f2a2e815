"""The self-service journey in headless Chromium, at desktop and phone widths: a new
(untrusted) editor changes when the group meets, a moderator signs in, finds the change
in the queue by the listing's name and approves it, and the public service page shows
the new times. No serious axe-core violations on any page."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app import create_app, migrate
from app.auth.accounts import create_account, link_organization
from app.demo.sample import load_sample
from tests.accounts.conftest import CAMDEN, HEATH_WALK, PASSWORD
from tests.conftest import NO_RATE_LIMITS
from tests.e2e.conftest import axe_violations, new_context, serving

EDITOR, MODERATOR = "nell@camdenhealthwalks.example.org", "mo@signpost.example"
WIDTHS = {"desktop": (1280, 800, "Saturday", "Saturdays, 9am to 10am"),
          "phone": (390, 844, "Sunday", "Sundays, 9am to 10am")}  # fmt: skip


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("moderation-e2e")
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{folder / 'signpost.db'}",
                      "SECRET_KEY": "moderation journey", "SIGNPOST_SECURE_COOKIES": "false",
                      "SIGNPOST_TILE_URL": "", **NO_RATE_LIMITS})  # fmt: skip
    engine = app.extensions["signpost_db"].engine
    migrate.upgrade(engine)
    with app.extensions["signpost_db"].sessionmaker() as session:
        load_sample(session)
        editor = create_account(session, EDITOR, "editor", PASSWORD, trusted=False)
        link_organization(session, editor, CAMDEN)
        create_account(session, MODERATOR, "moderator", PASSWORD)
        session.commit()
    with serving(app) as url:
        yield url
    engine.dispose()


def sign_in(page, server: str, email: str) -> None:
    page.goto(f"{server}/account/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{server}/account/")


def sign_out(page, server: str) -> None:
    page.goto(f"{server}/account/")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{server}/account/sign-in")


@pytest.mark.parametrize("width", list(WIDTHS))
def test_an_edit_of_times_is_approved_and_shows(browser, server, console, width):
    wide, high, day, shown = WIDTHS[width]
    context = new_context(browser, wide, high, is_mobile=wide < 500)
    page = context.new_page()
    console.watch(page)
    try:
        sign_in(page, server, EDITOR)
        page.get_by_role("link", name="Edit Hampstead Heath Health Walk").click()
        for box in page.get_by_role("checkbox").all():
            box.uncheck()
        page.get_by_label(day).check()
        page.get_by_label("How often").select_option("week")
        page.get_by_label("Starts").fill("09:00")
        page.get_by_label("Finishes").fill("10:00")
        assert axe_violations(page) == []
        page.get_by_role("button", name="Save changes").click()
        assert "once a moderator has checked" in page.get_by_role("status").inner_text()
        assert "Changed times: “Hampstead Heath Health Walk”" in page.content()
        sign_out(page, server)

        sign_in(page, server, MODERATOR)
        page.get_by_role("link", name="Moderation queue (1 waiting)").click()
        assert page.get_by_role("heading", name="Changed times: “Hampstead Heath Health Walk”")
        assert axe_violations(page) == []
        page.get_by_role("button", name="Approve Changed times").click()
        assert "Approved: Changed times" in page.get_by_role("status").inner_text()
        assert "Nothing is waiting." in page.content()
        sign_out(page, server)

        page.goto(f"{server}/service/{HEATH_WALK}")
        assert shown in page.locator("article").inner_text()
        assert axe_violations(page) == []
    finally:
        context.close()
    assert [e for e in console.errors if "favicon" not in e and "404" not in e] == []
