"""Read an HSDS tabular data package: a folder or zip with datapackage.json and CSV files.

Each resource's ``path`` is followed (HSDS 1.1 packages name tables in the singular and
files in the plural). HSDS 3.0 tables and the HSDS 1.1 ones (physical_address,
regular_schedule, eligibility, payment_accepted, service_taxonomy, holiday_schedule, ...)
are assembled into nested HSDS 3.0 service dicts, the shape of GET /services/{id}.

Memory: every table except services is read first and indexed by its foreign keys, so
memory grows with the child tables (a few hundred bytes a row); services then stream.
The descriptor and the tables may come to at most `size_limit` bytes (200 MB) unzipped,
which bounds that memory and stops a zip bomb before it is inflated.
A child row is nested under every owner its foreign keys name (a phone with service_id
and location_id appears under both), as in HSDS's own service_full.json example.
Out-of-range coordinates are dropped, and bad numbers left out, with a note in
``raw["_warnings"]`` naming the table row. Each record's `origins` says which table row
every nested object came from, so the import reports a warning about a phone at
``phones.csv line N``, not at the service's line.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from contextlib import ExitStack
from itertools import chain
from pathlib import Path, PurePosixPath
from typing import IO, Any

from app.export.flat import spreadsheet_text
from importers.readers import oruk
from importers.readers.archives import ZIP_ERRORS, check_unzipped_size
from importers.readers.record import Note, Record, RecordError, SourceFormatError
from importers.readers.tabular import DEFAULT_SIZE_LIMIT, check_size

NUMERIC_FIELDS = {
    "latitude", "longitude", "minimum_age", "maximum_age", "amount", "extension",
    "interval", "count", "timezone", "year_incorporated",
}  # fmt: skip
# Foreign keys say where a row nests; nested HSDS objects do not repeat them.
FOREIGN_KEYS = {
    "service_id", "organization_id", "program_id", "location_id", "service_at_location_id",
    "contact_id", "phone_id", "link_id", "taxonomy_term_id", "taxonomy_id", "resource_id",
}  # fmt: skip
# Resource name (or file stem) -> table. HSDS 3.0 names map to themselves.
TABLES = {
    "service": "services", "organization": "organizations", "location": "locations",
    "service_at_location": "service_at_locations", "services_at_location": "service_at_locations",
    "address": "addresses", "phone": "phones", "schedule": "schedules",
    "service_area": "service_areas", "language": "languages", "cost_option": "cost_options",
    "contact": "contacts", "program": "programs", "required_document": "required_documents",
    "taxonomy_term": "taxonomy_terms", "attribute": "attributes",
    "organization_identifier": "organization_identifiers",
    # HSDS 1.1
    "physical_address": "physical_addresses", "postal_address": "postal_addresses",
    "regular_schedule": "regular_schedules", "holiday_schedule": "holiday_schedules",
    "accessibility_for_disabilities": "accessibility", "eligibilitys": "eligibility",
    "payment_accepted": "payments_accepted", "services_taxonomy": "service_taxonomy",
}  # fmt: skip
KNOWN_TABLES = set(TABLES.values()) | {
    "funding", "taxonomies", "metadata", "service_at_locations", "taxonomy",
}  # fmt: skip
HSDS_1_1 = "HSDS 1.1"
DESCRIPTOR = PurePosixPath("datapackage.json")
SERVICES_CSV = "services.csv"


def read_datapackage(
    path: str | Path, *, size_limit: int = DEFAULT_SIZE_LIMIT
) -> Iterator[Record | RecordError | Note]:
    """Yield one Record per row of the services table of an HSDS data package whose
    descriptor and tables come to at most `size_limit` bytes (unzipped).

    A package whose datapackage.json is missing or is not JSON (HSDS's own tabular
    examples hold a link to the specification's descriptor, which a checkout without
    links, or a download, turns into a line of text) but which has a services.csv is
    read by its CSV files' names, with a Note saying so."""
    path = Path(path)
    with ExitStack() as stack:
        package = _open_package(path, stack, size_limit)
        described = package.exists(DESCRIPTOR)
        if described:
            package.check_size([DESCRIPTOR], size_limit)
        resources, note = _resources(package)
        if note:
            yield note
        if "services" not in resources:
            raise SourceFormatError(f"{path} has no services table in its datapackage.json.")
        package.check_size([DESCRIPTOR] * described + [*chain(*resources.values())], size_limit)
        tables = _Tables()
        for table, paths in resources.items():
            if table != "services":
                for row, position in _read_rows(package, paths):
                    tables.add(table, _clean_row(row, position))
        assembler = _Assembler(tables)
        seen: set[str] = set()
        for row, position in _read_rows(package, resources["services"]):
            yield assembler.record(row, position, seen)


