"""`signpost mail` (the queue's worker) and `signpost freshness` (the review cycle).

Both are cron jobs (see deploy/): `freshness run` daily queues the reminders that are
due; `mail send` every few minutes sends what is queued, retrying what failed. Output
names counts and where mail went, never an address.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from app.config import whole_number
from app.db import get_db
from app.mail.queue import backlog, send_due
from app.mail.settings import MailSettings
from app.mail.transport import OUTBOX, transport_for
from app.services.capacity import refresh_capacity
from app.services.freshness import REVIEW_MONTHS, run_review


def mail_settings() -> MailSettings:
    return current_app.extensions["signpost_mail"]


def parse_now(value: str | None) -> dt.datetime:
    """--now for catching up or rehearsing a date; default the current time."""
    if not value:
        return dt.datetime.now(dt.UTC)
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter("use an ISO date, e.g. 2027-01-31", param_hint="--now") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


@click.group(cls=AppGroup)
def mail() -> None:
    """Outgoing mail: send the queue (cron), see the backlog."""


@mail.command("send")
@click.option("--limit", default=500, show_default=True, help="Most messages in one run.")
def mail_send(limit: int) -> None:
    """Send queued mail that is due; a failure stays queued and is retried later."""
    settings = mail_settings()
    transport = transport_for(settings, current_app.instance_path)
    report = send_due(get_db().sessionmaker, transport, settings, limit=limit)
    click.echo(report.summary())
    if settings.uses_outbox:
        folder = Path(current_app.instance_path) / OUTBOX
        click.echo(f"No SIGNPOST_SMTP_URL set: messages were written as .eml files to {folder}/")
    else:
        click.echo(f"Mail server: {settings.describe()}")
    for error in report.errors[-3:]:
        click.echo(f"  {error}", err=True)


@mail.command("status")
def mail_status() -> None:
    """How many messages wait to be sent, and how many failed for good."""
    session = get_db().sessionmaker()
    try:
        waiting = backlog(session)
    finally:
        session.close()
    oldest = f" (oldest {waiting.oldest_queued_at:%Y-%m-%d %H:%M} UTC)" if waiting.queued else ""
    click.echo(f"{waiting.queued} queued{oldest}, {waiting.failed} failed.")


@click.group(cls=AppGroup)
def freshness() -> None:
    """The review cycle: remind editors of listings nobody has confirmed."""


@freshness.command("run")
@click.option(
    "--months", type=int, help=f"Months without confirmation (default SIGNPOST_REVIEW_MONTHS, "
    f"else {REVIEW_MONTHS})."
)  # fmt: skip
@click.option("--now", "now_text", help="Run as of this ISO date (default: now).")
def freshness_run(months: int | None, now_text: str | None) -> None:
    """Queue today's reminders (daily cron); `signpost mail send` sends them."""
    configured = current_app.config.get("SIGNPOST_REVIEW_MONTHS") or REVIEW_MONTHS
    try:
        months = months if months is not None else int(configured)
    except ValueError as exc:
        raise click.ClickException("SIGNPOST_REVIEW_MONTHS must be a whole number.") from exc
    if months < 1:
        raise click.ClickException("The review period must be at least one month.")
    base_url = str(current_app.config.get("SIGNPOST_PUBLIC_URL") or "")
    session = get_db().sessionmaker()
    try:
        now = parse_now(now_text)
        with session.begin():
            report = run_review(session, now, months, base_url)
            # Capacity statements expire with time: republish those that now read
            # differently ("not known"), so the API and the dumps say so too.
            weeks = whole_number(current_app.config, "SIGNPOST_CAPACITY_WEEKS")
            expired = refresh_capacity(session, now.date(), weeks)
    finally:
        session.close()
    click.echo(report.summary())
    click.echo(f"{expired} capacity statements republished as they read today.")
    if not base_url:
        click.echo("SIGNPOST_PUBLIC_URL is not set: links in the mail point at 127.0.0.1:5000.")


COMMANDS = [mail, freshness]
