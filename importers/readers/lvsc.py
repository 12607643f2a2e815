"""Read the LVSC social prescribing map: a Google My Maps export as KML, KMZ or CSV.

KML (namespace ``http://www.opengis.net/kml/2.2``, or none): Document > Folder >
Placemark, each with a ``<name>``, an HTML ``<description>``, ``<ExtendedData>`` columns
(``<Data name="..."><value>``, or ``<SimpleData>``) and a ``<Point><coordinates>lon,lat,alt``.
A KMZ is a zip holding ``doc.kml`` (or any ``.kml``). The CSV export is the same layer
with a ``WKT`` column ``POINT (lon lat)`` beside ``name``, ``description`` and the columns.

XML is parsed only with defusedxml, streamed with iterparse: entity declarations
("billion laughs"), external entities and malformed or truncated XML raise
SourceFormatError, possibly after earlier placemarks were yielded.

Columns are found by COLUMNS and SCHEME_FIELDS aliases (case, spacing and punctuation
ignored); scheme fields become attributes (taxonomy "LVSC scheme fields"), each enclosing
folder an attribute (taxonomy "LVSC folder"). A data field that neither names is kept in
the source record's raw payload, not published, and the import report lists it once.
The key is the "ID"/"Scheme ID" column, else the Placemark's id attribute, else a hash of
folder and name.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from typing import IO
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException, EntitiesForbidden
from defusedxml.ElementTree import ParseError, iterparse

from importers.readers.archives import check_unzipped_size, open_zip, reading_archive
from importers.readers.flat import FieldError, build_service
from importers.readers.record import (
    Note,
    Record,
    RecordError,
    SourceFormatError,
    unpublished_column,
)
from importers.readers.tabular import DEFAULT_SIZE_LIMIT, check_size, match_columns, open_csv

SCHEME_TAXONOMY = "LVSC scheme fields"
FOLDER_TAXONOMY = "LVSC folder"

COLUMNS: dict[str, list[str]] = {
    "id": ["ID", "Scheme ID", "Scheme ref", "Scheme reference", "Reference", "Ref"],
    "service_name": ["Name", "Scheme name", "Scheme", "Service name", "Title"],
    "organization_name": [
        "Organisation",
        "Organisation name",
        "Organization",
        "Organization name",
        "Lead organisation",
        "Provider",
    ],
    "area_covered": ["Borough", "Boroughs", "Local authority", "Borough covered", "Area"],
    "address_1": ["Address", "Full address", "Venue address", "Location"],
    "postcode": ["Postcode", "Post code", "Postal code"],
    "latitude": ["Latitude", "Lat"],
    "longitude": ["Longitude", "Lon", "Lng", "Long"],
    "url": ["Website", "Web address", "Web site", "URL", "Web", "Link"],
    "email": ["Email", "E-mail", "Email address", "Contact email"],
    "phone": ["Phone", "Telephone", "Tel", "Phone number", "Contact number"],
    "description": ["Description", "Scheme description", "Summary", "About"],
    "referral": ["Referral route", "Referral", "Referrals", "How to refer", "Referral pathway"],
    "funding": ["Funding source", "Funding sources", "Funder", "Funded by", "Funding"],
}
# attribute name (as it appears in HSDS) -> column aliases
SCHEME_FIELDS: dict[str, list[str]] = {
    "Funding position": ["Funding position", "Funding status"],
    "Evaluation": ["Evaluation", "Evaluated", "Evaluation method"],
    "Staffing": ["Staffing", "Staff", "Staffing model"],
    "Sustainability": ["Sustainability"],
    "Activities": ["Activities", "Activity"],
    "Target group": ["Target group", "Who it is for"],
}
# the CSV export's own columns, beside the data columns
CSV_COLUMNS: dict[str, list[str]] = {
    "name": COLUMNS["service_name"],
    "description": ["description"],
    "wkt": ["WKT", "Geometry", "geom"],
    "folder": ["Folder", "Layer"],
}

_WKT_POINT = re.compile(
    r"POINT\s*Z?\s*\(\s*(?P<lon>\S+)\s+(?P<lat>\S+)(?:\s+\S+)?\s*\)\s*", re.IGNORECASE
)


@dataclass
class Placemark:
    """One placemark or CSV row as read, before mapping to HSDS."""

    name: str
    description_html: str
    data: dict[str, str]  # ExtendedData / data columns, header -> text
    point: str = ""  # "lon,lat,alt" (KML) or "POINT (lon lat)" (CSV WKT), as read
    point_field: str = "coordinates"  # where `point` came from: "coordinates" or the WKT column
    folders: list[str] = field(default_factory=list)
    element_id: str = ""


def read_lvsc(
    path: Path, *, size_limit: int = DEFAULT_SIZE_LIMIT
) -> Iterator[Record | RecordError | Note]:
    """Yield a Record per placemark of an LVSC map export (.kml, .kmz or .csv)."""
    suffix = path.suffix.lower()
    if suffix == ".kml":
        check_size(path, size_limit)
        with path.open("rb") as handle:
            yield from read_kml(path.name, handle)
    elif suffix == ".kmz":
        yield from read_kmz(path, size_limit)
    elif suffix == ".csv":
        yield from read_lvsc_csv(path, size_limit)
    else:
        raise SourceFormatError(f"{path.name}: an LVSC map must be a .kml, .kmz or .csv file.")


def read_kmz(
    path: Path, size_limit: int = DEFAULT_SIZE_LIMIT
) -> Iterator[Record | RecordError | Note]:
    """Yield the placemarks of the KML inside a KMZ (doc.kml, else the first .kml)."""
    check_size(path, size_limit)
    with open_zip(path) as archive:
        names = [info for info in archive.infolist() if info.filename.lower().endswith(".kml")]
        if not names:
            raise SourceFormatError(f"{path.name}: the KMZ contains no .kml file.")
        member = next((info for info in names if info.filename == "doc.kml"), names[0])
        check_unzipped_size(path.name, [member], size_limit)
        with reading_archive(path.name), archive.open(member) as handle:
            yield from read_kml(path.name, handle)


def read_kml(name: str, handle: IO[bytes]) -> Iterator[Record | RecordError | Note]:
    """Stream the placemarks of a KML document; `name` is the file name for messages."""
    noted: set[str] = set()
    for number, (folders, element) in enumerate(_iter_placemarks(name, handle), start=1):
        placemark = _placemark(element, folders)
        label = "/".join([*folders, placemark.name.strip()])
        position = f"placemark {number} ({label})"
        yield from _unpublished(position, placemark, noted)
        yield to_record(position, placemark)


def _iter_placemarks(name: str, handle: IO[bytes]) -> Iterator[tuple[list[str], Element]]:
    """Yield (folder names, Placemark element), dropping each element once it is read."""
    stack: list[Element] = []
    folders: list[str] = []
    try:
        for event, element in iterparse(handle, events=("start", "end")):
            tag = _local(element.tag)
            if event == "start":
                if not stack and tag != "kml":
                    raise SourceFormatError(
                        f"{name}: this is not a KML file (its root element is <{tag}>)."
                    )
                stack.append(element)
                if tag == "Folder":
                    folders.append("")
                continue
            stack.pop()
            parent = _local(stack[-1].tag) if stack else ""
            if tag == "name" and parent == "Folder":
                folders[-1] = _text(element).strip()
            elif tag == "Placemark":
                yield [folder for folder in folders if folder], element
            elif tag == "Folder":
                folders.pop()
            if parent in ("Document", "Folder"):
                stack[-1].remove(element)  # keep memory flat on large maps
    except ParseError as exc:
        raise SourceFormatError(
            f"{name}: the file is not well-formed XML, perhaps truncated ({exc})."
        ) from exc
    except EntitiesForbidden as exc:
        raise SourceFormatError(
            f"{name}: the file declares XML entities, which are refused as a possible "
            "entity-expansion attack."
        ) from exc
    except DefusedXmlException as exc:
        raise SourceFormatError(
            f"{name}: the file uses a forbidden XML feature ({type(exc).__name__})."
        ) from exc


def _placemark(element: Element, folders: list[str]) -> Placemark:
    placemark = Placemark("", "", {}, folders=folders, element_id=element.get("id") or "")
    for child in element:
        tag = _local(child.tag)
        if tag == "name":
            placemark.name = _text(child)
        elif tag == "description":
            placemark.description_html = _text(child)
        elif tag == "ExtendedData":
            placemark.data = _extended_data(child)
    for item in element.iter():
        if _local(item.tag) == "Point":
            coordinates = [child for child in item if _local(child.tag) == "coordinates"]
            placemark.point = _text(coordinates[0]).strip() if coordinates else ""
            break
    return placemark


def _extended_data(element: Element) -> dict[str, str]:
    """<Data name><value> and <SchemaData><SimpleData name> pairs; the first of a name wins."""
    data: dict[str, str] = {}
    for item in element.iter():
        tag = _local(item.tag)
        key = (item.get("name") or "").strip()
        if tag == "Data" and key:
            values = [child for child in item if _local(child.tag) == "value"]
            data.setdefault(key, _text(values[0]) if values else "")
        elif tag == "SimpleData" and key:
            data.setdefault(key, _text(item))
    return data


def read_lvsc_csv(
    path: Path, size_limit: int = DEFAULT_SIZE_LIMIT
) -> Iterator[Record | RecordError | Note]:
    """Yield a Record per row of the map's CSV export (a WKT column and the data columns)."""
    noted: set[str] = set()
    with open_csv(path, size_limit) as table:
        special = match_columns(table.headers, CSV_COLUMNS)
        if "name" not in special:
            raise SourceFormatError(
                f"{path.name}: no name column was found "
                f"(the headers are: {', '.join(table.headers)})."
            )
        for line, row in table.rows:
            folder = row.get(special.get("folder", ""), "").strip()
            placemark = Placemark(
                name=row[special["name"]],
                description_html=row.get(special.get("description", ""), ""),
                data={key: text for key, text in row.items() if key not in special.values()},
                point=row.get(special.get("wkt", ""), "").strip(),
                point_field=special.get("wkt", "WKT"),
                folders=[folder] if folder else [],
            )
            yield from _unpublished("header", placemark, noted)
            yield to_record(f"line {line}", placemark, raw=row)


