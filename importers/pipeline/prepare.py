"""Validate and normalise one reader's HSDS service dict, shared by every source.

Readers leave free text where HSDS keeps text (opening times in a schedule description,
cost in fees_description, ages in eligibility_description, areas as service_area names);
this step derives the structured fields from it, cleans every value it understands, and
reports what it had to drop. It first conforms the dict to the shapes and values the
database stores (conform.py), so a feed's odd values cost a warning, not the import.
A record without a usable service name is rejected.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.records.conform import conform_service, storable, storable_text
from app.records.normalise import (
    clean_text,
    find_postcode,
    match_borough,
    normalise_email,
    normalise_phone,
    normalise_postcode,
    normalise_url,
    parse_age_range,
    parse_cost,
    parse_opening_times,
    split_areas,
    split_phones,
)
from app.records.normalise.boroughs import NATIONAL, ONLINE, PAN_LONDON
from importers.readers.record import Record

Data = dict[str, Any]

TEXT_FIELDS = (
    "name",
    "alternate_name",
    "description",
    "interpretation_services",
    "application_process",
    "fees_description",
    "wait_time",
    "fees",
    "accreditations",
    "eligibility_description",
    "licenses",
    "alert",
)
STATUSES = ("active", "inactive", "defunct", "temporarily closed")
AREA_TYPES = {PAN_LONDON: "pan-London", NATIONAL: "national", ONLINE: "online"}


class Rejected(Exception):
    """The record cannot be used at all; the message says why, naming the field."""

    def __init__(self, field_name: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field_name
        self.reason = reason

    def __reduce__(self) -> tuple[type, tuple[str, str]]:
        return Rejected, (self.field, self.reason)  # a worker process sends it back


@dataclass
class Prepared:
    service: Data
    warnings: list[str] = field(default_factory=list)


def prepare_record(record: Record) -> None:
    """Make the record's key, position and raw payload storable and prepare its service,
    in place: `record.prepared` becomes the Prepared service or the Rejected reason.

    Needs no database, so a worker process can do it for the whole file (worker.py).
    """
    record.key, record.position = storable_text(record.key), storable_text(record.position)
    record.raw = storable(record.raw)
    try:
        record.prepared = prepare_service(record.service)
    except Rejected as exc:
        record.prepared = exc


def prepare_service(service: Data) -> Prepared:
    """Clean the service dict in place and derive structure from its text.

    In place: the reader's dict is the pipeline's to change (the raw payload is kept
    separately in Record.raw), and copying 100,000 nested dicts costs real time.
    """
    warnings: list[str] = []
    conform_service(service, warnings)
    _clean_fields(service, TEXT_FIELDS)
    if not service.get("name"):
        raise Rejected("name", "the record has no service name")
    status = (service.get("status") or "active").strip().lower()
    service["status"] = status if status in STATUSES else "active"
    _contact_fields(service, warnings)
    _organization(service, warnings)
    _phones(service, warnings, "")
    _ages(service)
    _costs(service)
    _service_areas(service)
    for index, sal in enumerate(service.get("service_at_locations") or []):
        where = f"service_at_locations[{index}]."
        _schedules(sal)
        if sal.get("location"):
            _location(sal["location"], warnings, f"{where}location.")
        _phones(sal, warnings, where)
    _schedules(service)
    return Prepared(service=service, warnings=warnings)


def _clean_fields(data: Data, names: tuple[str, ...]) -> None:
    for name in names:
        if name in data:
            value = clean_text(data[name]) if isinstance(data[name], str) else data[name]
            if value in (None, ""):
                data.pop(name)
            else:
                data[name] = value


def _contact_fields(data: Data, warnings: list[str], url_key: str = "url") -> None:
    if data.get(url_key):
        url = normalise_url(str(data[url_key]))
        if url is None:
            warnings.append(f"{url_key}: '{data[url_key]}' is not a web address; dropped")
            data.pop(url_key)
        else:
            data[url_key] = url
    if data.get("email"):
        email = normalise_email(str(data["email"]))
        if email is None:
            warnings.append(f"email: '{data['email']}' is not an email address; dropped")
            data.pop("email")
        else:
            data["email"] = email


def _organization(service: Data, warnings: list[str]) -> None:
    organization = service.get("organization") or {}
    _clean_fields(organization, ("name", "alternate_name", "description"))
    if not organization.get("name"):
        # A service with no named provider is its own organization, not a nameless one.
        organization["name"] = service["name"]
    organization.setdefault("description", "")
    _contact_fields(organization, warnings, url_key="website")
    service["organization"] = organization


def _phones(data: Data, warnings: list[str], where: str) -> None:
    """Split cells holding several numbers, canonicalise each, drop what is not a UK number.
    A warning names the phone's place in the service (`where` is its owner's) and its ID."""
    if "phones" not in data:
        return
    phones = []
    for index, phone in enumerate(data["phones"] or []):
        place = f"{where}phones[{index}]" + (f" (id {phone['id']})" if phone.get("id") else "")
        numbers = split_phones(str(phone.get("number") or "")) or [phone.get("number")]
        for number in numbers:
            parsed = normalise_phone(number) if number else None
            if parsed is None:
                warnings.append(f"{place}: '{number}' is not a UK phone number; dropped")
                continue
            item = {k: v for k, v in phone.items() if k not in ("number", "extension", "id")}
            item["number"], extension = parsed
            extension = extension if extension is not None else phone.get("extension")
            if extension is not None:
                item["extension"] = extension
            if len(numbers) == 1 and phone.get("id"):
                item["id"] = phone["id"]
            phones.append(item)
    data["phones"] = _unique(phones, key="number")


def _unique(items: list[Data], key: str) -> list[Data]:
    seen: set[Any] = set()
    out = []
    for item in items:
        if item[key] not in seen:
            seen.add(item[key])
            out.append(item)
    return out


def _ages(service: Data) -> None:
    if service.get("minimum_age") is None and service.get("maximum_age") is None:
        low, high = parse_age_range(service.get("eligibility_description"))
        if low is not None:
            service["minimum_age"] = low
        if high is not None:
            service["maximum_age"] = high


def _costs(service: Data) -> None:
    if not service.get("cost_options") and service.get("fees_description"):
        options = parse_cost(service["fees_description"])
        if options:
            service["cost_options"] = options


def _service_areas(service: Data) -> None:
    areas = []
    for area in service.get("service_areas") or []:
        names = split_areas(area.get("name")) or [area.get("name")]
        for name in names:
            if not name:
                continue
            item = {k: v for k, v in area.items() if k not in ("name", "id")}
            item["name"] = name
            if name in AREA_TYPES:
                item.setdefault("extent_type", AREA_TYPES[name])
            elif match_borough(name) == name:
                item.setdefault("extent_type", "borough")
            areas.append(item)
    if "service_areas" in service:
        service["service_areas"] = _unique(areas, key="name")


def _schedules(data: Data) -> None:
    """Text-only schedules ("Mondays 10:00-12:00") become structured ones where they parse."""
    schedules = []
    for schedule in data.get("schedules") or []:
        structured = schedule.get("byday") or schedule.get("opens_at") or schedule.get("freq")
        if structured or not schedule.get("description"):
            schedules.append(schedule)
        else:
            schedules.extend(parse_opening_times(schedule["description"]))
    if "schedules" in data:
        data["schedules"] = schedules


def _location(location: Data, warnings: list[str], where: str = "") -> None:
    _clean_fields(location, ("name", "description", "transportation"))
    location.setdefault("location_type", "physical")
    for index, address in enumerate(location.get("addresses") or []):
        _clean_fields(address, ("address_1", "address_2", "city", "region", "state_province"))
        raw_postcode = address.get("postal_code") or find_postcode(address.get("address_1"))
        postcode = normalise_postcode(raw_postcode) if raw_postcode else None
        if raw_postcode and postcode is None:
            place = f"{where}addresses[{index}].postal_code"
            warnings.append(f"{place}: '{raw_postcode}' is not a UK postcode; kept as written")
        address["postal_code"] = postcode or (raw_postcode or "")
    for key in ("latitude", "longitude"):
        if location.get(key) in ("", None):
            location.pop(key, None)
            continue
        try:
            location[key] = float(location[key])
        except (TypeError, ValueError):
            warnings.append(f"{where}{key}: '{location[key]}' is not a number; dropped")
            location.pop(key)
