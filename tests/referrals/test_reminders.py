"""Editors hear of a new referral by email, and are reminded once after N working days."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app.mail.queue import RENDERERS
from app.models.mail import MailMessage
from app.referrals.referrals import create_referrals, set_status
from app.referrals.reminders import add_working_days, remind_unacknowledged
from tests.referrals.conftest import HEATH_WALK, KNIT, NOW


def test_working_days_skip_the_weekend():
    friday = dt.datetime(2026, 12, 11, 10, tzinfo=dt.UTC)
    assert add_working_days(friday, 1) == dt.datetime(2026, 12, 14, 10, tzinfo=dt.UTC)
    assert add_working_days(NOW, 5) == NOW + dt.timedelta(days=7)


def messages(session):
    return session.scalars(select(MailMessage).order_by(MailMessage.created_at)).all()


def test_a_new_referral_emails_the_services_editors_and_no_one_else(session, jo, sam):
    (referral,) = create_referrals(session, [HEATH_WALK], NOW)
    (sent,) = messages(session)
    assert sent.to_address == "jo@camdenhealthwalks.example.org"
    rendered = RENDERERS[sent.kind](session, sent, NOW)
    assert "Hampstead Heath Health Walk" in rendered.subject
    assert referral.code[:5] in rendered.text and "/account/" in rendered.text


def test_the_mail_is_skipped_once_the_referral_is_acknowledged(session, jo):
    (referral,) = create_referrals(session, [HEATH_WALK], NOW)
    set_status(referral, "contacted", None, NOW)
    (sent,) = messages(session)
    assert RENDERERS[sent.kind](session, sent, NOW).skip


def test_an_unacknowledged_referral_is_reminded_once_after_five_working_days(session, jo):
    (waiting,) = create_referrals(session, [HEATH_WALK], NOW)
    (seen,) = create_referrals(session, [HEATH_WALK], NOW)
    set_status(seen, "contacted", None, NOW)
    early = remind_unacknowledged(session, NOW + dt.timedelta(days=6), 5)
    assert early.due == 0
    run = remind_unacknowledged(session, NOW + dt.timedelta(days=7), 5)
    assert (run.due, run.reminded, run.messages) == (1, 1, 1)
    reminder = messages(session)[-1]
    rendered = RENDERERS[reminder.kind](session, reminder, NOW)
    assert rendered.subject.startswith("Waiting for you: 1 referral")
    again = remind_unacknowledged(session, NOW + dt.timedelta(days=8), 5)
    assert again.due == 0


def test_a_listing_without_editors_is_counted_not_mailed(session, sample):
    create_referrals(session, [KNIT], NOW)  # nobody keeps Islington Mind here
    run = remind_unacknowledged(session, NOW + dt.timedelta(days=30), 5)
    assert (run.due, run.no_editor, run.messages) == (1, 1, 0)
    assert messages(session) == []
