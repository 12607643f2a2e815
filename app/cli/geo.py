"""`signpost areas load` and `signpost postcodes load`: thin click wrappers."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from app.db import get_db
from app.geo.areas import AreaFileError, assign_boroughs, load_areas
from app.geo.postcodes import load_postcodes
from app.reference import LONDON_BOROUGHS
from importers.readers.postcodes import PostcodeSummary, read_postcodes
from importers.readers.record import SourceFormatError


@click.group(cls=AppGroup)
def areas() -> None:
    """Named boundary areas (boroughs, wards) for place search."""


@areas.command("load")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--kind", default="borough", show_default=True, help="borough, ward, pcn, ...")
@click.option("--name-property", default="name", show_default=True)
@click.option("--code-property", default="gss_code", show_default=True)
def areas_load(file: Path | None, kind: str, name_property: str, code_property: str) -> None:
    """Load polygons from a GeoJSON FeatureCollection (default: the 33 London boroughs
    Signpost carries, app/data/reference/london_boroughs), then set every location's borough."""
    if file is None:
        file = LONDON_BOROUGHS
    session = get_db().sessionmaker()
    try:
        with session.begin():
            result = load_areas(session, file, kind, name_property, code_property or None)
            if not result.loaded:
                raise click.ClickException(
                    f"Nothing was loaded: no feature in {file.name} has a polygon and a "
                    f"'{name_property}' property."
                )
            changed = assign_boroughs(session) if kind == "borough" else 0
    except AreaFileError as exc:
        raise click.ClickException(f"Nothing was loaded: {exc}") from exc
    finally:
        session.close()
    click.echo(f"Loaded {len(result.loaded)} {kind} areas from {file.name}.")
    for problem in result.skipped[:20]:
        click.echo(f"  skipped {problem}")
    if kind == "borough":
        click.echo(f"Set the borough of {changed} locations.")


@click.group(cls=AppGroup)
def postcodes() -> None:
    """The postcode directory used to place a patient's postcode."""


@postcodes.command("load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--silent", is_flag=True, help="No progress bar.")
def postcodes_load(file: Path, silent: bool) -> None:
    """Load postcodes (ONSPD, Code-Point Open or the sample CSV) in one transaction."""
    summary = PostcodeSummary()
    session = get_db().sessionmaker()
    try:
        with (
            session.begin(),
            click.progressbar(length=0, label="Loading postcodes", hidden=silent) as bar,
        ):
            count = load_postcodes(session, read_postcodes(file, summary), bar.update)
    except SourceFormatError as exc:
        raise click.ClickException(f"Nothing was loaded: {exc}") from exc
    finally:
        session.close()
    click.echo(f"Loaded {count} postcodes from {file.name}.")
    for reason, rows in sorted(summary.skipped.items()):
        click.echo(f"  skipped {rows} rows: {reason}")
