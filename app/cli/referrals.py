"""`signpost referrals`: remind groups of unacknowledged referrals (daily), and fold old
referrals into counts (monthly). Both are cron jobs (deploy/); output names counts only."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from app.cli.mail import parse_now
from app.db import get_db
from app.referrals.reminders import REMIND_AFTER_WORKING_DAYS, remind_unacknowledged
from app.referrals.retention import RETENTION_MONTHS, prune_referrals


def configured_number(setting: str, given: int | None, default: int, least: int) -> int:
    """The option, else the setting, else the default; a sentence when it is not usable."""
    value = given if given is not None else current_app.config.get(setting) or default
    try:
        number = int(value)
    except ValueError as exc:
        raise click.ClickException(f"{setting} must be a whole number, not {value!r}.") from exc
    if number < least:
        raise click.ClickException(f"That must be at least {least} (it is {number}).")
    return number


@click.group(cls=AppGroup)
def referrals() -> None:
    """Referral codes: reminders to groups, and retention."""


@referrals.command("remind")
@click.option("--days", type=int, help="Working days before a reminder (default "
              f"SIGNPOST_REFERRAL_REMIND_DAYS, else {REMIND_AFTER_WORKING_DAYS}).")  # fmt: skip
@click.option("--now", "now_text", help="Run as of this ISO date (default: now).")
def referrals_remind(days: int | None, now_text: str | None) -> None:
    """Queue a reminder to the editors of each listing with referrals nobody acknowledged;
    `signpost mail send` sends them."""
    days = configured_number("SIGNPOST_REFERRAL_REMIND_DAYS", days, REMIND_AFTER_WORKING_DAYS, 1)
    base_url = str(current_app.config.get("SIGNPOST_PUBLIC_URL") or "")
    session = get_db().sessionmaker()
    try:
        with session.begin():
            run = remind_unacknowledged(session, parse_now(now_text), days, base_url)
    finally:
        session.close()
    click.echo(run.summary())


@referrals.command("prune")
@click.option("--months", type=int, help="Keep referrals this many months (default "
              f"SIGNPOST_REFERRAL_RETENTION_MONTHS, else {RETENTION_MONTHS}).")  # fmt: skip
@click.option("--now", "now_text", help="Run as of this ISO date (default: now).")
def referrals_prune(months: int | None, now_text: str | None) -> None:
    """Fold referrals older than the retention period into counts and delete them."""
    months = configured_number("SIGNPOST_REFERRAL_RETENTION_MONTHS", months, RETENTION_MONTHS, 1)
    session = get_db().sessionmaker()
    try:
        with session.begin():
            pruned = prune_referrals(session, parse_now(now_text), months)
    finally:
        session.close()
    click.echo(f"{pruned} referral(s) older than {months} months folded into counts and deleted.")
