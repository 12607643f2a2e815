"""Write realistic, fictional London sample sources in five of the formats Signpost imports.

    python -m app.demo.sample_data OUT_DIR [--seed 2026]

`write_samples` writes, from the world in `app.demo.sample_catalogue`:

- ``lvsc_social_prescribing_map.kml``: a Google My Maps KML of 27 schemes, a folder a theme;
- ``careplace_camden.csv`` (UTF-8 with BOM, with coordinates) and
  ``careplace_islington.csv`` (Windows-1252, other headers in another order, no
  coordinates), about 40 rows each; Islington's is "not for redistribution";
- ``council_hsds_feed.json``: one HSDS 3.0 page of 20 full Hackney services;
- ``oruk_feed.json``: one ORUK v1 page of 15 Islington services;
- ``council_spreadsheet.csv`` with its mapping ``council_spreadsheet.toml``: 15 rows
  of Camden's own directory, under a title line;
- ``sources.json``: the manifest, ``{"seed": ..., "sources": [SampleSource, ...]}`` with
  paths relative to OUT_DIR (`read_manifest` reads it back).

No data package is written: that format is covered by Signpost's own dump and the HSDS
examples (`SampleSource.format` allows "datapackage" for when one is). About 30% of
services appear in two or three sources, with the variations and hard negatives
described in `app.demo.sample_catalogue`. The JSON feeds' structured schedules, cost
options and ages are parsed, by the pipeline's own normalisers, from the same text the
flat files carry. The same seed always writes the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from app.demo.sample_catalogue import (
    CAMDEN_SHEET,
    CAREPLACE_CAMDEN,
    CAREPLACE_ISLINGTON,
    HACKNEY_HSDS,
    ISLINGTON_ORUK,
    LVSC,
    Listing,
    Service,
    Venue,
    build_world,
    listings,
)
from app.records.normalise import parse_age_range, parse_cost, parse_opening_times

MANIFEST = "sources.json"
NAMESPACE = uuid.UUID("5b0e6a5e-2026-4c1d-9a57-5167b0575a3e")  # uuid5 IDs of the feeds
OGL = "Contains public sector information licensed under the Open Government Licence v3.0."


@dataclass
class SampleSource:
    """One written sample source: what `signpost import` needs to read it, and its terms."""

    name: str  # source slug, e.g. "careplace-camden"
    format: str  # "lvsc", "careplace", "hsds", "oruk", "datapackage" or "csv"
    path: Path
    title: str
    licence: str
    attribution: str
    redistributable: bool = True
    mapping: Path | None = None  # the TOML mapping of a "csv" source
    borough: str | None = None  # whose export a "careplace" source is


def write_samples(out_dir: Path, seed: int = 2026) -> list[SampleSource]:
    """Write every sample file and the manifest into `out_dir`; return the sources."""
    out_dir.mkdir(parents=True, exist_ok=True)
    services = build_world(seed)
    sources = [
        write_lvsc(out_dir, listings(services, LVSC, seed), seed),
        write_careplace_camden(out_dir, listings(services, CAREPLACE_CAMDEN, seed)),
        write_careplace_islington(out_dir, listings(services, CAREPLACE_ISLINGTON, seed)),
        write_hsds(out_dir, listings(services, HACKNEY_HSDS, seed), seed),
        write_oruk(out_dir, listings(services, ISLINGTON_ORUK, seed), seed),
        write_spreadsheet(out_dir, listings(services, CAMDEN_SHEET, seed), seed),
    ]
    manifest = {
        "description": "Fictional London sample sources written by app.demo.sample_data.",
        "seed": seed,
        "sources": [_manifest_entry(source, out_dir) for source in sources],
    }
    _write_json(out_dir / MANIFEST, manifest)
    return sources


def read_manifest(path: Path) -> list[SampleSource]:
    """The sources listed in a sources.json, with paths resolved against its folder."""
    entries = json.loads(path.read_text(encoding="utf-8"))["sources"]
    sources = []
    for entry in entries:
        entry["path"] = path.parent / entry["path"]
        if entry.get("mapping"):
            entry["mapping"] = path.parent / entry["mapping"]
        sources.append(SampleSource(**entry))
    return sources


def _manifest_entry(source: SampleSource, out_dir: Path) -> dict[str, Any]:
    entry = asdict(source)
    entry["path"] = source.path.relative_to(out_dir).as_posix()
    if source.mapping is not None:
        entry["mapping"] = source.mapping.relative_to(out_dir).as_posix()
    return entry


# -- LVSC map (KML) ---------------------------------------------------------------------

FUNDERS = ("NHS North Central London ICB", "National Lottery Community Fund",
           "{borough} Council", "City Bridge Foundation", "Primary care network")  # fmt: skip
FUNDING_POSITIONS = ("Funded to March 2026", "Core funded", "Short-term grant", "Seeking funding")
EVALUATIONS = ("WEMWBS before and after", "ONS4 wellbeing questions", "Case studies", "None yet")


def write_lvsc(out_dir: Path, items: list[Listing], seed: int) -> SampleSource:
    """A Google My Maps export: Document > Folder (theme) > Placemark with ExtendedData."""
    themes = sorted({item.service.activity.theme for item in items})
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<kml xmlns="http://www.opengis.net/kml/2.2">',
        "  <Document>",
        "    <name>London social prescribing schemes</name>",
        "    <description><![CDATA[Social prescribing schemes across London "
        "(fictional sample).]]></description>",
    ]
    for theme in themes:
        lines += ["    <Folder>", f"      <name>{escape(theme)}</name>"]
        for item in items:
            if item.service.activity.theme == theme:
                lines += _placemark(item, random.Random(f"{seed}:lvsc:{item.service.key}"))
        lines.append("    </Folder>")
    lines += ["  </Document>", "</kml>", ""]
    path = out_dir / "lvsc_social_prescribing_map.kml"
    path.write_text("\n".join(lines), encoding="utf-8", newline="\n")
    return SampleSource(
        LVSC, "lvsc", path, "LVSC social prescribing map (sample)", "CC-BY-4.0",
        "London Voluntary Service Council social prescribing map",
    )  # fmt: skip


def _placemark(item: Listing, rng: random.Random) -> list[str]:
    service, venue = item.service, item.venues[0]
    data = {
        "Organisation": item.organisation,
        "Borough": ", ".join(service.areas),
        "Address": f"{venue.name}, {venue.street}, London",
        "Postcode": venue.postcode,
        "Website": item.url,
        "Email": item.email,
        "Phone": item.phone,
        "Referral route": service.activity.referral,
        "Funding source": rng.choice(FUNDERS).format(borough=service.borough),
        "Funding position": rng.choice(FUNDING_POSITIONS),
        "Evaluation": rng.choice(EVALUATIONS),
    }
    lines = ["      <Placemark>", f"        <name>{escape(item.name)}</name>"]
    if item.description:
        lines.append(f"        <description><![CDATA[{escape(item.description)}]]></description>")
    lines += ["        <styleUrl>#icon-1899-0288D1</styleUrl>", "        <ExtendedData>"]
    for key, value in data.items():
        text = f"<value>{escape(value)}</value>" if value else "<value/>"
        lines.append(f'          <Data name="{key}">{text}</Data>')
    lines.append("        </ExtendedData>")
    if venue.latitude is not None:
        point = f"{venue.longitude:.6f},{venue.latitude:.6f},0"
        lines.append(f"        <Point><coordinates>{point}</coordinates></Point>")
    lines.append("      </Placemark>")
    return lines


# -- CarePlace exports (CSV) -------------------------------------------------------------


def _categories(service: Service) -> str:
    extra = ["Older people"] if service.ages.startswith("Over") else []
    return "; ".join([service.activity.theme, *extra])


def _coordinates(venue: Venue) -> tuple[str, str]:
    if venue.latitude is None or venue.longitude is None:
        return "", ""
    return f"{venue.latitude:.6f}", f"{venue.longitude:.6f}"


def write_careplace_camden(out_dir: Path, items: list[Listing]) -> SampleSource:
    """Camden's export: UTF-8 with a byte order mark, one row per location, coordinates."""
    headers = ["Provider ID", "Provider name", "Service ID", "Service name", "Description",
               "Categories", "Area covered", "Address line 1", "Address line 2", "Town",
               "Postcode", "Latitude", "Longitude", "Telephone", "Email", "Website", "Cost",
               "Opening times", "Age range", "Referral", "Last updated"]  # fmt: skip
    rows = [
        [f"PR{item.service.organisation.number:04d}", item.organisation,
         f"CP{item.service.number:05d}", item.name, item.description,
         _categories(item.service), "; ".join(item.service.areas), venue.name, venue.street,
         "London", venue.postcode, *_coordinates(venue), item.phone, item.email, item.url,
         item.service.cost, item.service.times, item.service.ages,
         item.service.activity.referral, item.service.updated]
        for item in items for venue in item.venues
    ]  # fmt: skip
    path = out_dir / "careplace_camden.csv"
    _write_csv(path, [headers, *rows], "utf-8-sig")
    return SampleSource(
        CAREPLACE_CAMDEN, "careplace", path, "CarePlace Camden export (sample)", "OGL-UK-3.0",
        f"Contains CarePlace data for Camden (fictional sample). {OGL}", borough="Camden",
    )  # fmt: skip


