"""The review cycle: `signpost freshness run` reminds a stale listing's editors (or its
organisation's public email) three times, and the one-use links in the mail work
without signing in, once."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

from app.mail.queue import send_due
from app.mail.transport import SmtpTransport
from app.models import Service
from app.models.accounts import ChangeRequest, FollowUp
from app.models.mail import MailMessage
from app.models.review import ReviewLink, ReviewState
from app.services.freshness import new_link, run_review, token_hash
from tests.freshness.conftest import CAMDEN_PUBLIC, KNIT, SAM, links_in

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
TODAY = dt.datetime.now(dt.UTC).replace(microsecond=0)
DAY = dt.timedelta(days=1)


def remind(session, session_factory, settings, now=TODAY):
    report = run_review(session, now, 12, "https://signpost.example")
    session.commit()
    send_due(session_factory, SmtpTransport(settings), settings, now)
    return report


def stages(session, service_id):
    session.expire_all()
    state = session.get(ReviewState, service_id)
    return state.stage if state else None


def test_a_stale_listing_gets_a_reminder_a_second_and_an_urgent_one(
    session, session_factory, settings, smtp_server, sam
):
    remind(session, session_factory, settings)
    [first] = [m for m in smtp_server.to(SAM) if "Knit and Natter" in m["Subject"]]
    assert first["Subject"] == "Is “Knit and Natter” still running? Please check its listing"
    remind(session, session_factory, settings, TODAY + DAY)  # the next day: nothing new
    assert len(smtp_server.to(SAM)) == 1
    remind(session, session_factory, settings, TODAY + 14 * DAY)
    assert smtp_server.to(SAM)[-1]["Subject"] == "Reminder: is “Knit and Natter” still running?"
    assert session.get(FollowUp, KNIT) is None
    remind(session, session_factory, settings, TODAY + 28 * DAY)
    urgent = smtp_server.to(SAM)[-1]
    assert urgent["Subject"].startswith("Urgent: “Knit and Natter”")
    assert stages(session, KNIT) == 3
    assert session.get(FollowUp, KNIT) is not None  # now the moderators follow it up
    remind(session, session_factory, settings, TODAY + 60 * DAY)
    assert len(smtp_server.to(SAM)) == 3


def test_an_organisation_without_editors_is_reminded_at_its_public_email(
    session, session_factory, settings, smtp_server, stale
):
    remind(session, session_factory, settings)
    subjects = sorted(m["Subject"] for m in smtp_server.to(CAMDEN_PUBLIC))
    assert len(subjects) == 2  # Camden Health Walks' two walks
    assert "Hampstead Heath Health Walk" in subjects[0]


def test_a_listing_confirmed_recently_gets_no_reminder(
    session, session_factory, settings, smtp_server, sam
):
    session.get(Service, KNIT).assured_date = (TODAY - 30 * DAY).date().isoformat()
    session.commit()
    report = remind(session, session_factory, settings)
    assert smtp_server.to(SAM) == []
    assert report.due == 6


def test_the_reminder_has_three_one_use_links_and_an_unsubscribe(
    session, session_factory, settings, smtp_server, sam
):
    remind(session, session_factory, settings)
    [message] = smtp_server.to(SAM)
    links = links_in(message)
    assert sorted(links) == ["changed", "closed", "confirm", "unsubscribe"]
    [token] = set(links.values())
    assert message["List-Unsubscribe"] == f"<https://signpost.example/review/{token}/unsubscribe>"
    html = message.get_body(("html",)).get_content()
    assert f'href="https://signpost.example/review/{token}/confirm"' in html
    assert "<img" not in html
    # Only the token's hash is stored: not in the link table, not in the queued message.
    link = session.scalar(select(ReviewLink).where(ReviewLink.service_id == KNIT))
    assert link.token_hash == token_hash(token)
    for row in session.scalars(select(MailMessage)):
        assert token not in str(row.payload)


def sent_link(session, session_factory, settings, smtp_server, service_word="Knit"):
    remind(session, session_factory, settings)
    [message] = [m for m in smtp_server.messages if service_word in m[1]["Subject"]]
    return links_in(message[1])


def press(browser, path, **form):
    page = browser.get(path)
    assert page.status_code == 200
    return browser.post(path, data={"csrf_token": TOKEN.search(page.text).group(1), **form})


def test_still_running_confirms_the_listing_without_signing_in(
    session, session_factory, settings, smtp_server, sam, browser
):
    token = sent_link(session, session_factory, settings, smtp_server)["confirm"]
    path = f"/review/{token}/confirm"
    page = browser.get(path)
    assert "Yes, it is still running as listed" in page.text
    session.expire_all()
    assert session.get(Service, KNIT).assured_date is None  # a GET changes nothing
    done = press(browser, path)
    assert done.status_code == 200
    assert "confirmed as still running" in done.text
    session.expire_all()
    assert session.get(Service, KNIT).assured_date == dt.date.today().isoformat()
    remind(session, session_factory, settings, TODAY + 14 * DAY)
    assert len(smtp_server.to(SAM)) == 1  # no second reminder


def test_a_used_link_says_so(session, session_factory, settings, smtp_server, sam, browser):
    token = sent_link(session, session_factory, settings, smtp_server)["confirm"]
    press(browser, f"/review/{token}/confirm")
    again = browser.get(f"/review/{token}/closed")
    assert again.status_code == 410
    assert "This link has been used" in again.text
    assert "already used" in again.text


def test_an_expired_link_says_so(session, sam, browser):
    token = new_link(session, KNIT, sam.id, SAM, 1, dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    session.commit()
    page = browser.get(f"/review/{token}/confirm")
    assert page.status_code == 410
    assert "This link expired on 12 February 2020" in page.text


def test_an_unknown_link_says_so(client, stale):
    page = client.get("/review/not-a-token/confirm")
    assert page.status_code == 404
    assert "This link does not work" in page.text


def test_a_post_without_the_pages_csrf_token_does_nothing(
    session, session_factory, settings, smtp_server, sam, browser
):
    token = sent_link(session, session_factory, settings, smtp_server)["confirm"]
    response = browser.post(f"/review/{token}/confirm", data={})
    assert response.status_code == 400
    session.expire_all()
    assert session.get(Service, KNIT).assured_date is None


def test_something_changed_opens_the_edit_form_after_signing_in(
    session, session_factory, settings, smtp_server, sam, browser
):
    token = sent_link(session, session_factory, settings, smtp_server)["changed"]
    response = press(browser, f"/review/{token}/changed")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/account/services/{KNIT}/edit"
    assert browser.get(response.headers["Location"]).status_code == 302  # to sign in first


def test_something_changed_without_an_account_leads_to_claiming_the_organisation(
    session, session_factory, settings, smtp_server, stale, browser
):
    token = sent_link(session, session_factory, settings, smtp_server, "Hampstead")["changed"]
    response = press(browser, f"/review/{token}/changed")
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/account/claim?q=Camden")


def test_it_has_closed_goes_to_moderation_and_the_reminders_stop(
    session, session_factory, settings, smtp_server, sam, browser
):
    token = sent_link(session, session_factory, settings, smtp_server)["closed"]
    done = press(browser, f"/review/{token}/closed")
    assert "moderators have been told" in done.text
    [report] = session.scalars(
        select(ChangeRequest).where(
            ChangeRequest.resource_id == KNIT, ChangeRequest.kind == "report"
        )
    )
    assert report.status == "pending"
    assert "Closed, says the organisation" in report.message
    remind(session, session_factory, settings, TODAY + 14 * DAY)
    assert len(smtp_server.to(SAM)) == 1


def test_one_click_unsubscribe_stops_the_reminders(
    session, session_factory, settings, smtp_server, sam, client
):
    token = sent_link(session, session_factory, settings, smtp_server)["unsubscribe"]
    response = client.post(f"/review/{token}/unsubscribe", data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    remind(session, session_factory, settings, TODAY + 14 * DAY)
    assert len(smtp_server.to(SAM)) == 1


def test_editors_addresses_stay_out_of_the_api_the_pages_and_the_command_output(
    session, session_factory, settings, smtp_server, sam, client, runner, browser
):
    token = sent_link(session, session_factory, settings, smtp_server)["confirm"]
    press(browser, f"/review/{token}/confirm")
    assert SAM not in client.get(f"/services/{KNIT}").text
    assert SAM not in client.get(f"/service/{KNIT}").text
    assert SAM not in client.get("/healthz").text
    result = runner.invoke(["freshness", "run", "--now", (TODAY + 20 * DAY).isoformat()])
    assert result.exit_code == 0, result.output
    assert "listings due for review" in result.output
    assert SAM not in result.output


def test_a_reminder_for_a_listing_confirmed_before_it_went_out_is_not_sent(
    session, session_factory, settings, smtp_server, sam
):
    run_review(session, TODAY - DAY, 12, "https://signpost.example")
    session.get(Service, KNIT).assured_date = TODAY.date().isoformat()
    session.commit()
    report = send_due(session_factory, SmtpTransport(settings), settings, TODAY)
    assert smtp_server.to(SAM) == []
    assert report.skipped == 1
