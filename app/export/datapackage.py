"""The HSDS 3.0 tabular data package: a zip of one CSV per HSDS table and datapackage.json.

The HSDS resources (names, paths, field order, types, constraints, keys) are copied from
Open Referral's own datapackage.json (app/data/hsds_datapackage.json, HSDS 3.0,
CC-BY-SA-4.0), so the package validates against HSDS. Two Signpost resources are added:
`source_records` (which source records each service came from) and `sources` (each
source's licence and attribution). Rows stream from the database into the zip.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.export.base import ExportSettings, WriteResult
from app.export.flat import spreadsheet_safe
from app.export.provenance import Provenance, SourceInfo
from app.export.tables import Selection, t
from app.models import Source, SourceRecord

HSDS_DESCRIPTOR = Path(__file__).resolve().parents[1] / "data" / "hsds_datapackage.json"
STREAM = {"yield_per": 1000}
# Tables whose rows name the rows of a later table to write: the terms attributes use,
# the taxonomies of those terms.
NAMES = {"attribute": "taxonomy_term_id", "taxonomy_term": "taxonomy_id"}
HH_MM = re.compile(r"^\d{2}:\d{2}$")
SIGNPOST_RESOURCE = {"profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv"}
SOURCE_RECORDS = SIGNPOST_RESOURCE | {
    "name": "source_records",
    "path": "source_records.csv",
    "description": "Signpost extension: the source record each service (or organization) "
    "was merged from: the source's name, the source's own key for the record, the "
    "merged HSDS ids, whether the source still lists it, and the source's licence.",
    "schema": {
        "fields": [
            {"name": "source", "type": "string", "constraints": {"required": True}},
            {"name": "key", "type": "string", "constraints": {"required": True}},
            {"name": "service_id", "type": "string", "format": "uuid"},
            {"name": "organization_id", "type": "string", "format": "uuid"},
            {"name": "status", "type": "string", "constraints": {"required": True}},
            {"name": "licence", "type": "string"},
        ],
        "primaryKey": ["source", "key"],
        "foreignKeys": [
            {"fields": "source", "reference": {"resource": "sources", "fields": "name"}},
            {"fields": "service_id", "reference": {"resource": "service", "fields": "id"}},
            {
                "fields": "organization_id",
                "reference": {"resource": "organization", "fields": "id"},
            },
        ],
    },
}
SOURCES = SIGNPOST_RESOURCE | {
    "name": "sources",
    "path": "sources.csv",
    "description": "Signpost extension: every source whose data the package contains, "
    "with its licence and the attribution it asks for ('signpost' is Signpost's own data).",
    "schema": {
        "fields": [
            {"name": "name", "type": "string", "constraints": {"required": True}},
            {"name": "title", "type": "string"},
            {"name": "url", "type": "string"},
            {"name": "licence", "type": "string"},
            {"name": "attribution", "type": "string"},
        ],
        "primaryKey": ["name"],
    },
}


@cache
def hsds_descriptor() -> dict[str, Any]:
    return json.loads(HSDS_DESCRIPTOR.read_text())


def write_datapackage(session: Session, path: Path, settings: ExportSettings) -> WriteResult:
    selection = Selection()
    provenance = Provenance(settings)
    resources = copy.deepcopy(hsds_descriptor()["resources"])
    where = selection.where()
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        services = 0
        used: dict[str, set[str]] = {table: set() for table in NAMES}
        for resource in resources:
            name, fields = resource["name"], resource["schema"]["fields"]
            if name == "taxonomy_term":
                where[name] = selection.term_rows(sorted(used["attribute"]))
            if name == "taxonomy":
                where[name] = t("taxonomy").c.id.in_(sorted(used["taxonomy_term"]))
            rows = hsds_rows(session, selection, name, fields, where)
            if name == "service":
                rows = counted(rows, settings)
            if name in NAMES:
                rows = noting(rows, [f["name"] for f in fields].index(NAMES[name]), used[name])
            count = write_csv(archive, resource["path"], fields, rows)
            services = count if name == "service" else services
        records = source_record_rows(session, selection, provenance)
        write_csv(archive, SOURCE_RECORDS["path"], SOURCE_RECORDS["schema"]["fields"], records)
        provenance.has_own_data = bool(session.scalar(selection.has_own_services()))
        sources = [
            [source.name, source.title, source.url, source.licence, source.attribution]
            for source in provenance.contributing()
        ]
        write_csv(archive, SOURCES["path"], SOURCES["schema"]["fields"], sources)
        metadata = provenance.metadata()
        document = descriptor(resources, metadata, settings)
        archive.writestr("datapackage.json", json.dumps(document, indent=2, ensure_ascii=False))
    return WriteResult(services, metadata)


def noting(rows: Iterator[list], index: int, seen: set[str]) -> Iterator[list]:
    """The rows, adding the value in column `index` of each to `seen`."""
    for row in rows:
        if row[index]:
            seen.add(row[index])
        yield row


def counted(rows: Iterator[list], settings: ExportSettings) -> Iterator[list]:
    """The rows, reporting progress every `batch_size` of them."""
    count = 0
    for row in rows:
        yield row
        count += 1
        if count % settings.batch_size == 0:
            settings.progress(settings.batch_size)
    settings.progress(count % settings.batch_size)


def hsds_rows(
    session: Session, selection: Selection, name: str, fields: list[dict], where: dict
) -> Any:
    table = t(name)
    names = [field["name"] for field in fields]
    query = (
        select(*selection.columns(name, names))
        .where(where[name])
        .order_by(table.c.id)
        .execution_options(**STREAM)
    )
    types = [field.get("type") for field in fields]
    for row in session.execute(query):
        yield [cell(value, kind) for value, kind in zip(row, types, strict=True)]


def cell(value: Any, kind: str | None) -> Any:
    """A database value as HSDS tabular writes it (ISO dates and times, HH:MM:SS)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if kind == "date" else value.isoformat()
    if kind == "time" and isinstance(value, str) and HH_MM.match(value):
        return value + ":00"
    return value