def write_careplace_islington(out_dir: Path, items: list[Listing]) -> SampleSource:
    """Islington's export: Windows-1252, other headers in another order, UK dates."""
    headers = ["Service Title", "Service ref", "Organisation Name", "Org ID", "Categories",
               "Description", "Address 1", "Town", "Post code", "Areas covered", "Tel",
               "E-mail", "Web address", "Fees", "Times", "Ages", "Who can use it",
               "Updated"]  # fmt: skip
    rows = [
        [item.name, f"CP{item.service.number:05d}", item.organisation,
         f"PR{item.service.organisation.number:04d}", _categories(item.service),
         item.description, f"{venue.name}, {venue.street}", "London", venue.postcode,
         "; ".join(item.service.areas), item.phone, item.email, item.url, item.service.cost,
         item.service.times, item.service.ages, item.service.activity.referral,
         "/".join(reversed(item.service.updated.split("-")))]
        for item in items for venue in item.venues
    ]  # fmt: skip
    path = out_dir / "careplace_islington.csv"
    _write_csv(path, [headers, *rows], "cp1252")
    return SampleSource(
        CAREPLACE_ISLINGTON, "careplace", path, "CarePlace Islington export (sample)",
        "not for redistribution",
        "CarePlace Islington (fictional sample); used with permission, not for redistribution.",
        redistributable=False, borough="Islington",
    )  # fmt: skip


