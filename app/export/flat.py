"""One flat CSV of services, one row a service, for spreadsheet users.

The location columns describe the service's first location (one with coordinates if it
has any); the GeoJSON dump has every location. Text that a spreadsheet would run as a
formula (=, @, or + and - not followed by a number) is prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from app.export.base import ExportSettings, WriteResult
from app.export.provenance import Provenance
from app.export.selection import id_batches
from app.export.serialise import load_services
from app.export.summary import (
    Row,
    address_line,
    cost_text,
    first_phone,
    main_address,
    one,
    schedule_text,
    sorted_sals,
    summary_plan,
    term_names,
)

COLUMNS = [
    "id", "name", "status", "organization", "description", "url", "email", "phone",
    "address", "postcode", "latitude", "longitude", "borough", "taxonomy_terms", "cost",
    "schedule", "last_modified", "sources",
]  # fmt: skip
FORMULA = re.compile(r"^(?:[=@\t\r]|[+-](?![\d\s().]*$))")


def write_csv(session: Session, path: Path, settings: ExportSettings) -> WriteResult:
    provenance = Provenance(settings)
    count = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for ids in id_batches(session, settings.batch_size):
            records = provenance.records_for(session, ids)
            for service in load_services(session, ids, summary_plan()):
                row = service_row(service) | {"sources": source_names(records[service["id"]])}
                writer.writerow([spreadsheet_safe(row[column]) for column in COLUMNS])
            count += len(ids)
            settings.progress(len(ids))
    return WriteResult(count, provenance.metadata())


def service_row(service: Row) -> dict[str, Any]:
    sals = sorted_sals(service)
    location = one(sals[0], "location") if sals else None
    address = main_address(location)
    organization = one(service, "organization") or {}
    last_modified = service["last_modified"]
    return {
        "id": service["id"],
        "name": service["name"],
        "status": service["status"],
        "organization": organization.get("name"),
        "description": service["description"],
        "url": service["url"],
        "email": service["email"] or organization.get("email"),
        "phone": first_phone(service),
        "address": address_line(address),
        "postcode": address["postal_code"] if address else "",
        "latitude": location["latitude"] if location else None,
        "longitude": location["longitude"] if location else None,
        "borough": location["borough"] if location else "",
        "taxonomy_terms": term_names(service),
        "cost": cost_text(service),
        "schedule": schedule_text(service),
        "last_modified": last_modified.isoformat() if last_modified else "",
    }


def source_names(records: list[dict[str, Any]]) -> str:
    return "; ".join(dict.fromkeys(record["source"] for record in records)) or "signpost"


def spreadsheet_safe(value: Any) -> Any:
    """The value, with an apostrophe before text a spreadsheet would treat as a formula."""
    if isinstance(value, str) and FORMULA.match(value):
        return "'" + value
    return "" if value is None else value


def spreadsheet_text(value: str) -> str:
    """The text `spreadsheet_safe` defused, as it was: a reader of our own CSVs undoes the
    apostrophe, so a dump imported elsewhere says what the original said."""
    if value.startswith("'") and FORMULA.match(value[1:]):
        return value[1:]
    return value
