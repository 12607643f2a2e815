"""`SIGNPOST_SMTP_URL` and `SIGNPOST_MAIL_FROM`, parsed once at start-up.

    smtp://user:password@mail.example.org:587   STARTTLS (required when credentials are
                                                 sent to anything but this machine)
    smtps://user:password@mail.example.org:465  TLS from the first byte
    smtp://localhost:25?starttls=off             a local relay, no TLS

User name and password are percent-decoded (`%40` for an @ in a user name).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from email.headerregistry import Address
from email.utils import parseaddr
from urllib.parse import parse_qs, unquote, urlsplit

DEFAULT_SENDER = "Signpost <signpost@localhost>"
STARTTLS_CHOICES = ("auto", "required", "off")


class MailConfigError(ValueError):
    """A mail setting that cannot work; the message names the setting and the fix."""


@dataclass(frozen=True)
class MailSettings:
    sender: str
    scheme: str | None = None  # None: write .eml files to the outbox
    host: str | None = None
    port: int | None = None
    username: str | None = None
    password: str | None = None
    starttls: str = "auto"
    timeout: float = 30.0

    @property
    def uses_outbox(self) -> bool:
        return self.scheme is None

    def describe(self) -> str:
        """Where mail goes, without the password (for the CLI)."""
        if self.uses_outbox:
            return "the outbox folder"
        return f"{self.scheme}://{self.host}:{self.port}"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def parse_sender(value: str) -> str:
    name, address = parseaddr(value)
    if not address or "@" not in address:
        raise MailConfigError(
            f"SIGNPOST_MAIL_FROM is not an email address: {value!r} "
            "(use e.g. 'Signpost <listings@example.org>')."
        )
    try:
        return str(Address(display_name=name, addr_spec=address))
    except (ValueError, IndexError) as exc:
        raise MailConfigError(f"SIGNPOST_MAIL_FROM is not an email address: {value!r}.") from exc


def parse_mail_settings(url: str, sender: str = "") -> MailSettings:
    """The settings, or MailConfigError with a sentence saying what is wrong."""
    url = url.strip()
    sender_text = parse_sender(sender.strip()) if sender.strip() else None
    if not url:
        return MailSettings(sender=sender_text or DEFAULT_SENDER)
    hint = "use smtp://user:password@host:587 or smtps://user:password@host:465"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise MailConfigError(f"SIGNPOST_SMTP_URL is malformed ({exc}): {hint}.") from exc
    if parts.scheme not in ("smtp", "smtps"):
        raise MailConfigError(
            f"SIGNPOST_SMTP_URL must start with smtp:// or smtps://, not "
            f"'{parts.scheme or url}': {hint}."
        )
    if not parts.hostname:
        raise MailConfigError(f"SIGNPOST_SMTP_URL names no mail server host: {hint}.")
    if parts.path not in ("", "/"):
        raise MailConfigError(f"SIGNPOST_SMTP_URL has a path ('{parts.path}'); {hint}.")
    options = parse_qs(parts.query)
    unknown = sorted(set(options) - {"starttls", "timeout"})
    if unknown:
        raise MailConfigError(f"SIGNPOST_SMTP_URL has unknown options: {', '.join(unknown)}.")
    starttls = options.get("starttls", ["auto"])[-1]
    if starttls not in STARTTLS_CHOICES:
        raise MailConfigError(
            f"SIGNPOST_SMTP_URL's starttls must be one of {', '.join(STARTTLS_CHOICES)}."
        )
    try:
        timeout = float(options.get("timeout", ["30"])[-1])
    except ValueError as exc:
        raise MailConfigError("SIGNPOST_SMTP_URL's timeout must be a number of seconds.") from exc
    if parts.scheme == "smtps" and starttls != "auto":
        raise MailConfigError("SIGNPOST_SMTP_URL: smtps:// is TLS already; drop starttls.")
    username = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password is not None else None
    if username and password is None:
        raise MailConfigError("SIGNPOST_SMTP_URL has a user name but no password.")
    if (
        username
        and parts.scheme == "smtp"
        and starttls == "off"
        and not is_loopback(parts.hostname)
    ):
        raise MailConfigError(
            "SIGNPOST_SMTP_URL would send the password unencrypted (starttls=off to "
            f"{parts.hostname}); use STARTTLS or smtps://."
        )
    if sender_text is None:
        raise MailConfigError(
            "SIGNPOST_MAIL_FROM must be set when SIGNPOST_SMTP_URL is: the address reminders "
            "come from, e.g. 'Signpost <listings@example.org>'."
        )
    return MailSettings(
        sender=sender_text,
        scheme=parts.scheme,
        host=parts.hostname,
        port=port or (465 if parts.scheme == "smtps" else 587),
        username=username,
        password=password,
        starttls=starttls,
        timeout=timeout,
    )
