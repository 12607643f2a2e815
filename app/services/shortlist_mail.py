"""A shortlist sent by email (kind "shortlist"): the chosen activities, to an address a
link worker types once on the prescription page.

The address is used to send and never kept: the message is queued and sent within the
same request (`send_shortlist`), and the queue erases the address as it finishes the
message, sent or not; it is never logged. The payload holds only service IDs.
"""

from __future__ import annotations

import datetime as dt
from html import escape

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.mail.queue import LEASE, Rendered, finish, queue_message, renderer, send_one
from app.mail.settings import MailSettings
from app.mail.transport import Transport
from app.models import Service
from app.models.mail import MailMessage
from app.services.paging import in_order

SHORTLIST_MAIL = "shortlist"
MAX_ITEMS = 20


@renderer(SHORTLIST_MAIL)
def render_shortlist(session: Session, message: MailMessage, _now: dt.datetime) -> Rendered:
    ids = list(message.payload.get("ids", []))[:MAX_ITEMS]
    base = str(message.payload.get("base_url") or "").rstrip("/")
    rows = session.scalars(select(Service).where(Service.id.in_(ids), Service.status == "active"))
    services = in_order(list(rows), ids)
    if not services:
        return Rendered(skip="none of the activities is listed any more")
    link = f"{base}/prescription?ids={','.join(s.id for s in services)}"
    lines = ["Activities chosen for you, from Signpost:", ""]
    items = []
    for service in services:
        url = f"{base}/service/{service.id}"
        lines += [f"- {service.name}", f"  {url}"]
        items.append(f'<li><a href="{escape(url)}">{escape(service.name)}</a></li>')
    lines += ["", f"All of them on one page: {link}"]
    html = (
        "<p>Activities chosen for you, from Signpost:</p><ul>" + "".join(items) + "</ul>"
        f'<p><a href="{escape(link)}">All of them on one page</a></p>'
    )
    return Rendered("Activities chosen for you", "\n".join(lines) + "\n", html)


def send_shortlist(
    session: Session,
    transport: Transport,
    settings: MailSettings,
    address: str,
    ids: list[str],
    base_url: str,
    now: dt.datetime,
) -> bool:
    """Queue the shortlist for `address` and send it now, in the request's own session
    (on SQLite a second writer would wait for its lock); True when the server took it.
    Whatever happens the message ends finished, so its address is erased at once: a
    failure is not retried later, as that would keep the address."""
    payload = {"ids": ids[:MAX_ITEMS], "base_url": base_url}
    row = queue_message(session, address, SHORTLIST_MAIL, payload, now)
    if row is None:
        session.rollback()
        return False  # the address unsubscribed from Signpost's mail
    row.status, row.claimed_until = "sending", now + LEASE  # held: no worker sends it
    message_id = row.id
    session.commit()
    outcome = send_one(session, message_id, transport, settings, now)
    if outcome in ("sent", "skipped"):
        session.commit()
        return outcome == "sent"
    session.rollback()
    message = session.get(MailMessage, message_id)
    if message is not None:
        finish(message, "failed", now, "not sent; a shortlist is never retried")
    session.commit()
    return False