class _Tables:
    """Rows of the child tables, indexed by ``id`` and every ``*_id`` column."""

    def __init__(self) -> None:
        self._index: dict[tuple[str, str], dict[str, list[dict[str, Any]]]] = {}

    def add(self, table: str, row: dict[str, Any]) -> None:
        for field, value in row.items():
            if field == "id" or field.endswith("_id"):
                self._index.setdefault((table, field), defaultdict(list))[value].append(row)

    def find(self, table: str, field: str, value: Any) -> list[dict[str, Any]]:
        if value in (None, ""):
            return []
        return self._index.get((table, field), {}).get(value, [])

    def get(self, table: str, value: Any) -> dict[str, Any] | None:
        rows = self.find(table, "id", value)
        return rows[0] if rows else None


class _Assembler:
    """Builds nested HSDS 3.0 objects from indexed rows; `warnings` collects notes."""

    def __init__(self, tables: _Tables) -> None:
        self.tables = tables
        self.warnings: list[str] = []

    def record(self, raw: dict[str, Any], position: str, seen: set[str]) -> Record | RecordError:
        row = _clean_row(raw, position)
        key, name = row.get("id"), row.get("name")
        if not key:
            return RecordError(position, "service has no id", field="id")
        if not name:
            return RecordError(position, "service has no name", key=key, field="name")
        if key in seen:
            return RecordError(position, f"duplicate service id {key}", key=key, field="id")
        seen.add(key)
        self.warnings = []
        service = self.service(row)
        if self.warnings:
            raw["_warnings"] = self.warnings
        origins = _origins(service, "", {})
        origins.pop("", None)  # the service row itself is the record's position
        return Record(key=key, position=position, raw=raw, service=service, origins=origins)

    def service(self, row: dict[str, Any]) -> dict[str, Any]:
        find, sid = self.tables.find, row["id"]
        service = self.take(row)
        service.pop("taxonomy_ids", None)  # HSDS 1.1, read by service_attributes
        if service.get("fees") and not service.get("fees_description"):
            service["fees_description"] = service["fees"]
        eligibility = [self.take(r) for r in find("eligibility", "service_id", sid)]
        oruk.map_eligibility(eligibility, service)
        organization = self.tables.get("organizations", row.get("organization_id"))
        program = self.tables.get("programs", row.get("program_id"))
        children = {
            "organization": self.organization(organization) if organization else None,
            "program": self.take(program) if program else None,
            "phones": self.phones("service_id", sid),
            "schedules": self.schedules("service_id", sid),
            "contacts": self.contacts("service_id", sid),
            "service_areas": self.each("service_areas", sid, oruk.map_service_area),
            "languages": self.each("languages", sid, oruk.map_language),
            "cost_options": self.each("cost_options", sid, self.take),
            "funding": self.each("funding", sid, self.take),
            "required_documents": self.each("required_documents", sid, self.take),
            "service_at_locations": [
                self.service_at_location(r) for r in find("service_at_locations", "service_id", sid)
            ],
            "attributes": self.service_attributes(row),
            "metadata": [self.take(r) for r in find("metadata", "resource_id", sid)],
        }
        service.update({key: value for key, value in children.items() if value})
        return service

    def service_attributes(self, row: dict[str, Any]) -> list[dict[str, Any]]:
        """HSDS 3.0 attributes, plus HSDS 1.1 service_taxonomy, taxonomy_ids and payments."""
        find, sid = self.tables.find, row["id"]
        attributes = self.attributes(sid)
        attributes += [
            {k: r[k] for k in ("id",) if k in r}
            | self.term_link(r.get("taxonomy_id"), r.get("taxonomy_detail"))
            for r in find("service_taxonomy", "service_id", sid)
        ]
        term_ids = str(row.get("taxonomy_ids", "")).split(",")
        attributes += [self.term_link(t.strip()) for t in term_ids if t.strip()]
        attributes += [
            oruk.field_attribute("payment_accepted", r["payment"], HSDS_1_1)
            for r in find("payments_accepted", "service_id", sid)
            if r.get("payment")
        ]
        return [a for a in attributes if a.get("taxonomy_term")]

    def organization(self, row: dict[str, Any]) -> dict[str, Any]:
        organization = self.take(row)
        if "url" in organization and "website" not in organization:  # HSDS 1.1
            organization["website"] = organization.pop("url")
        oid = row["id"]
        children = {
            "organization_identifiers": [
                self.take(r)
                for r in self.tables.find("organization_identifiers", "organization_id", oid)
            ],
            "phones": self.phones("organization_id", oid),
            "attributes": self.attributes(oid),
        }
        organization.update({key: value for key, value in children.items() if value})
        return organization

    def service_at_location(self, row: dict[str, Any]) -> dict[str, Any]:
        result, sal_id = self.take(row), row.get("id")
        location = self.tables.get("locations", row.get("location_id"))
        children = {
            "location": self.location(location) if location else None,
            "phones": self.phones("service_at_location_id", sal_id),
            "schedules": self.schedules("service_at_location_id", sal_id),
            "contacts": self.contacts("service_at_location_id", sal_id),
            "attributes": self.attributes(sal_id),
        }
        result.update({key: value for key, value in children.items() if value})
        return result

    def location(self, row: dict[str, Any]) -> dict[str, Any]:
        location, lid = self.take(row), row["id"]
        location.setdefault("location_type", "physical")  # HSDS 1.1 has only physical places
        oruk.check_coordinates(location, self.warnings)
        find = self.tables.find
        addresses = [self.take(r) for r in find("addresses", "location_id", lid)]
        for table, address_type in (
            ("physical_addresses", "physical"),
            ("postal_addresses", "postal"),
        ):
            rows = find(table, "location_id", lid)
            addresses += [_carried(r, oruk.map_address(self.take(r), address_type)) for r in rows]
        children = {
            "addresses": addresses,
            "phones": self.phones("location_id", lid),
            "schedules": self.schedules("location_id", lid),
            "accessibility": [
                _carried(r, oruk.map_accessibility(self.take(r)))
                for r in find("accessibility", "location_id", lid)
            ],
            "languages": [
                _carried(r, oruk.map_language(self.take(r)))
                for r in find("languages", "location_id", lid)
            ],
            "contacts": self.contacts("location_id", lid),
            "attributes": self.attributes(lid),
        }
        location.update({key: value for key, value in children.items() if value})
        return location

    def phones(self, field: str, value: str) -> list[dict[str, Any]]:
        phones = []
        for row in self.tables.find("phones", field, value):
            phone = _carried(row, oruk.map_phone(self.take(row)))
            languages = self.tables.find("languages", "phone_id", row.get("id"))
            phone.setdefault("languages", []).extend(
                _carried(r, oruk.map_language(self.take(r))) for r in languages
            )
            phones.append({k: v for k, v in phone.items() if v})
        return phones

    def schedules(self, field: str, value: str) -> list[dict[str, Any]]:
        find = self.tables.find
        schedules = [self.take(r) for r in find("schedules", field, value)]
        schedules += [
            _carried(r, oruk.map_regular_schedule(self.take(r), self.warnings))
            for r in find("regular_schedules", field, value)
        ]
        schedules += [
            _carried(r, oruk.map_holiday_schedule(self.take(r)))
            for r in find("holiday_schedules", field, value)
        ]
        return schedules

    def contacts(self, field: str, value: str) -> list[dict[str, Any]]:
        contacts = []
        for row in self.tables.find("contacts", field, value):
            contact = self.take(row)
            phones = self.phones("contact_id", row.get("id"))
            contacts.append(contact | ({"phones": phones} if phones else {}))
        return contacts

    def attributes(self, link_id: str) -> list[dict[str, Any]]:
        """HSDS 3.0 attributes linked to `link_id`, each with its taxonomy_term."""
        attributes = []
        for row in self.tables.find("attributes", "link_id", link_id):
            attributes.append(self.take(row) | self.term_link(row.get("taxonomy_term_id")))
        return attributes

    def term_link(self, term_id: str | None, value: str | None = None) -> dict[str, Any]:
        """``{"taxonomy_term": {..., "taxonomy_detail": {...}}}`` for a term id, if known."""
        row = self.tables.get("taxonomy_terms", term_id)
        if row is None:
            if term_id:
                self.warnings.append(f"taxonomy term {term_id} is not in the package")
            return {}
        term = self.take(row)
        if "vocabulary" in term:  # HSDS 1.1 taxonomy table
            term.setdefault("taxonomy", term.pop("vocabulary"))
        term.pop("parent_name", None)
        taxonomy = self.tables.get("taxonomies", row.get("taxonomy_id"))
        if taxonomy:
            term["taxonomy_detail"] = self.take(taxonomy)
        return {"taxonomy_term": term} | ({"value": value} if value else {})

    def each(self, table: str, service_id: str, build: Any) -> list[dict[str, Any]]:
        rows = self.tables.find(table, "service_id", service_id)
        return [_carried(r, build(self.take(r))) for r in rows]

    def take(self, row: dict[str, Any]) -> dict[str, Any]:
        """A copy of `row` without foreign keys, keeping where it was read (``_at``, taken
        out again by `_origins`); its cleaning notes go to `warnings`."""
        self.warnings.extend(w for w in row.get("_warnings", ()) if w not in self.warnings)
        return {k: v for k, v in row.items() if k not in FOREIGN_KEYS and k != "_warnings"}