# -- Council spreadsheet (CSV + TOML mapping) --------------------------------------------

SHEET_COLUMNS = {  # the mapping's [columns]: field -> header, in the sheet's order
    "service_id": "Ref", "service_name": "Service", "organization_name": "Organisation",
    "description": "About", "categories": "Category", "location_name": "Venue",
    "address_1": "Address", "postcode": "Post Code", "phone": "Tel", "email": "Email",
    "url": "Website", "opening_times": "When", "cost": "Cost", "age_range": "Ages",
    "area_covered": "Area", "referral": "How to refer", "last_updated": "Last checked",
}  # fmt: skip
ACCESS_NOTES = ("Step-free access", "Lift to first floor", "Accessible toilet", "", "")
MAPPING_HEAD = """\
# Mapping for the sample Camden Council spreadsheet (see importers/readers/spreadsheet.py).
name = "Camden Council community directory"
header_row = 2
key = "Ref"
categories_separator = ";"

[extra]
"Accessibility" = "Access notes"

[columns]
"""


def write_spreadsheet(out_dir: Path, items: list[Listing], seed: int) -> SampleSource:
    """Camden's own directory: a title line, then headers and one row per service."""
    headers = [*SHEET_COLUMNS.values(), "Access notes"]
    rows = [["Camden Council community directory - export (fictional sample)"], headers]
    for item in items:
        service, venue = item.service, item.venues[0]
        access = random.Random(f"{seed}:sheet:{service.key}").choice(ACCESS_NOTES)
        rows.append([
            f"CC-{service.number:04d}", item.name, item.organisation, item.description,
            _categories(service), venue.name, venue.street, venue.postcode, item.phone,
            item.email, item.url, service.times, service.cost, service.ages,
            "; ".join(service.areas), service.activity.referral, service.updated, access,
        ])  # fmt: skip
    path, mapping = out_dir / "council_spreadsheet.csv", out_dir / "council_spreadsheet.toml"
    _write_csv(path, rows, "utf-8")
    columns = "".join(f'{field} = "{header}"\n' for field, header in SHEET_COLUMNS.items())
    mapping.write_text(MAPPING_HEAD + columns, encoding="utf-8", newline="\n")
    return SampleSource(
        CAMDEN_SHEET, "csv", path, "Camden Council community directory spreadsheet (sample)",
        "OGL-UK-3.0", f"Camden Council (fictional sample). {OGL}", mapping=mapping,
    )  # fmt: skip