def source_record_rows(session: Session, selection: Selection, provenance: Provenance) -> Any:
    record = t("source_record")
    query = (
        select(
            Source.name,
            Source.title,
            Source.url,
            Source.licence,
            Source.attribution,
            SourceRecord.key,
            SourceRecord.service_id,
            SourceRecord.status,
            selection.columns("source_record", ["organization_id"])[0],
        )
        .join(Source, Source.id == SourceRecord.source_id)
        .where(selection.source_record_rows())
        .order_by(Source.name, record.c.key)
        .execution_options(**STREAM)
    )
    for row in session.execute(query):
        provenance.add(SourceInfo(row.name, row.title, row.url, row.licence, row.attribution))
        yield [row.name, row.key, row.service_id, row.organization_id, row.status, row.licence]


def write_csv(archive: zipfile.ZipFile, name: str, fields: list[dict], rows: Iterable) -> int:
    """Stream rows into one CSV member of the zip; returns how many were written. Text a
    spreadsheet would run as a formula gets an apostrophe, as in the flat CSV (issue 19,
    L5); the data package reader takes it off again."""
    count = 0
    with (
        archive.open(name, "w", force_zip64=True) as raw,
        io.TextIOWrapper(raw, encoding="utf-8", newline="") as text,
    ):
        writer = csv.writer(text)
        writer.writerow([field["name"] for field in fields])
        for row in rows:
            writer.writerow([spreadsheet_safe(value) for value in row])
            count += 1
    return count


def descriptor(
    resources: list[dict], metadata: dict[str, Any], settings: ExportSettings
) -> dict[str, Any]:
    hsds = hsds_descriptor()
    return {
        "profile": "tabular-data-package",
        "name": "signpost-london-community-services",
        "title": "Signpost: London community services (HSDS 3.0 tabular data package)",
        "description": "Voluntary, community and social enterprise services in London for "
        "social prescribing, merged from borough directories. "
        f"{metadata['notes']} Tables follow {hsds['title']} {hsds['version']}.",
        "homepage": settings.public_url,
        "created": settings.generated.isoformat(),
        "licenses": metadata["licences"],
        "sources": [
            {"title": source["title"] or source["name"]}
            | ({"path": source["url"]} if source["url"] else {})
            | {"name": source["name"], "licence": source["licence"]}
            | {"attribution": source["attribution"]}
            for source in metadata["sources"]
        ],
        "attribution": metadata["attribution"],
        "resources": [*resources, SOURCE_RECORDS, SOURCES],
    }