def _carried(row: dict[str, Any], built: dict[str, Any]) -> dict[str, Any]:
    """`built` (an oruk mapper's object made from `row`) with the row's place kept."""
    if "_at" in row:
        built["_at"] = row["_at"]
    return built


def _origins(value: Any, path: str, found: dict[str, str]) -> dict[str, str]:
    """Path in the service -> "table.csv line N" of every object nested in it, the
    ``_at`` markers taken out of the service as they are collected."""
    if isinstance(value, dict):
        at = value.pop("_at", None)
        if isinstance(at, str):
            found.setdefault(path, at)
        for key, item in value.items():
            _origins(item, f"{path}.{key}" if path else key, found)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _origins(item, f"{path}[{index}]", found)
    return found


# -- package access ------------------------------------------------------------------------


class _Package:
    """A folder or zip holding datapackage.json; opens member files by safe relative path."""

    def __init__(self, label: str, root: Path | None, archive: zipfile.ZipFile | None, prefix: str):
        self.label, self.root, self.archive, self.prefix = label, root, archive, prefix

    def exists(self, relative: PurePosixPath) -> bool:
        if self.archive is not None:
            try:
                self.archive.getinfo(self.prefix + str(relative))
            except KeyError:
                return False
            return True
        target = (self.root / relative).resolve()
        if not target.is_relative_to(self.root.resolve()):  # a symlink out of the folder
            raise SourceFormatError(f"{self.label}: {relative} points outside the package.")
        return target.is_file()

    def csv_files(self) -> list[str]:
        """The names of the CSV files beside the descriptor, sorted."""
        if self.archive is not None:
            names = [
                n[len(self.prefix) :] for n in self.archive.namelist() if n.startswith(self.prefix)
            ]
            names = [n for n in names if n and "/" not in n]
        else:
            names = [p.name for p in self.root.iterdir() if p.is_file()]
        return sorted(n for n in names if n.lower().endswith(".csv"))

    def check_size(self, paths: list[PurePosixPath], limit: int) -> None:
        """Raise SourceFormatError if these files come to more than `limit` bytes."""
        if self.archive is not None:
            members = [self.archive.getinfo(self.prefix + str(p)) for p in dict.fromkeys(paths)]
            check_unzipped_size(self.label, members, limit)
            return
        total = sum((self.root / p).stat().st_size for p in dict.fromkeys(paths))
        if total > limit:
            raise SourceFormatError(
                f"{self.label}: the package is {total:,} bytes, over the {limit:,}-byte limit."
            )

    def open(self, relative: PurePosixPath | str, encoding: str = "utf-8-sig") -> IO[str]:
        if self.archive is not None:
            binary = self.archive.open(self.prefix + str(relative))
            return io.TextIOWrapper(binary, encoding=encoding, newline="")
        return (self.root / relative).open(encoding=encoding, newline="")


