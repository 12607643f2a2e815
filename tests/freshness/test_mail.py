"""Outgoing mail: queued in the database, sent by `signpost mail send` to a real SMTP
server (aiosmtpd, in-process) or written to instance/outbox/, retried through an outage,
sent once."""

from __future__ import annotations

import datetime as dt
import socket

import pytest

from app import create_app
from app.mail import MailConfigError, parse_mail_settings
from app.mail.queue import backlog, queue_message, send_due
from app.mail.transport import OutboxTransport, SmtpTransport
from app.models.mail import MailMessage

NOW = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)


def plain(session, to="ann@example.org", now=NOW):
    payload = {
        "subject": "Hello",
        "text": "Plain words.\n",
        "html": "<p>Plain <em>words</em>.</p>",
        "unsubscribe_url": "https://signpost.example/review/abc/unsubscribe",
    }
    message = queue_message(session, to, "plain", payload, now)
    session.commit()
    return message


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens once closed


def test_a_queued_message_reaches_the_smtp_server_with_text_html_and_unsubscribe(
    session, session_factory, smtp_server, settings
):
    message = plain(session)
    report = send_due(session_factory, SmtpTransport(settings), settings, NOW)
    assert report.sent == 1
    [(rcpt, received)] = smtp_server.messages
    assert rcpt == ["ann@example.org"]
    assert received["From"] == "Signpost <listings@signpost.example>"
    assert received["Subject"] == "Hello"
    assert received["List-Unsubscribe"] == "<https://signpost.example/review/abc/unsubscribe>"
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert received.get_content_type() == "multipart/alternative"
    assert received.get_body(("plain",)).get_content().replace("\r\n", "\n") == "Plain words.\n"
    assert "<em>words</em>" in received.get_body(("html",)).get_content()
    assert received["Message-ID"] == f"<{message.id}@signpost.invalid>"


def test_a_sent_message_is_not_sent_again_and_its_address_is_not_kept(
    session, session_factory, smtp_server, settings
):
    message = plain(session)
    send_due(session_factory, SmtpTransport(settings), settings, NOW)
    again = send_due(session_factory, SmtpTransport(settings), settings, NOW + dt.timedelta(1))
    assert again.sent == 0
    assert len(smtp_server.messages) == 1
    session.expire_all()
    row = session.get(MailMessage, message.id)
    assert (row.status, row.to_address, row.sent_at) == ("sent", None, NOW)


def test_credentials_in_the_url_sign_in_to_the_server(session, session_factory, smtp_server):
    settings = parse_mail_settings(
        f"smtp://listings%40signpost.example:s3cret@127.0.0.1:{smtp_server.port}",
        "listings@signpost.example",
    )
    plain(session)
    assert send_due(session_factory, SmtpTransport(settings), settings, NOW).sent == 1
    assert smtp_server.logins == [("listings@signpost.example", "s3cret")]


def test_a_mail_server_outage_keeps_the_message_queued_and_it_goes_once_it_is_back(
    app, client, session, session_factory, smtp_server, settings
):
    plain(session)
    down = parse_mail_settings(f"smtp://127.0.0.1:{closed_port()}", settings.sender)
    report = send_due(session_factory, SmtpTransport(down), down, NOW)
    assert (report.sent, report.retrying) == (0, 1)
    assert "ConnectionRefusedError" in report.errors[0]
    health = client.get("/healthz").get_json()
    assert health["mail_queued"] == 1
    assert health["mail_failed"] == 0
    # Not yet due again: the retry waits.
    assert send_due(session_factory, SmtpTransport(settings), settings, NOW).sent == 0
    later = NOW + dt.timedelta(minutes=5)
    assert send_due(session_factory, SmtpTransport(settings), settings, later).sent == 1
    assert send_due(session_factory, SmtpTransport(settings), settings, later).sent == 0
    assert len(smtp_server.messages) == 1
    assert client.get("/healthz").get_json()["mail_queued"] == 0


