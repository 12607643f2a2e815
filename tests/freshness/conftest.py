"""A real SMTP server in-process (aiosmtpd) and listings nobody has looked at for years.

`smtp_server` listens on a free local port and keeps what it receives (envelope and
parsed message); `mail_app` is the test app configured to send to it. `stale` backdates
every sample listing to 2020, so the review cycle finds them all due.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import re
import socket
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from sqlalchemy import update

from app.auth import passwords
from app.auth.accounts import create_account, link_organization
from app.mail import parse_mail_settings
from app.models import Service

CAMDEN = "2f2989ea-f362-5217-b9f4-9a35669b326a"  # Camden Health Walks: public email, two walks
ISLINGTON = "9df4fc5e-cf8e-5fc3-9538-82a7fac4a189"  # Islington Mind: no public email
HEATH_WALK = "87d846e3-3283-5ca3-a5c3-17296fa95d8c"  # Camden's
KNIT = "ddf04c75-7e66-5ca0-b971-05abd64292fa"  # Islington's
CAMDEN_PUBLIC = "hello@camdenhealthwalks.example.org"
SAM = "sam@islingtonmind.example.org"
LONG_AGO = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
LINK = re.compile(r"https?://\S+/review/([\w-]+)/(\w+)")


@dataclass
class Inbox:
    messages: list = field(default_factory=list)
    logins: list = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        self.messages.append((envelope.rcpt_tos, parsed))
        return "250 Message accepted"

    def to(self, address: str) -> list:
        return [message for rcpt, message in self.messages if address in rcpt]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    inbox = Inbox()

    def authenticator(server, session, envelope, mechanism, auth_data):
        inbox.logins.append((auth_data.login.decode(), auth_data.password.decode()))
        return AuthResult(success=auth_data.password == b"s3cret")

    controller = Controller(
        inbox, hostname="127.0.0.1", port=free_port(), authenticator=authenticator,
        auth_require_tls=False,
    )  # fmt: skip
    controller.start()
    inbox.url = f"smtp://127.0.0.1:{controller.port}"
    inbox.port = controller.port
    yield inbox
    controller.stop()


@pytest.fixture
def settings(smtp_server):
    return parse_mail_settings(smtp_server.url, "Signpost <listings@signpost.example>")


@pytest.fixture(autouse=True)
def fast_passwords(monkeypatch):
    monkeypatch.setattr(passwords, "SCRYPT_N", 2**10)


@pytest.fixture
def stale(session, sample):
    """Every sample listing last changed in 2020 and never confirmed."""
    session.execute(update(Service).values(last_modified=LONG_AGO, assured_date=None))
    session.commit()
    return sample


@pytest.fixture
def sam(session, stale):
    """Islington Mind's editor (the organisation has no public email)."""
    account = create_account(session, SAM, "editor", "correct horse battery", trusted=True)
    link_organization(session, account, ISLINGTON)
    session.commit()
    return account


@pytest.fixture
def browser(app):
    app.config["SESSION_COOKIE_SECURE"] = False  # the test client talks plain http
    return app.test_client()


def links_in(message) -> dict[str, str]:
    """action -> token, from the plain-text body of a reminder."""
    text = message.get_body(("plain",)).get_content()
    return {action: token for token, action in LINK.findall(text)}