def _open_package(path: Path, stack: ExitStack, size_limit: int) -> _Package:
    if path.is_dir():
        if not any((path / name).is_file() for name in ("datapackage.json", SERVICES_CSV)):
            raise SourceFormatError(f"{path} has no datapackage.json (nor a {SERVICES_CSV}).")
        return _Package(str(path), path, None, "")
    if not path.exists():
        raise SourceFormatError(f"{path} does not exist.")
    if path.is_file() and path.name == "datapackage.json":
        return _Package(str(path.parent), path.parent, None, "")
    if path.suffix.lower() in (".json", ".ndjson", ".jsonl"):
        raise SourceFormatError(
            f"{path} is a JSON file, not a data package: import HSDS JSON with `signpost "
            "import hsds` (or `oruk`), or give the package's folder or zip."
        )
    check_size(path, size_limit)
    if not zipfile.is_zipfile(path):
        raise SourceFormatError(f"{path} is neither a folder nor a zip holding datapackage.json.")
    try:
        archive = stack.enter_context(zipfile.ZipFile(path))
    except ZIP_ERRORS as exc:
        raise SourceFormatError(f"{path} is not a readable zip file: {exc}.") from exc
    names = [n for n in archive.namelist() if PurePosixPath(n).name == "datapackage.json"]
    names = [n for n in names if not n.startswith("__MACOSX/")]
    if not names:  # a zip of the tables alone: found by services.csv
        names = [n for n in archive.namelist() if PurePosixPath(n).name == SERVICES_CSV]
        names = [n for n in names if not n.startswith("__MACOSX/")]
    if not names:
        raise SourceFormatError(f"{path} has no datapackage.json (nor a {SERVICES_CSV}).")
    member = min(names, key=lambda n: n.count("/"))
    return _Package(str(path), None, archive, member[: -len(PurePosixPath(member).name)])


