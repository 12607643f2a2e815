"""Moderating in the browser: a moderator signs in to a queue of named listings, each
change's diff, and approves or rejects it with a reason; editors see their waiting
changes by listing name, and never a merged-away duplicate to edit."""

from __future__ import annotations

import re

import pytest

from tests.accounts.conftest import CAMDEN, HEATH_WALK, PASSWORD
from tests.accounts.test_web import browser as browser  # noqa: F401 (a fixture)
from tests.accounts.test_web import csrf, page, sign_in
from tests.accounts.test_web_schedule import EDIT, post, posted_form, replace

QUEUE = "/account/moderation/"


@pytest.fixture
def nell_web(make_person, sample):
    return make_person(
        "nell@camdenhealthwalks.example.org", organizations=[CAMDEN], password=PASSWORD
    )


@pytest.fixture
def mo_web(make_person, sample):
    return make_person("mo@signpost.example", role="moderator", password=PASSWORD)


def propose_name(browser, name="Heath walk"):
    """Nell (untrusted) renames the Heath walk from the edit form: it waits."""
    sign_in(browser, "nell@camdenhealthwalks.example.org")
    fields = replace(posted_form(page(browser.get(EDIT))), name=name)
    post(browser, fields)
    browser.post("/account/sign-out", data={"csrf_token": csrf(browser, "/account/")})


def request_ids(html: str) -> list[str]:
    return re.findall(r'action="/account/moderation/([0-9a-f-]{36})/approve"', html)


def test_an_editor_sees_what_waits_by_the_listings_name(browser, nell_web):
    sign_in(browser, "nell@camdenhealthwalks.example.org")
    data = {
        "csrf_token": csrf(browser, "/account/"),
        "name": "Heath walk",
        "description": "A walk.",
    }
    browser.post(f"/account/services/{HEATH_WALK}/edit", data=data)
    html = page(browser.get("/account/"))
    assert "Changed listing: “Hampstead Heath Health Walk”" in html
    assert "service update" not in html


def test_a_moderator_finds_the_queue_on_signing_in(browser, nell_web, mo_web):
    propose_name(browser)
    sign_in(browser, "mo@signpost.example")
    home = page(browser.get("/account/"))
    assert "Moderation queue (1 waiting)" in home
    html = page(browser.get(QUEUE))
    assert "Changed listing: “Hampstead Heath Health Walk”" in html
    assert "Camden Health Walks" in html
    assert "<td>Hampstead Heath Health Walk</td><td>Heath walk</td>" in html
    assert "nell@" not in html  # who sent it, never their address


def test_approving_from_the_queue_publishes_the_change(browser, client, nell_web, mo_web):
    propose_name(browser)
    sign_in(browser, "mo@signpost.example")
    for request_id in request_ids(page(browser.get(QUEUE))):
        token = csrf(browser, QUEUE)
        response = browser.post(f"{QUEUE}{request_id}/approve", data={"csrf_token": token})
        assert response.status_code == 302
    assert client.get(f"/services/{HEATH_WALK}").get_json()["name"] == "Heath walk"
    assert "Nothing is waiting." in page(browser.get(QUEUE))


def test_rejecting_needs_a_reason_the_editor_then_sees(browser, client, nell_web, mo_web):
    propose_name(browser)
    sign_in(browser, "mo@signpost.example")
    request_id = request_ids(page(browser.get(QUEUE)))[0]
    refused = browser.post(f"{QUEUE}{request_id}/reject", data={"csrf_token": csrf(browser, QUEUE)})
    assert refused.status_code == 422 and "Give a reason" in page(refused)
    data = {"csrf_token": csrf(browser, QUEUE), "reason": "Please keep the full name"}
    assert browser.post(f"{QUEUE}{request_id}/reject", data=data).status_code == 302
    assert client.get(f"/services/{HEATH_WALK}").get_json()["name"] == (
        "Hampstead Heath Health Walk"
    )


def test_only_moderators_see_the_queue(browser, nell_web):
    sign_in(browser, "nell@camdenhealthwalks.example.org")
    assert browser.get(QUEUE).status_code == 403
    assert (
        browser.post(
            f"{QUEUE}{HEATH_WALK}/approve", data={"csrf_token": csrf(browser, "/account/")}
        ).status_code
        == 403
    )


def test_the_queue_needs_signing_in_and_a_csrf_token(browser, client, nell_web, mo_web):
    assert browser.get(QUEUE).status_code == 302
    propose_name(browser)
    sign_in(browser, "mo@signpost.example")
    request_id = request_ids(page(browser.get(QUEUE)))[0]
    assert browser.post(f"{QUEUE}{request_id}/approve", data={}).status_code == 400


def test_a_merged_away_duplicate_is_not_offered_for_editing(browser, session, make_person, sample):
    import datetime as dt

    from sqlalchemy import select

    from app.models import MergedAlias, Service

    other = session.scalar(
        select(Service.id).where(Service.organization_id == CAMDEN, Service.id != HEATH_WALK)
    )
    session.get(Service, other).status = "inactive"
    now = dt.datetime.now(dt.UTC)
    session.add(MergedAlias(old_id=other, new_id=HEATH_WALK, kind="service", merged_at=now))
    session.commit()
    make_person(
        "jo@camdenhealthwalks.example.org", organizations=[CAMDEN], trusted=True, password=PASSWORD
    )
    sign_in(browser)
    html = page(browser.get("/account/"))
    assert f"/account/services/{HEATH_WALK}/edit" in html
    assert f"/account/services/{other}/edit" not in html


def test_service_pages_and_the_header_lead_a_group_to_sign_in(client, sample):
    html = page(client.get(f"/service/{HEATH_WALK}"))
    assert "Is this your group?" in html
    assert 'href="/account/claim?q=Camden+Health+Walks"' in html
    assert 'href="/account/">For groups: sign in' in html
