"""The `signpost` command: thin click wrappers over plain functions.

Flask's CLI provides the app (`create_app`) and the standard `routes` and `shell`.
User mistakes raise click.ClickException with a sentence, never a traceback.
"""

from __future__ import annotations

import re
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from werkzeug.serving import run_simple

from app import create_app, migrate
from app.cli.accounts import COMMANDS as ACCOUNT_COMMANDS
from app.cli.dedupe import COMMANDS as DEDUPE_COMMANDS
from app.cli.export import run_export
from app.cli.geo import areas, postcodes
from app.cli.mail import COMMANDS as MAIL_COMMANDS
from app.cli.referrals import referrals
from app.cli.webhooks import COMMANDS as WEBHOOK_COMMANDS
from app.db import begin_writing, get_db
from app.errors import first_line
from app.export import FORMATS as DUMP_FORMATS
from app.mail import MailConfigError
from app.taxonomy import ensure_builtin_taxonomy
from importers.pipeline.finish import Finishing
from importers.pipeline.formats import FORMATS, read_source
from importers.pipeline.report import write_problems
from importers.pipeline.run import (
    WITHDRAW_LIMIT,
    ImportReport,
    SourceSpec,
    active_hashes,
    run_import,
)
from importers.readers.record import SourceFormatError

FLASK_COMMANDS = ("routes", "run", "shell")
# `signpost --help`'s list, in the order a new user meets them, one line each (a command
# missing here is listed after these with its own docstring's first sentence).
COMMAND_HELP = {
    "serve": "Serve the directory (migrating the database first).",
    "sample": "Load the demo: sample postcodes, boroughs and six sources.",
    "db": "Create or migrate the database schema.",
    "import": "Import a source file or feed (one transaction, idempotent).",
    "dedupe": "Merge records of one real-world service into one.",
    "review": "Possible matches waiting for a person; decisions kept.",
    "clusters": "Which published service each source record ended in.",
    "export": "Write the open data dumps.",
    "openapi": "Write the OpenAPI document generated from the code.",
    "areas": "Named boundary areas (boroughs, wards) for place search.",
    "postcodes": "The postcode directory that places a patient's postcode.",
    "users": "Accounts: admins, moderators and organisation editors.",
    "tokens": "API tokens for machine clients.",
    "moderation": "The moderation queue: edits, claims, problem reports.",
    "stale": "Listings nobody has confirmed for MONTHS, per borough.",
    "freshness": "The review cycle: reminders with one-use links (daily cron).",
    "mail": "Outgoing mail: send the queue (cron), see the backlog.",
}


class SignpostGroup(FlaskGroup):
    """Flask's group with Signpost's commands first, one line each, and Flask's own last.

    Flask's options (-e/--env-file, -A/--app, --debug) still work but are not listed:
    the app is always Signpost's, and `signpost serve` is how to run it.
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        for param in self.params:
            if isinstance(param, click.Option) and param.name in {"env_file", "app", "debug"}:
                param.hidden = True

    def list_commands(self, ctx: click.Context) -> list[str]:
        names = super().list_commands(ctx)
        known = [name for name in COMMAND_HELP if name in names]
        others = [n for n in names if n not in COMMAND_HELP and n not in FLASK_COMMANDS]
        return known + others + [n for n in names if n in FLASK_COMMANDS]

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                line = COMMAND_HELP.get(name) or command.get_short_help_str(limit=200)
                rows.append((name, line + (" (Flask)" if name in FLASK_COMMANDS else "")))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=SignpostGroup, create_app=create_app, add_version_option=False)
def cli() -> None:
    """Signpost: London's community services directory and Open Referral API.

    Run `signpost COMMAND --help` for a command's options. The last three commands
    (routes, run, shell) are Flask's own.
    """


def main() -> None:
    try:
        cli(prog_name="signpost")
    except MailConfigError as exc:  # raised by create_app: a sentence, not a traceback
        raise SystemExit(f"Error: {exc}") from None


@cli.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database schema (safe to run on every deploy)."""
    migrate.upgrade(get_db().engine)
    ensure_reference_data()
    click.echo(f"Database is at the newest schema ({get_db().dialect}).")


