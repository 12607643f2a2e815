"""Emails to a group's editors: a new referral, and a reminder when nobody acknowledged
one within N working days (`signpost referrals remind`, daily; deploy/).

The body is rendered when the mail is sent (app.mail.queue): it names the listing and
the codes, and links to the account page; nothing about the person, nothing that
tracks the reader. A referral acknowledged before the mail goes out drops out of it,
and a message whose referrals were all acknowledged is skipped.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html import escape

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.mail.queue import Rendered, renderer
from app.models import Service
from app.models.mail import MailMessage
from app.models.referrals import Referral
from app.referrals.codes import display_code
from app.referrals.referrals import NEW_REFERRALS_MAIL, notify_editors

DEFAULT_BASE_URL = "http://127.0.0.1:5000"
REMIND_AFTER_WORKING_DAYS = 5


def add_working_days(start: dt.datetime, days: int) -> dt.datetime:
    """`start` plus `days` weekdays (Monday to Friday; bank holidays count as working
    days): Friday 10:00 plus 1 is Monday 10:00."""
    moment = start
    while days > 0:
        moment += dt.timedelta(days=1)
        if moment.weekday() < 5:
            days -= 1
    return moment


@dataclass
class RemindRun:
    due: int = 0
    reminded: int = 0
    messages: int = 0
    no_editor: int = 0

    def summary(self) -> str:
        return (
            f"{self.due} referral(s) unacknowledged after the limit; {self.reminded} reminded "
            f"in {self.messages} message(s); {self.no_editor} to listings with no editor to tell."
        )


def remind_unacknowledged(
    session: Session,
    now: dt.datetime,
    working_days: int = REMIND_AFTER_WORKING_DAYS,
    base_url: str = "",
) -> RemindRun:
    """One reminder per service to its editors, for its referrals still "new" that many
    working days after they were made and not reminded yet. Safe to run twice a day."""
    run = RemindRun()
    candidates = session.scalars(
        select(Referral)
        .where(Referral.status == "new", Referral.reminded_at.is_(None))
        .order_by(Referral.service_id, Referral.created_at)
    )
    by_service: dict[str, list[Referral]] = {}
    for referral in candidates:
        if add_working_days(referral.created_at, working_days) <= now:
            by_service.setdefault(referral.service_id, []).append(referral)
    for service_id, referrals in by_service.items():
        run.due += len(referrals)
        service = session.get(Service, service_id)
        codes = [r.code for r in referrals]
        sent = notify_editors(session, service, codes, now, base_url) if service else 0
        if not sent:
            run.no_editor += len(referrals)
        else:
            run.messages += sent
            run.reminded += len(referrals)
        for referral in referrals:
            referral.reminded_at = now  # once: a listing without editors is not retried daily
    session.flush()
    return run


@renderer(NEW_REFERRALS_MAIL)
def render_referrals(session: Session, message: MailMessage, now: dt.datetime) -> Rendered:
    """ "New referral(s) to <listing>" or, once reminded, "Waiting: ..."; skipped when all
    its referrals were acknowledged meanwhile."""
    payload = message.payload
    service = session.get(Service, payload["service_id"])
    if service is None:
        return Rendered(skip="listing deleted")
    waiting = [
        r for code in payload["codes"] if (r := session.get(Referral, code)) and r.status == "new"
    ]
    if not waiting:
        return Rendered(skip="acknowledged since it was queued")
    reminder = any(r.reminded_at is not None for r in waiting)
    base = (payload.get("base_url") or DEFAULT_BASE_URL).rstrip("/")
    link = f"{base}/account/"
    codes = [display_code(r.code) for r in waiting]
    word = "referral" if len(codes) == 1 else "referrals"
    subject = (
        f"Waiting for you: {len(codes)} {word} to “{service.name}”"
        if reminder
        else f"New {word} to “{service.name}”"
    )
    intro = (
        f"A link worker referred someone to “{service.name}”. They will bring or quote the "
        "code below; nobody's name or details are sent."
        if len(codes) == 1
        else f"Link workers referred {len(codes)} people to “{service.name}”. Each will bring "
        "or quote one code below; nobody's name or details are sent."
    )
    ask = "Please mark each one contacted, then how it went, on your account page:"
    text = "\n".join([intro, "", *codes, "", ask, link, ""])
    html = (
        f"<!doctype html><html><body><p>{escape(intro)}</p><ul>"
        + "".join(f"<li><code>{escape(c)}</code></li>" for c in codes)
        + f'</ul><p>{escape(ask)} <a href="{escape(link)}">{escape(link)}</a></p></body></html>'
    )
    return Rendered(subject, text, html, headers={"X-Signpost-Referrals": str(len(codes))})
