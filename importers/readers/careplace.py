"""Read a CarePlace CSV export: one row per service per location.

Boroughs export with different header names and orders ("Provider name" or "Organisation
Name", "Telephone" or "Tel"), so columns are found by the aliases in COLUMNS. A Service
name and a Service ID column are required. The record key is the Service ID, "@", and
the row's postcode (spaces removed, upper case) or else its first address line, so one
service at two locations gives two records and re-reading a row gives the same key.
Columns HSDS has no field for are published as attributes (taxonomy "CarePlace fields")
only when EXTRA names them; any other column is kept in the source record's raw payload,
never published, and the import report lists it (a Note), since an export may carry
internal columns ("Lead contact (internal - do not publish)").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from importers.readers.flat import FieldError, build_service, split_list
from importers.readers.record import (
    Note,
    Record,
    RecordError,
    SourceFormatError,
    unpublished_column,
)
from importers.readers.tabular import DEFAULT_SIZE_LIMIT, match_columns, open_csv

CATEGORIES_TAXONOMY = "CarePlace categories"
FIELDS_TAXONOMY = "CarePlace fields"
REQUIRED = {"service_name": "service name", "service_id": "service ID"}

COLUMNS: dict[str, list[str]] = {
    "service_id": ["Service ID", "Service ref", "Service reference", "Service no", "ID"],
    "service_name": ["Service name", "Service title", "Service", "Title", "Name"],
    "organization_id": ["Provider ID", "Org ID", "Organisation ID", "Organization ID"],
    "organization_name": [
        "Provider name",
        "Provider",
        "Organisation name",
        "Organisation",
        "Organization name",
        "Organization",
        "Org name",
    ],
    "description": ["Description", "Service description", "Details", "About"],
    "categories": ["Categories", "Category", "Service categories", "Service types", "Tags"],
    "area_covered": ["Area covered", "Areas covered", "Areas", "Coverage", "Service area"],
    "address_1": ["Address line 1", "Address 1", "Address", "Street"],
    "address_2": ["Address line 2", "Address 2"],
    "city": ["Town", "City", "Town/City", "Town or city"],
    "postcode": ["Postcode", "Post code", "Postal code"],
    "latitude": ["Latitude", "Lat"],
    "longitude": ["Longitude", "Lon", "Lng", "Long"],
    "phone": ["Telephone", "Tel", "Phone", "Phone number", "Telephone number", "Contact number"],
    "email": ["Email", "E-mail", "Email address", "Contact email"],
    "url": ["Website", "Web address", "Web site", "URL", "Web"],
    "cost": ["Cost", "Costs", "Fees", "Fee", "Price", "Charges"],
    "opening_times": ["Opening times", "Opening hours", "Times", "Hours"],
    "age_range": ["Age range", "Ages", "Age", "Age group"],
    "eligibility": ["Eligibility", "Who can use it", "Criteria"],
    "referral": ["Referral", "Referral route", "How to refer", "Referrals"],
    "languages": ["Languages", "Language", "Languages spoken"],
    "last_updated": ["Last updated", "Updated", "Last modified", "Date updated", "Modified"],
}

# attribute name -> the column headers that hold it: CarePlace columns known to be public
EXTRA: dict[str, list[str]] = {
    "Wheelchair access": ["Wheelchair access", "Accessibility", "Disabled access"],
}

_SPACE = re.compile(r"\s+")


def read_careplace(
    path: Path, borough: str | None = None, *, size_limit: int = DEFAULT_SIZE_LIMIT
) -> Iterator[Record | RecordError | Note]:
    """Yield a Record per row of a CarePlace CSV export; `borough` names whose export it is."""
    with open_csv(path, size_limit) as table:
        columns = match_columns(table.headers, COLUMNS)
        missing = [label for field, label in REQUIRED.items() if field not in columns]
        if missing:
            raise SourceFormatError(
                f"{path.name}: no {' or '.join(missing)} column was found "
                f"(the headers are: {', '.join(table.headers)})."
            )
        used = set(columns.values())
        extra = match_columns([h for h in table.headers if h not in used], EXTRA)
        used |= set(extra.values())
        for header in table.headers:
            if header not in used:
                yield unpublished_column("header", header)
        for line, row in table.rows:
            yield read_row(f"line {line}", row, columns, extra, borough)


def read_row(
    position: str,
    row: dict[str, str],
    columns: dict[str, str],
    extra_columns: dict[str, str],
    borough: str | None,
) -> Record | RecordError:
    """One row as a Record, or a RecordError saying which column makes it unusable."""
    values = {field: row.get(header, "") for field, header in columns.items()}
    raw = dict(row)
    if borough is not None:
        raw["_export_borough"] = borough
    service_id = values["service_id"].strip()
    if not service_id:
        return RecordError(position, "the row has no service ID", field=columns["service_id"])
    key = f"{service_id}@{location_key(values)}"
    extra = [(name, row.get(header, "")) for name, header in extra_columns.items()]
    categories = split_list(values.get("categories", ""), ";")
    try:
        service = build_service(
            values,
            taxonomy=FIELDS_TAXONOMY,
            categories=categories,
            categories_taxonomy=CATEGORIES_TAXONOMY,
            extra=extra,
            labels=columns,
        )
    except FieldError as exc:
        return RecordError(position, exc.reason, key=key, field=exc.field)
    return Record(key=key, position=position, raw=raw, service=service)


def location_key(values: dict[str, str]) -> str:
    """The postcode without spaces, upper-cased, else address line 1 upper-cased, else ''."""
    postcode = _SPACE.sub("", values.get("postcode", "")).upper()
    if postcode:
        return postcode
    return _SPACE.sub(" ", values.get("address_1", "")).strip().upper()