def test_a_message_the_server_keeps_refusing_fails_for_good_after_its_attempts(
    session, session_factory, settings
):
    message = plain(session)
    down = parse_mail_settings(f"smtp://127.0.0.1:{closed_port()}", settings.sender)
    moment = NOW
    for _attempt in range(8):
        send_due(session_factory, SmtpTransport(down), down, moment)
        moment += dt.timedelta(hours=7)
    session.expire_all()
    row = session.get(MailMessage, message.id)
    assert (row.status, row.attempts, row.to_address) == ("failed", 8, None)
    assert backlog(session).failed == 1


def test_without_an_smtp_url_mail_is_written_to_the_outbox_and_the_command_says_where(
    app, runner, session, tmp_path
):
    app.instance_path = str(tmp_path)
    plain(session, now=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1))
    result = runner.invoke(["mail", "send"])
    assert result.exit_code == 0, result.output
    assert "Sent 1 message." in result.output
    assert f"written as .eml files to {tmp_path / 'outbox'}/" in result.output
    [eml] = (tmp_path / "outbox").glob("*.eml")
    assert b"Subject: Hello" in eml.read_bytes()
    assert "ann@example.org" not in result.output


def test_the_outbox_writes_one_file_per_message(session, session_factory, tmp_path):
    settings = parse_mail_settings("", "")
    plain(session, "a@example.org")
    plain(session, "b@example.org")
    assert send_due(session_factory, OutboxTransport(tmp_path), settings, NOW).sent == 2
    assert len(list(tmp_path.glob("*.eml"))) == 2


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("http://mail.example.org", "must start with smtp:// or smtps://"),
        ("smtp://mail.example.org:99999", "malformed"),
        ("smtp://", "names no mail server host"),
        ("smtp://user@mail.example.org", "user name but no password"),
        ("smtp://u:p@mail.example.org?starttls=off", "password unencrypted"),
        ("smtp://mail.example.org?starttls=maybe", "starttls must be one of"),
    ],
)
def test_a_malformed_smtp_url_stops_start_up_with_a_clear_message(url, says):
    with pytest.raises(MailConfigError, match=says):
        create_app({"SIGNPOST_SMTP_URL": url, "SIGNPOST_MAIL_FROM": "a@example.org"})


def test_an_smtp_url_needs_a_sender_address():
    with pytest.raises(MailConfigError, match="SIGNPOST_MAIL_FROM must be set"):
        parse_mail_settings("smtps://u:p@mail.example.org")
    assert parse_mail_settings("smtps://u:p@mail.example.org", "a@example.org").port == 465


def test_the_signpost_command_prints_the_setting_problem_not_a_traceback(monkeypatch, capsys):
    from app.cli import main

    monkeypatch.setenv("SIGNPOST_SMTP_URL", "smtp://mail.example.org:notaport")
    monkeypatch.setattr("sys.argv", ["signpost", "mail", "status"])
    with pytest.raises(SystemExit) as stopped:
        main()
    assert str(stopped.value).startswith("Error: SIGNPOST_SMTP_URL is malformed")


def test_mail_holds_nothing_that_tracks_the_reader(session, session_factory, smtp_server, settings):
    plain(session)
    send_due(session_factory, SmtpTransport(settings), settings, NOW)
    [(_rcpt, received)] = smtp_server.messages
    html = received.get_body(("html",)).get_content()
    assert "<img" not in html


def test_mail_status_shows_the_backlog_without_addresses(runner, session):
    plain(session)
    result = runner.invoke(["mail", "status"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("1 queued (oldest 2026-12-07 09:00 UTC), 0 failed.")
    assert "ann@example.org" not in result.output


def test_two_workers_never_hold_the_same_message(session, session_factory):
    from app.mail.queue import LEASE, claim

    message = plain(session)
    assert claim(session_factory, NOW, 10) == [message.id]
    assert claim(session_factory, NOW, 10) == []  # the second worker finds nothing
    # A worker that died mid-send: after its lease the message is due again.
    assert claim(session_factory, NOW + LEASE + dt.timedelta(seconds=1), 10) == [message.id]
