"""The mail queue: queue in the caller's transaction, send later, exactly once.

A queued message names a *kind* and a JSON payload, and its renderer (registered with
`renderer`) builds the subject and bodies when it is sent, inside the sending
transaction: a review reminder's one-use token is made then, so only its hash is ever
stored. Sending claims a message (status "sending", with a lease) in a committed
transaction before talking to the server, so two workers never send one message; it is
marked "sent" (and its address erased) right after the server accepts it. A failure
puts it back with a growing delay; after MAX_ATTEMPTS, or a permanent refusal, it is
"failed" and stays visible in `/healthz` and `signpost mail status`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import smtplib
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from app.mail.settings import MailSettings
from app.mail.transport import PermanentFailure, Transport
from app.models import new_id
from app.models.mail import MailMessage, MailSuppression

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
FIRST_RETRY = dt.timedelta(minutes=5)
LONGEST_RETRY = dt.timedelta(hours=6)
LEASE = dt.timedelta(minutes=10)
MESSAGE_ID_DOMAIN = "signpost.invalid"


@dataclass
class Rendered:
    """What a renderer returns; `skip` (with a reason) when the message is moot now, e.g.
    the listing was confirmed between queueing and sending."""

    subject: str = ""
    text: str = ""
    html: str = ""
    unsubscribe_url: str | None = None
    skip: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


Renderer = Callable[[Session, MailMessage, dt.datetime], Rendered]
RENDERERS: dict[str, Renderer] = {}


def renderer(kind: str) -> Callable[[Renderer], Renderer]:
    def register(function: Renderer) -> Renderer:
        RENDERERS[kind] = function
        return function

    return register


@renderer("plain")
def render_plain(_session: Session, message: MailMessage, _now: dt.datetime) -> Rendered:
    """A message whose text is in its payload (nothing secret in it)."""
    p = message.payload
    return Rendered(p["subject"], p["text"], p["html"], p.get("unsubscribe_url"))


def address_hash(address: str) -> str:
    return hashlib.sha256(address.strip().lower().encode()).hexdigest()


def is_suppressed(session: Session, address: str) -> bool:
    return session.get(MailSuppression, address_hash(address)) is not None


def suppress(session: Session, address: str, now: dt.datetime) -> None:
    """No more mail to this address (an unsubscribe); keeps only the address's hash."""
    suppress_hash(session, address_hash(address), now)


def suppress_hash(session: Session, hashed: str, now: dt.datetime) -> None:
    """The same, for an unsubscribe link, which knows only the address's hash."""
    if session.get(MailSuppression, hashed) is None:
        session.add(MailSuppression(address_hash=hashed, created_at=now))
        session.flush()


def queue_message(
    session: Session, to: str, kind: str, payload: dict[str, Any], now: dt.datetime
) -> MailMessage | None:
    """Queue one message (None when the address unsubscribed); sent by `send_due`."""
    if kind not in RENDERERS:
        raise ValueError(f"no mail renderer for kind '{kind}'")
    if is_suppressed(session, to):
        return None
    row = MailMessage(
        id=new_id(), kind=kind, payload=payload, to_address=to.strip(), status="queued",
        attempts=0, created_at=now, next_attempt_at=now,
    )  # fmt: skip
    session.add(row)
    return row


def build_message(
    settings: MailSettings, message: MailMessage, rendered: Rendered, now: dt.datetime
) -> EmailMessage:
    """Plain text first, HTML as the alternative; a stable Message-ID (the row's id), so a
    server that sees one twice can tell; List-Unsubscribe when there is a way out."""
    email = EmailMessage()
    email["From"] = settings.sender
    email["To"] = message.to_address or ""
    email["Subject"] = rendered.subject
    email["Date"] = format_datetime(now)
    email["Message-ID"] = f"<{message.id}@{MESSAGE_ID_DOMAIN}>"
    email["Auto-Submitted"] = "auto-generated"
    if rendered.unsubscribe_url:
        email["List-Unsubscribe"] = f"<{rendered.unsubscribe_url}>"
        email["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    for name, value in rendered.headers.items():
        email[name] = value
    email.set_content(rendered.text)
    email.add_alternative(rendered.html, subtype="html")
    return email


@dataclass
class SendReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"Sent {self.sent} message{'s' * (self.sent != 1)}"]
        if self.retrying:
            parts.append(f"{self.retrying} kept queued to retry")
        if self.failed:
            parts.append(f"{self.failed} failed for good")
        if self.skipped:
            parts.append(f"{self.skipped} no longer needed")
        return ", ".join(parts) + "."