def _resources(package: _Package) -> tuple[dict[str, list[PurePosixPath]], Note | None]:
    """Table name -> CSV paths, checked to exist inside the package; and the Note to
    give when there was no descriptor to follow and the CSV files' names were."""
    problem = "is missing"
    if package.exists(DESCRIPTOR):
        try:
            with package.open(DESCRIPTOR) as handle:
                descriptor = json.load(handle)
        except (ValueError, RecursionError, *ZIP_ERRORS) as exc:
            if not package.exists(PurePosixPath(SERVICES_CSV)):
                raise SourceFormatError(
                    f"{package.label}: datapackage.json is not valid JSON ({exc})."
                ) from exc
            problem = f"is not JSON ({_first_chars(package)!r}: a link saved as text?)"
        else:
            resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
            if not isinstance(resources, list):
                raise SourceFormatError(f"{package.label}: datapackage.json lists no resources.")
            return _tables_of(package, resources), None
    found = [{"name": name.removesuffix(".csv"), "path": name} for name in package.csv_files()]
    tables = _tables_of(package, found)
    read = ", ".join(str(p) for p in chain(*tables.values()))
    reason = f"datapackage.json {problem}: the tables were read by their file names ({read})"
    return tables, Note("datapackage.json", reason)


def _first_chars(package: _Package) -> str:
    with package.open(DESCRIPTOR) as handle:
        return handle.read(60).strip()