def _write_csv(path: Path, rows: list[list[Any]], encoding: str) -> None:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows(rows)


def _write_json(path: Path, document: Any) -> None:
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    path.write_text(text, encoding="utf-8", newline="\n")


# -- HSDS 3.0 and ORUK v1 feeds (JSON) ---------------------------------------------------


def _uid(seed: int, *parts: object) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(map(str, (seed, *parts)))))


def write_hsds(out_dir: Path, items: list[Listing], seed: int) -> SampleSource:
    """One page of a council's HSDS 3.0 API, `?full=true`: complete service objects."""
    services = [_hsds_service(item, seed) for item in items]
    page = {
        "total_items": len(services), "total_pages": 1, "page_number": 1,
        "size": len(services), "first_page": True, "last_page": True, "empty": not services,
        "contents": services,
    }  # fmt: skip
    path = out_dir / "council_hsds_feed.json"
    _write_json(path, page)
    return SampleSource(
        HACKNEY_HSDS, "hsds", path, "Hackney community directory, HSDS 3.0 feed (sample)",
        "OGL-UK-3.0", f"Hackney Council (fictional sample). {OGL}",
    )  # fmt: skip


def _hsds_service(item: Listing, seed: int) -> dict[str, Any]:
    service, key = item.service, item.service.key
    organisation = service.organisation
    minimum, maximum = parse_age_range(service.ages)
    result: dict[str, Any] = {
        "id": _uid(seed, "hsds", key), "name": item.name, "description": item.description,
        "url": item.url, "email": item.email, "status": "active",
        "fees_description": service.cost, "eligibility_description": service.ages,
        "minimum_age": minimum, "maximum_age": maximum,
        "last_modified": f"{service.updated}T09:00:00Z",
        "organization": {
            "id": _uid(seed, "hsds-organization", organisation.name), "name": item.organisation,
            "description": organisation.description, "website": organisation.website,
            "email": organisation.email,
        },
        "phones": [{"id": _uid(seed, "hsds", key, "phone"), "number": item.phone}],
        "schedules": [
            {"id": _uid(seed, "hsds", key, "schedule", n), **schedule}
            for n, schedule in enumerate(parse_opening_times(service.times))
        ],
        "cost_options": [
            {"id": _uid(seed, "hsds", key, "cost", n), **option}
            for n, option in enumerate(parse_cost(service.cost))
        ],
        "service_areas": [
            {"id": _uid(seed, "hsds", key, "area", area), "name": area, "extent_type": "borough"}
            for area in service.areas
        ],
        "languages": [{"id": _uid(seed, "hsds", key, "language"), "name": "English", "code": "en"}],
        "service_at_locations": [
            {"id": _uid(seed, "hsds", key, "sal", n), "location": _hsds_location(item, n, seed)}
            for n in range(len(item.venues))
        ],
        "attributes": [_hsds_category(service, seed)],
    }  # fmt: skip
    return {field: value for field, value in result.items() if value not in ("", None)}


def _hsds_location(item: Listing, n: int, seed: int) -> dict[str, Any]:
    venue, real = item.venues[n], item.service.venues[n]
    location_id = _uid(seed, "hsds-location", real.name, real.postcode)
    location: dict[str, Any] = {"id": location_id, "location_type": "physical", "name": venue.name}
    if venue.latitude is not None:
        location.update(latitude=venue.latitude, longitude=venue.longitude)
    location["addresses"] = [{
        "id": _uid(seed, "hsds-address", location_id), "address_1": venue.street,
        "city": "London", "state_province": "Greater London", "postal_code": venue.postcode,
        "country": "GB", "address_type": "physical",
    }]  # fmt: skip
    return location


