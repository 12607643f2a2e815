"""Outgoing mail: a queue in the database and a worker that sends it.

Code that wants a message sent queues it (`queue_message`) in its own transaction; the
worker `signpost mail send` (cron, every few minutes) renders and sends what is due, with
retries, so a mail server outage loses nothing. With `SIGNPOST_SMTP_URL` set messages go
to that server (smtp:// with STARTTLS, or smtps://, with credentials); with none set (the
embedded default) each message is written as an `.eml` file to `instance/outbox/`.
Messages carry plain-text and HTML bodies and `List-Unsubscribe`, and nothing that
tracks the reader (no images, no redirecting links).
"""

from __future__ import annotations

from flask import Flask

from app.mail.settings import MailConfigError, MailSettings, parse_mail_settings

__all__ = ["MailConfigError", "MailSettings", "init_mail", "parse_mail_settings"]


def init_mail(app: Flask) -> None:
    """Check the mail settings at start-up: a malformed SMTP URL stops the app here, with a
    sentence naming the problem, rather than when the first reminder is due."""
    app.extensions["signpost_mail"] = parse_mail_settings(
        str(app.config.get("SIGNPOST_SMTP_URL") or ""),
        str(app.config.get("SIGNPOST_MAIL_FROM") or ""),
    )