def _tables_of(package: _Package, resources: list[Any]) -> dict[str, list[PurePosixPath]]:
    """Table name -> CSV paths of a descriptor's resources, checked to exist."""
    tables: dict[str, list[PurePosixPath]] = {}
    for resource in resources:
        if not isinstance(resource, dict):
            continue
        paths = resource.get("path")
        paths = paths if isinstance(paths, list) else [paths]
        if not all(isinstance(p, str) and p for p in paths):
            raise SourceFormatError(
                f"{package.label}: resource {resource.get('name')!r} has no path."
            )
        name = str(resource.get("name") or PurePosixPath(paths[0]).stem).lower()
        table = TABLES.get(name, name)
        if table not in KNOWN_TABLES:
            continue
        safe = [_safe_path(package, p) for p in paths]
        for relative in safe:
            if not package.exists(relative):
                raise SourceFormatError(
                    f"{package.label}: resource {name!r} file {relative} does not exist."
                )
        if table == "taxonomy":  # HSDS 1.1 terms (vocabulary, parent_name) or 3.0 taxonomies
            header = _header(package, safe[0])
            table = "taxonomy_terms" if {"vocabulary", "parent_name"} & header else "taxonomies"
        tables.setdefault(table, []).extend(safe)
    return tables


def _safe_path(package: _Package, text: str) -> PurePosixPath:
    """A resource path that stays inside the package (no URL, absolute path or '..')."""
    if "://" in text:
        raise SourceFormatError(f"{package.label}: remote resource {text} is not supported.")
    relative = PurePosixPath(text.replace("\\", "/"))
    if relative.is_absolute() or ".." in relative.parts or ":" in relative.parts[0]:
        raise SourceFormatError(
            f"{package.label}: resource path {text} points outside the package."
        )
    return relative


def _header(package: _Package, relative: PurePosixPath) -> set[str]:
    try:
        with package.open(relative) as handle:
            return {field.strip().lower() for field in next(csv.reader(handle), [])}
    except (csv.Error, UnicodeDecodeError, *ZIP_ERRORS) as exc:
        raise SourceFormatError(f"{package.label}: {relative} cannot be read: {exc}.") from exc


def _read_rows(
    package: _Package, paths: list[PurePosixPath]
) -> Iterator[tuple[dict[str, Any], str]]:
    """Yield (row as read, "file line N") from each CSV of a resource."""
    for relative in paths:
        line = 1
        try:
            with package.open(relative) as handle:
                reader = csv.DictReader(handle)
                if reader.fieldnames:
                    reader.fieldnames = [(f or "").strip().lower() for f in reader.fieldnames]
                for row in reader:
                    where = f"{relative.name} line {line + 1}"
                    line = reader.line_num
                    yield {k: v for k, v in row.items() if k}, where
        except (csv.Error, UnicodeDecodeError, *ZIP_ERRORS) as exc:
            raise SourceFormatError(
                f"{package.label}: {relative} cannot be read near line {line + 1}: {exc}."
            ) from exc


def _clean_row(row: dict[str | None, Any], where: str) -> dict[str, Any]:
    """Strip cells, drop empty ones, convert numeric fields; notes go to ``_warnings``."""
    result: dict[str, Any] = {}
    warnings = []
    for field, value in row.items():
        if not field or not isinstance(value, str) or not value.strip():
            continue  # extra cells (None key), missing cells (None value), blanks
        value = spreadsheet_text(value.strip())  # a Signpost dump defuses formulas
        if field in NUMERIC_FIELDS:
            number = oruk.to_number(value)
            if number is None:
                warnings.append(f"{where}: {field} {value!r} is not a number; left out")
                continue
            value = number
        result[field] = value
    if warnings:
        result["_warnings"] = warnings
    result["_at"] = where
    return result
