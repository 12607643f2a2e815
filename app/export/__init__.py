"""Open data dumps: the formats, writing one dump, and writing them all with an index.

Each format is one module with one `write_<format>(session, path, settings)` function;
this registry names them. Every dump gets a `<name>.meta.json` beside it (licences,
sources and their attribution, record count, size, time), and `export_all` writes every
format into a folder with `dumps.json`, the index the /dumps/ pages read.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from app.export.base import ExportSettings, WriteResult
from app.export.datapackage import write_datapackage
from app.export.files import INDEX_NAME, atomic_path, meta_path, sha256_of, write_json_atomically
from app.export.flat import write_csv
from app.export.geojson import write_geojson
from app.export.nested import write_json, write_ndjson

__all__ = ["FORMATS", "DumpFormat", "ExportSettings", "export_all", "export_dump"]


@dataclass(frozen=True)
class DumpFormat:
    name: str
    filename: str
    title: str
    media_type: str
    record_type: str  # what one record of the dump is
    write: Callable[[Session, Path, ExportSettings], WriteResult]


FORMATS = {
    dump.name: dump
    for dump in (
        DumpFormat(
            "datapackage",
            "signpost-hsds-datapackage.zip",
            "HSDS 3.0 tabular data package: one CSV per table, with datapackage.json",
            "application/zip",
            "service",
            write_datapackage,
        ),
        DumpFormat(
            "json",
            "signpost-services.json",
            "HSDS 3.0 services, fully nested, as one JSON array",
            "application/json",
            "service",
            write_json,
        ),
        DumpFormat(
            "ndjson",
            "signpost-services.ndjson",
            "HSDS 3.0 services, fully nested, one JSON object a line (NDJSON)",
            "application/x-ndjson",
            "service",
            write_ndjson,
        ),
        DumpFormat(
            "geojson",
            "signpost-services.geojson",
            "Where services run: a point for each service at a location (GeoJSON)",
            "application/geo+json",
            "service_at_location",
            write_geojson,
        ),
        DumpFormat(
            "csv",
            "signpost-services.csv",
            "One row per service, for spreadsheets (CSV)",
            "text/csv",
            "service",
            write_csv,
        ),
    )
}

Progress = Callable[[DumpFormat], AbstractContextManager[Callable[[int], None]]]


def export_dump(
    session: Session, format_name: str, path: Path, settings: ExportSettings
) -> dict[str, Any]:
    """Write one dump to `path` and `<path>.meta.json` (each atomically); return the
    metadata, which is also the dump's entry in dumps.json."""
    dump = FORMATS[format_name]
    with atomic_path(path) as temporary:
        result = dump.write(session, temporary, settings)
        size, sha256 = temporary.stat().st_size, sha256_of(temporary)
    entry = {
        "name": path.name,
        "format": dump.name,
        "title": dump.title,
        "media_type": dump.media_type,
        "records": result.records,
        "record_type": dump.record_type,
        "size": size,
        "sha256": sha256,
        "generated": settings.generated.isoformat(timespec="seconds"),
        "meta": meta_path(path).name,
    } | result.metadata
    write_json_atomically(meta_path(path), entry)
    return entry


def export_all(
    session: Session, directory: Path, settings: ExportSettings, progress: Progress | None = None
) -> list[dict[str, Any]]:
    """Every format into `directory`, then the dumps.json index of them.

    Give a session whose reads see one snapshot, and every dump describes the same data.
    """
    entries = []
    for dump in FORMATS.values():
        with progress(dump) if progress else nullcontext(settings.progress) as report:
            each = replace(settings, progress=report)
            entries.append(export_dump(session, dump.name, directory / dump.filename, each))
    index = {"generated": settings.generated.isoformat(timespec="seconds"), "dumps": entries}
    write_json_atomically(directory / INDEX_NAME, index)
    return entries