def _hsds_category(service: Service, seed: int) -> dict[str, Any]:
    theme = service.activity.theme
    term = {
        "id": _uid(seed, "hsds-term", theme), "name": theme, "description": theme,
        "taxonomy": "Hackney directory categories",
    }  # fmt: skip
    return {"id": _uid(seed, "hsds", service.key, "category"), "taxonomy_term_id": term["id"],
            "taxonomy_term": term}  # fmt: skip


def write_oruk(out_dir: Path, items: list[Listing], seed: int) -> SampleSource:
    """One page of a legacy Open Referral UK (v1) API, as many UK directories still publish."""
    services = [_oruk_service(item, seed) for item in items]
    page = {
        "totalElements": len(services), "totalPages": 1, "number": 1, "size": len(services),
        "first": True, "last": True, "empty": not services, "content": services,
    }  # fmt: skip
    path = out_dir / "oruk_feed.json"
    _write_json(path, page)
    return SampleSource(
        ISLINGTON_ORUK, "oruk", path, "Islington community directory, ORUK feed (sample)",
        "OGL-UK-3.0", f"Islington Council (fictional sample). {OGL}",
    )  # fmt: skip


def _oruk_service(item: Listing, seed: int) -> dict[str, Any]:
    service = item.service
    number = 20000 + service.number
    minimum, maximum = parse_age_range(service.ages)
    theme = service.activity.theme
    schedules = [
        {"id": f"rs-{number}-{n}", "freq": s["freq"], "interval": 1, "byday": s.get("byday"),
         "opens_at": f"{s['opens_at']}:00" if "opens_at" in s else None,
         "closes_at": f"{s['closes_at']}:00" if "closes_at" in s else None,
         "description": service.times}
        for n, s in enumerate(parse_opening_times(service.times))
    ]  # fmt: skip
    costs = [
        {"id": f"co-{number}-{n}", "option": c.get("option"), "amount_description": service.cost,
         "amount": f"{c['amount']:.2f}" if "amount" in c else None}
        for n, c in enumerate(parse_cost(service.cost))
    ]  # fmt: skip
    return {
        "id": str(number), "name": item.name, "description": item.description,
        "url": item.url or None, "email": item.email or None, "status": "active",
        "fees": service.cost, "accreditations": None, "deliverable_type": "Activity",
        "assured_date": service.updated, "attending_type": "venue",
        "attending_access": "drop-in",
        "organization": {
            "id": _uid(seed, "oruk-organization", service.organisation.name),
            "name": item.organisation, "description": service.organisation.description,
            "email": service.organisation.email, "url": service.organisation.website,
            "logo": None, "uri": "",
        },
        "contacts": [{"id": f"c-{number}", "name": None, "title": "Service contact",
                      "phones": [{"id": f"p-{number}", "number": item.phone}]}],
        "cost_options": costs,
        "eligibilitys": [{"id": f"el-{number}", "eligibility": service.ages,
                          "minimum_age": minimum, "maximum_age": maximum}],
        "regular_schedules": schedules,
        "service_areas": [{"id": f"sa-{number}-{n}", "service_area": area}
                          for n, area in enumerate(service.areas)],
        "languages": [{"id": f"l-{number}", "language": "English"}],
        "service_at_locations": [
            {"id": f"sal-{number}-{n}", "location": _oruk_location(item, n, seed)}
            for n in range(len(item.venues))
        ],
        "service_taxonomys": [{"id": f"st-{number}", "taxonomy": {
            "id": _uid(seed, "oruk-term", theme), "name": theme,
            "vocabulary": "Islington directory categories", "parent": None}}],
    }  # fmt: skip


def _oruk_location(item: Listing, n: int, seed: int) -> dict[str, Any]:
    venue, real = item.venues[n], item.service.venues[n]
    location_id = _uid(seed, "oruk-location", real.name, real.postcode)
    return {
        "id": location_id, "name": venue.name, "description": "",
        "latitude": venue.latitude, "longitude": venue.longitude,
        "physical_addresses": [{
            "id": _uid(seed, "oruk-address", location_id), "address_1": venue.street,
            "city": "London", "state_province": "", "postal_code": venue.postcode,
            "country": "GB",
        }],
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path, metavar="OUT_DIR")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    for source in write_samples(args.out_dir, args.seed):
        print(f"{source.format:<10} {source.name:<32} {source.path}")
    print(f"wrote {args.out_dir / MANIFEST}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
