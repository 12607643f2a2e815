"""`signpost webhooks deliver`: post changed services to each subscriber (cron, every
minute: see deploy/). Output names counts and subscription IDs, never a secret."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from app.auth.setup import flag
from app.cli.mail import parse_now
from app.db import get_db
from app.services.webhooks import deliver_due


@click.group(cls=AppGroup)
def webhooks() -> None:
    """Webhooks: deliver the change feed to subscribers."""


@webhooks.command("deliver")
@click.option("--now", "now_text", help="Deliver as at this time (ISO date), e.g. to test.")
def webhooks_deliver(now_text: str | None) -> None:
    """Post changes to every subscriber that is due; failures are retried later."""
    allow = flag(current_app.config.get("SIGNPOST_WEBHOOKS_ALLOW_PRIVATE", False))
    with get_db().sessionmaker() as session:
        report = deliver_due(session, parse_now(now_text), allow_private=allow)
    click.echo(report.summary())
    for error in report.errors[-3:]:
        click.echo(f"  {error}", err=True)


COMMANDS = [webhooks]