def ensure_reference_data() -> None:
    """The built-in social prescribing taxonomy (idempotent)."""
    session = get_db().sessionmaker()
    with session.begin():
        ensure_builtin_taxonomy(session)
    session.close()


cli.add_command(areas)
cli.add_command(postcodes)
cli.add_command(referrals)
for _command in ACCOUNT_COMMANDS + DEDUPE_COMMANDS + MAIL_COMMANDS + WEBHOOK_COMMANDS:
    cli.add_command(_command)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def serve(host: str, port: int) -> None:
    """Serve the directory (migrating the database first). For production use gunicorn."""
    migrate.upgrade(get_db().engine)
    shown = "127.0.0.1" if host in {"0.0.0.0", ""} else host
    click.echo(f"Signpost is serving on http://{shown}:{port}/ (Ctrl+C stops it).")
    # Not app.run(): Flask ignores it inside a `flask`-style CLI command (FLASK_RUN_FROM_CLI).
    run_simple(host, port, current_app._get_current_object(), threaded=True)


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
    """Load the demo: sample postcodes, borough polygons and six overlapping sample
    sources in five formats, through the import pipeline (idempotent)."""
    from app.demo.directory import load_demo

    folder = Path(current_app.instance_path) / "sample"
    for line in load_demo(get_db().sessionmaker, folder):
        click.echo(line)


@cli.command("import")
@click.argument("format_name", metavar="FORMAT", type=click.Choice(sorted(FORMATS)))
@click.argument("location", metavar="PATH_OR_URL")
@click.option("--source", "source_name", help="Source name (slug); default: FORMAT-FILENAME.")
@click.option("--title", help="Human name of the source, e.g. 'CarePlace (Camden)'.")
@click.option("--url", help="Where the source is published.")
@click.option("--licence", help="e.g. OGL-UK-3.0, CC-BY-4.0, 'not for redistribution'.")
@click.option("--attribution", help="Attribution text the licence asks for.")
@click.option("--not-redistributable", is_flag=True, help="Keep this source out of open dumps.")
@click.option("--priority", type=int, help="Survivorship priority (lower wins).")
@click.option("--mapping", type=click.Path(exists=True, path_type=Path), help="csv: mapping.")
@click.option("--borough", help="careplace: the borough the export is from.")
@click.option("--partial", is_flag=True, help="Not a full export: withdraw nothing.")
@click.option(
    "--allow-withdraw",
    is_flag=True,
    help=f"Let this full export withdraw over {WITHDRAW_LIMIT:.0%} of the source's records.",
)
@click.option(
    "--no-dedupe", is_flag=True, help="Leave merging to a later `signpost dedupe` (bulk loads)."
)
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write rejections and warnings to this CSV file.",
)
@click.option("--silent", is_flag=True, help="No progress bar.")
def import_command(
    format_name: str,
    location: str,
    source_name: str | None,
    title,
    url,
    licence,
    attribution,
    not_redistributable: bool,
    priority,
    mapping,
    borough,
    partial: bool,
    allow_withdraw: bool,
    no_dedupe: bool,
    report_path: Path | None,
    silent: bool,
) -> None:
    """Import a source file or feed (one transaction; re-running changes nothing)."""
    spec = SourceSpec(
        name=source_name or default_source_name(format_name, location),
        format=format_name,
        title=title,
        url=url,
        licence=licence,
        attribution=attribution,
        redistributable=not not_redistributable,
        priority=priority,
    )
    report = import_source(
        spec,
        location,
        mapping,
        borough,
        full=not partial,
        silent=silent,
        dedupe=not no_dedupe,
        allow_withdraw=allow_withdraw,
    )
    click.echo(report.summary())
    if report.dedupe:
        click.echo(report.dedupe.summary())
    for problem in [p for p in report.problems if p.kind == "rejected"][:20]:
        click.echo(f"  rejected {Path(location).name} {problem.position}: {problem.reason}")
    # about the file, not a record: e.g. a column that is not published
    for problem in [p for p in report.problems if p.kind == "warning" and p.key is None][:20]:
        click.echo(f"  note {Path(location).name} {problem.position}: {problem.reason}")
    if report_path:
        try:
            count = write_problems(report, Path(location).name, report_path)
        except OSError as exc:
            raise click.ClickException(
                f"Imported, but the report could not be written to {report_path}: "
                f"{exc.strerror or exc}."
            ) from exc
        click.echo(f"Wrote {count} problems to {report_path}")