def retry_delay(attempts: int) -> dt.timedelta:
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_RETRY)


def claim(session_factory: sessionmaker[Session], now: dt.datetime, limit: int) -> list[str]:
    """Ids of due messages this worker now holds (committed, so no other worker sends
    them); a "sending" message whose lease ran out (a worker died) is due again."""
    with session_factory() as session, session.begin():
        due = list(
            session.scalars(
                select(MailMessage.id)
                .where(
                    ((MailMessage.status == "queued") & (MailMessage.next_attempt_at <= now))
                    | ((MailMessage.status == "sending") & (MailMessage.claimed_until < now))
                )
                .order_by(MailMessage.next_attempt_at, MailMessage.id)
                .limit(limit)
            )
        )
        held = []
        for message_id in due:
            result = session.execute(
                update(MailMessage)
                .where(
                    MailMessage.id == message_id,
                    ((MailMessage.status == "queued") | (MailMessage.claimed_until < now)),
                )
                .values(status="sending", claimed_until=now + LEASE)
            )
            if result.rowcount == 1:
                held.append(message_id)
    return held


def send_due(
    session_factory: sessionmaker[Session],
    transport: Transport,
    settings: MailSettings,
    now: dt.datetime | None = None,
    limit: int = 500,
) -> SendReport:
    """Send what is due, one transaction per message; never raises for a server's fault."""
    now = now or dt.datetime.now(dt.UTC)
    report = SendReport()
    for message_id in claim(session_factory, now, limit):
        with session_factory() as session:
            outcome = send_one(session, message_id, transport, settings, now)
            if outcome == "sent" or outcome == "skipped":
                session.commit()
                setattr(report, outcome, getattr(report, outcome) + 1)
                continue
            session.rollback()  # drop what the renderer made: its tokens were never sent
        if outcome is None:
            continue
        permanent, error = isinstance(outcome, PermanentFailure), describe(outcome)
        if fail(session_factory, message_id, error, now, permanent=permanent):
            report.failed += 1
        else:
            report.retrying += 1
        report.errors.append(error)
    if report.errors:
        # The reason only: addresses never go to the logs.
        log.warning("mail: %s (last error: %s)", report.summary(), report.errors[-1])
    return report


def send_one(
    session: Session,
    message_id: str,
    transport: Transport,
    settings: MailSettings,
    now: dt.datetime,
) -> str | Exception | None:
    """ "sent", "skipped", the exception the server raised, or None (not ours any more)."""
    message = session.get(MailMessage, message_id)
    if message is None or message.status != "sending":
        return None
    rendered = RENDERERS[message.kind](session, message, now)
    if rendered.skip:
        finish(message, "sent", now, rendered.skip)
        return "skipped"
    try:
        transport.send(build_message(settings, message, rendered, now))
    except (PermanentFailure, smtplib.SMTPException, OSError) as exc:
        return exc
    message.attempts += 1
    finish(message, "sent", now)
    return "sent"


def describe(exc: Exception) -> str:
    return str(exc) if isinstance(exc, PermanentFailure) else f"{type(exc).__name__}: {exc}"


def finish(message: MailMessage, status: str, now: dt.datetime, note: str | None = None) -> None:
    message.status = status
    message.sent_at = now
    message.claimed_until = None
    message.last_error = note
    message.to_address = None  # used to send; not kept afterwards


def fail(
    session_factory: sessionmaker[Session],
    message_id: str,
    error: str,
    now: dt.datetime,
    permanent: bool = False,
) -> bool:
    """Record a failed attempt; True when the message has now failed for good."""
    with session_factory() as session, session.begin():
        message = session.get(MailMessage, message_id)
        if message is None:
            return False
        message.attempts += 1
        message.last_error = error[:500]
        message.claimed_until = None
        if permanent or message.attempts >= MAX_ATTEMPTS:
            message.status = "failed"
            message.to_address = None
            return True
        message.status = "queued"
        message.next_attempt_at = now + retry_delay(message.attempts)
        return False


@dataclass
class Backlog:
    queued: int
    failed: int
    oldest_queued_at: dt.datetime | None


def backlog(session: Session) -> Backlog:
    """Messages not yet sent (queued or being sent), failed ones, the oldest waiting."""
    waiting = MailMessage.status.in_(("queued", "sending"))
    queued, oldest = session.execute(
        select(func.count(), func.min(MailMessage.created_at)).where(waiting)
    ).one()
    failed = session.scalar(select(func.count()).where(MailMessage.status == "failed"))
    if isinstance(oldest, dt.datetime) and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=dt.UTC)
    return Backlog(int(queued), int(failed or 0), oldest)
