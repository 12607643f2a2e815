"""The `signpost` command: thin click wrappers over plain functions.

Flask's CLI provides the app (`create_app`) and the standard `routes` and `shell`.
User mistakes raise click.ClickException with a sentence, never a traceback.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup

from . import create_app, migrate
from .db import get_db


@click.group(cls=FlaskGroup, create_app=create_app, add_version_option=False)
def cli() -> None:
    """Signpost: London's community services directory and Open Referral API."""


def main() -> None:
    cli(prog_name="signpost")


@cli.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database schema (safe to run on every deploy)."""
    migrate.upgrade(get_db().engine)
    click.echo(f"Database is at the newest schema ({get_db().dialect}).")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def serve(host: str, port: int) -> None:
    """Serve the directory (migrating the database first). For production use gunicorn."""
    migrate.upgrade(get_db().engine)
    current_app.run(host=host, port=port, debug=False, use_reloader=False)


@cli.command()
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("openapi.yaml"),
    show_default=True,
)
def openapi(output: Path) -> None:
    """Write the OpenAPI document generated from the code."""
    output.write_text(openapi_yaml())
    click.echo(f"Wrote {output}")


def openapi_yaml() -> str:
    return current_app.extensions["flask-smorest"]["apis"][""]["ext_obj"].spec.to_yaml()


@cli.command()
def sample() -> None:
    """Load the sample London services (idempotent: running it again changes nothing)."""
    from .sample import load_sample

    session = get_db().sessionmaker()
    with session.begin():
        count = load_sample(session)
    click.echo(f"Loaded {count} sample services.")