def to_record(
    position: str, placemark: Placemark, raw: dict[str, str] | None = None
) -> Record | RecordError:
    """Map one placemark to an HSDS service; `raw` is the CSV row, if it came from one."""
    folder = "/".join(placemark.folders)
    name = placemark.name.strip()
    columns = _match(tuple(placemark.data))
    values = {key: placemark.data[header] for key, header in columns.items()}
    source_id = values.pop("id", "").strip() or placemark.element_id.strip()
    key = source_id or _hash_key(folder, name)
    values["service_id"] = source_id
    values["service_name"] = name or values.get("service_name", "")
    values["organization_name"] = values.get("organization_name", "").strip() or name
    values["organization_url"] = values.get("url", "")
    if not values.get("description", "").strip():
        values["description"] = html_to_text(placemark.description_html)
    labels = {"service_name": "name", **columns}
    try:
        if placemark.point:
            values["longitude"], values["latitude"] = _parse_point(placemark)
            labels["latitude"] = labels["longitude"] = placemark.point_field
        service = build_service(
            values,
            taxonomy=SCHEME_TAXONOMY,
            categories=placemark.folders,
            categories_taxonomy=FOLDER_TAXONOMY,
            extra=_extra(placemark.data, columns),
            labels=labels,
        )
    except FieldError as exc:
        return RecordError(position, exc.reason, key=key, field=exc.field)
    record_raw = {**(raw if raw is not None else placemark.data)}
    record_raw.update(
        folder=folder,
        name=placemark.name,
        description_html=placemark.description_html,
        coordinates=placemark.point,
    )
    return Record(key=key, position=position, raw=record_raw, service=service)


