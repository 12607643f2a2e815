"""What `signpost export` does, as a plain function the click command calls."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from flask import Flask

from app.db import Database
from app.export import FORMATS, DumpFormat, ExportSettings, export_all, export_dump
from app.export.selection import count_exportable
from app.export.snapshot import dumps_dir, snapshot_session


def run_export(
    app: Flask,
    db: Database,
    format_name: str | None,
    out: Path | None,
    all_formats: bool,
    directory: Path | None,
    silent: bool,
) -> list[str]:
    """Export as the command line asked; returns the lines to print."""
    if all_formats == bool(format_name):
        raise click.UsageError("Give either --format FORMAT OUT, or --all [--dir DIR].")
    if format_name and out is None:
        raise click.UsageError(f"Give the file to write the {format_name} dump to (OUT).")
    if all_formats and out is not None:
        raise click.UsageError("--all writes into --dir; it takes no OUT file.")
    session = snapshot_session(db)
    try:
        settings = ExportSettings.from_config(app.config)
        total = count_exportable(session)
        progress = _progress_bars(total, silent)
        if all_formats:
            target = directory or dumps_dir(app)
            entries = export_all(session, target, settings, progress)
            return [_describe(entry, target / entry["name"]) for entry in entries] + [
                f"Wrote {target / 'dumps.json'}"
            ]
        with progress(FORMATS[format_name]) as report:
            settings.progress = report
            entry = export_dump(session, format_name, out, settings)
        return [_describe(entry, out)]
    except OSError as exc:
        raise click.ClickException(f"Could not write the dump: {exc}") from exc
    finally:
        session.rollback()
        session.close()


def _progress_bars(total: int, silent: bool) -> Callable:
    @contextmanager
    def bar(dump: DumpFormat) -> Iterator[Callable[[int], None]]:
        label = f"Exporting {dump.name}"
        with click.progressbar(length=total, label=label, hidden=silent) as progress:
            yield progress.update

    return bar


def _describe(entry: dict, path: Path) -> str:
    return f"Wrote {path}: {entry['records']} {entry['record_type']}s, {entry['size']:,} bytes"
