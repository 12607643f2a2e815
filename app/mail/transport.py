"""Handing a built message to the world: an SMTP server, or the outbox folder."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

from app.mail.settings import MailSettings, is_loopback

OUTBOX = "outbox"


class Transport(Protocol):
    def send(self, message: EmailMessage) -> None: ...


class PermanentFailure(Exception):
    """The server refused the message for good (a 5xx): retrying will not help."""


class SmtpTransport:
    """One connection per call: the worker sends in small batches, minutes apart."""

    def __init__(self, settings: MailSettings) -> None:
        self.settings = settings

    def send(self, message: EmailMessage) -> None:
        s = self.settings
        context = ssl.create_default_context()
        try:
            if s.scheme == "smtps":
                client: smtplib.SMTP = smtplib.SMTP_SSL(
                    s.host or "", s.port or 465, timeout=s.timeout, context=context
                )
            else:
                client = smtplib.SMTP(s.host or "", s.port or 587, timeout=s.timeout)
            with client:
                client.ehlo()
                if s.scheme == "smtp" and s.starttls != "off":
                    offered = client.has_extn("starttls")
                    must = s.starttls == "required" or (
                        s.username is not None and not is_loopback(s.host or "")
                    )
                    if offered:
                        client.starttls(context=context)
                        client.ehlo()
                    elif must:
                        raise smtplib.SMTPNotSupportedError(
                            f"{s.host} does not offer STARTTLS; not sending the password in clear"
                        )
                if s.username is not None:
                    client.login(s.username, s.password or "")
                client.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _text in exc.recipients.values()]
            if all(500 <= code < 600 for code in codes):
                raise PermanentFailure(f"recipient refused ({codes[0]})") from exc
            raise
        except smtplib.SMTPDataError as exc:
            if 500 <= exc.smtp_code < 600:
                raise PermanentFailure(f"message refused ({exc.smtp_code})") from exc
            raise


class OutboxTransport:
    """The embedded default: each message becomes `<Message-ID>.eml` in the folder, to be
    opened in any mail program (nothing is sent)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def send(self, message: EmailMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        stem = (message["Message-ID"] or "message").strip("<>").split("@")[0]
        path = self.folder / f"{stem}.eml"
        temporary = path.with_suffix(".tmp")
        temporary.write_bytes(bytes(message))
        temporary.replace(path)


def transport_for(settings: MailSettings, instance_path: str | Path) -> Transport:
    if settings.uses_outbox:
        return OutboxTransport(Path(instance_path) / OUTBOX)
    return SmtpTransport(settings)
