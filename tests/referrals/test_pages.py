"""The pages: codes on the prescription, the group's account page, /my-referrals."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.models.referrals import Referral
from app.referrals.codes import display_code
from tests.referrals.conftest import HEATH_WALK, KNIT, PASSWORD, PRACTICE

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def browser(app, client):
    app.config["SESSION_COOKIE_SECURE"] = False
    return client


def token(browser, path):
    return TOKEN.search(browser.get(path).get_data(as_text=True)).group(1)


def sign_in(browser, email):
    form = {"email": email, "password": PASSWORD, "csrf_token": token(browser, "/account/sign-in")}
    assert browser.post("/account/sign-in", data=form).status_code == 302


def make_codes(browser, ids=(HEATH_WALK, KNIT)):
    path = "/prescription?ids=" + ",".join(ids)
    form = {"ids": list(ids), "csrf_token": token(browser, path)}
    response = browser.post("/prescription/codes", data=form)
    assert response.status_code == 303, response.get_data(as_text=True)
    return response.headers["Location"]


@pytest.fixture
def jo_web(make_person, sample):
    from tests.referrals.conftest import CAMDEN

    return make_person(
        "jo@camdenhealthwalks.example.org", organizations=[CAMDEN], password=PASSWORD
    )


@pytest.fixture
def rae_web(practices, make_person):
    return make_person("rae@kentishtown.example.nhs.uk", role="referrer",
                       organizations=[PRACTICE], password=PASSWORD)  # fmt: skip


def test_the_printed_prescription_has_a_code_per_activity_a_qr_code_and_a_short_link(
    browser, session, sample
):
    short = make_codes(browser)
    body = browser.get(short).get_data(as_text=True)
    codes = [display_code(r.code) for r in session.scalars(select(Referral))]
    assert len(codes) == 2 and all(code in body for code in codes)
    assert re.search(r'<svg role="img" aria-label="QR code[^"]*"', body)
    assert f'value="http://localhost{short}"' in body and len(short) == len("/p/ABCD2345")
    assert "check the details before referring" not in body.split('class="no-print"')[0]
    assert browser.get("/p/ZZZZZZZZ").status_code == 404


def test_codes_made_without_the_csrf_token_are_refused(browser, sample):
    response = browser.post("/prescription/codes", data={"ids": [HEATH_WALK]})
    assert response.status_code == 400


def test_a_referrers_codes_are_marked_with_their_practice_and_listed_for_them(
    browser, session, rae_web
):
    sign_in(browser, "rae@kentishtown.example.nhs.uk")
    make_codes(browser)
    assert {r.referrer_organization_id for r in session.scalars(select(Referral))} == {PRACTICE}
    page = browser.get("/my-referrals").get_data(as_text=True)
    assert "Knit and Natter" in page and page.count("Patient reported back") >= 2


def test_the_group_sees_its_referral_finds_it_by_code_and_records_the_outcome(
    browser, session, jo_web
):
    make_codes(browser)
    walk = session.scalars(select(Referral).where(Referral.service_id == HEATH_WALK)).one()
    knit = session.scalars(select(Referral).where(Referral.service_id == KNIT)).one()
    sign_in(browser, "jo@camdenhealthwalks.example.org")
    home = browser.get("/account/").get_data(as_text=True)
    assert display_code(walk.code) in home and display_code(knit.code) not in home  # not Jo's
    found = browser.get(f"/account/referrals?code={walk.code.lower()}")
    assert found.status_code == 200
    assert browser.get(f"/account/referrals?code={knit.code}").status_code == 404
    csrf = token(browser, "/account/")
    for status in ("contacted", "attended"):
        form = {"status": status, "csrf_token": csrf}
        assert browser.post(f"/account/referrals/{walk.code}", data=form).status_code == 302
    session.expire_all()
    assert session.get(Referral, walk.code).status == "attended"
    form = {"status": "attended", "csrf_token": csrf}
    refused = browser.post(f"/account/referrals/{knit.code}", data=form)
    assert refused.status_code == 404 and session.get(Referral, knit.code).status == "new"


def test_an_anonymous_link_worker_checks_a_code_and_records_the_report_back(
    browser, session, sample
):
    make_codes(browser)
    referral = session.scalars(select(Referral)).first()
    page = browser.get(f"/my-referrals?code={display_code(referral.code)}")
    assert page.status_code == 200 and "new" in page.get_data(as_text=True)
    csrf = token(browser, f"/my-referrals?code={referral.code}")
    done = browser.post(f"/my-referrals/{referral.code}/reported-back", data={"csrf_token": csrf})
    assert done.status_code == 303
    session.expire_all()
    assert session.get(Referral, referral.code).reported_back_at is not None
