"""Sharing a shortlist by email: sent through the mail queue to an address typed once,
which is never stored (no table holds it afterwards) nor logged."""

from __future__ import annotations

import logging
import re

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import inspect, select, text

from app.models.mail import MailMessage
from tests.freshness.conftest import Inbox, free_port
from tests.web.conftest import HAMPSTEAD_WALK, KNIT_AND_NATTER

ADDRESS = "pat.patient@example.net"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def smtp_server():
    """A real SMTP server in-process (as tests/freshness/conftest.py's), no sign-in."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    inbox.url = f"smtp://127.0.0.1:{controller.port}"
    yield inbox
    controller.stop()


@pytest.fixture
def smtp_app(app, smtp_server):
    from app.mail import parse_mail_settings

    app.config["SESSION_COOKIE_SECURE"] = False
    app.extensions["signpost_mail"] = parse_mail_settings(
        smtp_server.url,
        "Signpost <listings@signpost.example>",
    )
    return app


def share(client, ids: str, address: str = ADDRESS):
    html = client.get(f"/prescription?ids={ids}").get_data(as_text=True)
    token = TOKEN.search(html).group(1)
    return client.post(
        "/prescription/share", data={"csrf_token": token, "ids": ids, "email": address}
    )


def logged_address(caplog) -> list[str]:
    """Our log lines that name the address (the test SMTP server's own, "mail.log",
    stands for the recipient's mail system and is left out)."""
    return [
        record.getMessage()
        for record in caplog.records
        if not record.name.startswith("mail.log") and "patient" in record.getMessage().lower()
    ]


def every_text_value(session) -> list[str]:
    """Every text value in every table of the database."""
    values = []
    for table in inspect(session.get_bind()).get_table_names():
        if table.startswith(("service_search", "location_rtree", "sqlite_", "spatial_")):
            continue
        for row in session.execute(text(f'SELECT * FROM "{table}"')):
            values += [str(value) for value in row if value is not None]
    return values


def test_the_shortlist_is_sent_and_the_address_is_kept_nowhere(
    smtp_app, client, session, directory, smtp_server, caplog
):
    caplog.set_level(logging.DEBUG)
    response = share(client, f"{KNIT_AND_NATTER},{HAMPSTEAD_WALK}")
    assert response.status_code == 200
    assert "on their way by email" in response.get_data(as_text=True)
    (message,) = smtp_server.to(ADDRESS)
    body = message.get_body(("plain",)).get_content()
    assert body.index("Knit and Natter") < body.index("Hampstead Heath Health Walk")
    assert f"/service/{HAMPSTEAD_WALK}" in body
    # Through the queue, finished, with its address erased.
    row = session.scalar(select(MailMessage).where(MailMessage.kind == "shortlist"))
    assert (row.status, row.to_address) == ("sent", None)
    session.expire_all()
    assert not [v for v in every_text_value(session) if "patient" in v.lower()]
    assert not logged_address(caplog)


def test_a_bad_address_is_refused_next_to_the_field(smtp_app, client, directory, smtp_server):
    response = share(client, KNIT_AND_NATTER, "pat at example")
    assert response.status_code == 422
    assert "Enter an email address like name@example.org." in response.get_data(as_text=True)
    assert smtp_server.messages == []


def test_without_the_pages_token_nothing_is_sent(smtp_app, client, directory, smtp_server):
    response = client.post("/prescription/share", data={"ids": KNIT_AND_NATTER, "email": ADDRESS})
    assert response.status_code == 400
    assert smtp_server.messages == []


def test_when_the_server_is_down_nothing_is_kept_to_retry(app, client, session, directory, caplog):
    from app.mail import parse_mail_settings

    app.config["SESSION_COOKIE_SECURE"] = False
    app.extensions["signpost_mail"] = parse_mail_settings(
        f"smtp://127.0.0.1:{free_port()}", "Signpost <listings@signpost.example>"
    )
    response = share(client, KNIT_AND_NATTER)
    assert response.status_code == 503
    assert "could not send the email" in response.get_data(as_text=True)
    session.expire_all()
    assert not [v for v in every_text_value(session) if "patient" in v.lower()]
    assert not logged_address(caplog)