@lru_cache(maxsize=64)
def _match(headers: tuple[str, ...]) -> dict[str, str]:
    return match_columns(headers, {**COLUMNS, **SCHEME_FIELDS})


def _extra(data: dict[str, str], columns: dict[str, str]) -> list[tuple[str, str]]:
    """(attribute name, text) for the scheme fields (other unknown fields are not published)."""
    return [(name, data[columns[name]]) for name in SCHEME_FIELDS if name in columns]


def _unpublished(position: str, placemark: Placemark, noted: set[str]) -> Iterator[Note]:
    """A Note for each data field no alias names, the first time one is met."""
    used = set(_match(tuple(placemark.data)).values())
    for header in placemark.data:
        if header not in used and header not in noted:
            noted.add(header)
            yield unpublished_column(position, header)


def _parse_point(placemark: Placemark) -> tuple[str, str]:
    """(longitude, latitude) text from KML coordinates or a WKT POINT; ('', '') if no point."""
    text = placemark.point
    if placemark.point_field == "coordinates":  # KML: "lon,lat[,alt]" tuples
        parts = text.split()[0].split(",")
        if len(parts) < 2:
            raise FieldError("coordinates", f"coordinates {text!r} are not 'longitude,latitude'")
        return parts[0], parts[1]
    if not text.upper().startswith("POINT") or text.upper().endswith("EMPTY"):
        return "", ""  # a line or area, or no geometry: no point to place
    match = _WKT_POINT.fullmatch(text)
    if match is None:
        raise FieldError(placemark.point_field, f"{text!r} is not a WKT POINT (lon lat)")
    return match["lon"], match["lat"]


def _hash_key(folder: str, name: str) -> str:
    return "sha1:" + hashlib.sha1(f"{folder}/{name}".encode()).hexdigest()[:20]


def _local(tag: object) -> str:
    """An element's tag without its namespace; '' for comments and processing instructions."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _text(element: Element) -> str:
    return "".join(element.itertext())


class _TextParser(HTMLParser):
    BREAKS = frozenset({"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag in ("script", "style"):
            self.hidden += 1
        elif tag in self.BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.hidden = max(0, self.hidden - 1)
        elif tag in self.BREAKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """The text of an HTML fragment: tags dropped, entities decoded, one line per block."""
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)