def unexpected_failure(file_name: str, exc: Exception) -> str:
    """One line for an error the import did not foresee: where, what, and how to see more."""
    where = " ".join([file_name, *getattr(exc, "__notes__", [])])
    return (
        f"Nothing was imported from {where}: unexpected {type(exc).__name__}: "
        f"{first_line(exc)} (run `signpost --debug import ...` for the traceback)."
    )


def default_source_name(format_name: str, location: str) -> str:
    stem = Path(location.rstrip("/")).stem or "feed"
    return f"{format_name}-" + "-".join(re.findall(r"[a-z0-9]+", stem.lower()))


def import_source(
    spec: SourceSpec,
    location: str,
    mapping: Path | None,
    borough: str | None,
    full: bool = True,
    silent: bool = True,
    dedupe: bool = True,
    allow_withdraw: bool = False,
) -> ImportReport:
    """Run one import in one transaction; a bad file leaves the database as it was, and
    so does one that would withdraw more than pipeline.WITHDRAW_LIMIT of the source
    (unless `allow_withdraw`)."""
    fmt = FORMATS[spec.format]
    session = get_db().sessionmaker()
    try:
        with session.begin():
            begin_writing(session)  # SQLite: wait for another import, not fail mid-way
            finishing = Finishing(spec.name, fmt.keep_ids, active_hashes(session, spec.name))
            items = read_source(spec.format, location, mapping, borough, finishing)
            with click.progressbar(
                items,
                label=f"Importing {spec.name}",
                hidden=silent,
                item_show_func=lambda _item: None,
            ) as bar:
                return run_import(
                    session,
                    spec,
                    bar,
                    full=full,
                    keep_ids=fmt.keep_ids,
                    dedupe=dedupe,
                    allow_withdraw=allow_withdraw,
                )
    except (SourceFormatError, ValueError, OSError) as exc:
        raise click.ClickException(f"Nothing was imported: {exc}") from exc
    except SQLAlchemyError as exc:  # a refusal the import did not foresee: still no traceback
        if isinstance(exc, OperationalError) and "database is locked" in str(exc.orig):
            raise click.ClickException(
                "Nothing was imported: another import (or a long write) is holding the "
                "database; run this again when it has finished."
            ) from exc
        raise click.ClickException(
            f"Nothing was imported from {Path(location).name}: the database refused it "
            f"({first_line(exc)})."
        ) from exc
    except Exception as exc:  # a bug: one line naming file, record and reason, not 99
        if current_app.debug:
            raise  # `signpost --debug import ...`: the whole traceback
        raise click.ClickException(unexpected_failure(Path(location).name, exc)) from exc
    finally:
        session.close()


@cli.command("export")
@click.option("--format", "format_name", type=click.Choice(list(DUMP_FORMATS)), help="One format.")
@click.option("--all", "all_formats", is_flag=True, help="Every format, and dumps.json.")
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for --all (default: SIGNPOST_DUMPS_DIR, else instance/dumps).",
)
@click.option("--silent", is_flag=True, help="No progress bar.")
@click.argument("out", required=False, type=click.Path(dir_okay=False, path_type=Path))
def export(format_name, all_formats: bool, directory, silent: bool, out) -> None:
    """Write open data dumps: --format FORMAT OUT, or --all [--dir DIR] (nightly cron)."""
    lines = run_export(current_app, get_db(), format_name, out, all_formats, directory, silent)
    click.echo("\n".join(lines))
