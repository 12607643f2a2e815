"""Read Open Referral UK feeds: legacy ORUK v1 (HSDS 1.x/2.x-shaped) and ORUK 3.0.

ORUK v1 services are mapped to HSDS 3.0 (``physical_addresses`` -> ``addresses``,
``regular_schedules`` -> ``schedules``, ``service_taxonomys`` -> ``attributes``, ...);
ORUK 3.0 services already are HSDS 3.0 and are copied. The shape is detected per item.
Files, API paging and the per-item checks are shared with the HSDS reader
(`importers.readers.hsds_json.checked_services`).

Coordinates outside -90..90 / -180..180 (and the 0,0 placeholder) are dropped from the
location and noted in ``raw["_warnings"]``.

The HSDS 1.x table mappers here (`map_regular_schedule`, `map_holiday_schedule`,
`map_language`, ...) are also used by the tabular reader in `importers.readers.datapackage`.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from app.weekdays import DAY_CODES, WEEKDAY_NAMES
from importers.readers.hsds_json import DEFAULT_PER_PAGE, Fetch, checked_services
from importers.readers.record import Note, Record, RecordError
from importers.readers.tabular import DEFAULT_SIZE_LIMIT

# Keys only an HSDS 1.x/2.x-shaped (ORUK v1) service has.
V1_SERVICE_KEYS = {
    "regular_schedules",
    "holiday_schedules",
    "service_taxonomys",
    "link_taxonomy",
    "link_taxonomies",
    "eligibilitys",
    "fundings",
    "reviews",
    "deliverable_type",
    "attending_type",
    "attending_access",
}
V1_LOCATION_KEYS = {"physical_addresses", "postal_addresses", "accessibility_for_disabilities"}

SERVICE_FIELDS = (
    "id", "name", "alternate_name", "description", "url", "email", "status",
    "interpretation_services", "application_process", "wait_time", "accreditations",
    "licenses", "assured_date", "assurer_email", "alert", "last_modified",
)  # fmt: skip
# v1 fields HSDS 3.0 has no column for: kept as attributes (see importers/readers/record.py).
EXTRA_FIELDS = ("deliverable_type", "attending_type", "attending_access")
ORGANIZATION_FIELDS = (
    "id", "name", "alternate_name", "description", "email", "website", "tax_status",
    "tax_id", "year_incorporated", "legal_status", "logo", "uri", "parent_organization_id",
)  # fmt: skip
LOCATION_FIELDS = (
    "id", "location_type", "url", "name", "alternate_name", "description", "transportation",
    "external_identifier", "external_identifier_type",
)  # fmt: skip
ADDRESS_FIELDS = (
    "id", "attention", "address_1", "address_2", "city", "region", "state_province",
    "postal_code", "country",
)  # fmt: skip
SCHEDULE_FIELDS = (
    "id", "valid_from", "valid_to", "dtstart", "timezone", "until", "count", "wkst",
    "interval", "byweekno", "bymonthday", "byyearday", "description", "schedule_link",
    "attending_type", "notes",
)  # fmt: skip

DAYS = DAY_CODES
WEEKDAYS = WEEKDAY_NAMES
_DAY_NAMES = {
    name: code for code, day in zip(DAYS, WEEKDAYS, strict=True) for name in (day, day[:3])
} | {
    "tues": "TU",
    "thur": "TH",
    "thurs": "TH",
}
_BYDAY = re.compile(r"^[+-]?\d{0,2}(MO|TU|WE|TH|FR|SA|SU)$")
_TIME = re.compile(r"^(\d{1,2})[:.]?(\d{2})(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$")
_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$")


def read_oruk(
    source: str | Path,
    fetch: Fetch | None = None,
    *,
    per_page: int = DEFAULT_PER_PAGE,
    size_limit: int = DEFAULT_SIZE_LIMIT,
) -> Iterator[Record | RecordError | Note]:
    """Yield one Record per service of an ORUK v1 or 3.0 feed (file or API base URL)."""
    for found in checked_services(source, fetch, per_page=per_page, size_limit=size_limit):
        yield found if isinstance(found, RecordError | Note) else _record(*found)


def _record(position: str, item: dict[str, Any]) -> Record:
    warnings: list[str] = []
    if is_v1_service(item):
        service = map_v1_service(item, warnings)
    else:
        service = map_v3_service(item, warnings)
    if warnings:
        item["_warnings"] = warnings
    return Record(key=str(item["id"]), position=position, raw=item, service=service)


def is_v1_service(item: dict[str, Any]) -> bool:
    """True for an HSDS 1.x/2.x-shaped (ORUK v1) service, False for HSDS 3.0 shape."""
    if V1_SERVICE_KEYS & item.keys():
        return True
    for link in item.get("service_at_locations") or []:
        location = link.get("location") if isinstance(link, dict) else None
        if isinstance(location, dict) and V1_LOCATION_KEYS & location.keys():
            return True
    return False


def map_v3_service(item: dict[str, Any], warnings: list[str]) -> dict[str, Any]:
    """Copy an ORUK 3.0 service, dropping out-of-range coordinates."""
    service = copy.deepcopy(item)
    if service.get("fees") and not service.get("fees_description"):
        service["fees_description"] = service["fees"]
    for link in service.get("service_at_locations") or []:
        if isinstance(link, dict) and isinstance(link.get("location"), dict):
            check_coordinates(link["location"], warnings)
    return service


def map_v1_service(item: dict[str, Any], warnings: list[str]) -> dict[str, Any]:
    """Map an ORUK v1 service to an HSDS 3.0 service dict."""
    service = _pick(item, SERVICE_FIELDS)
    if item.get("fees"):
        service["fees_description"] = item["fees"]
    if isinstance(item.get("organization"), dict):
        service["organization"] = map_organization(item["organization"])
    map_eligibility(item.get("eligibilitys") or [], service)
    attributes = [map_taxonomy_link(link) for link in _taxonomy_links(item)]
    attributes += [field_attribute(field, item[field]) for field in EXTRA_FIELDS if item.get(field)]
    children = {
        "contacts": [map_contact(c) for c in _objects(item.get("contacts"))],
        "phones": [map_phone(p) for p in _objects(item.get("phones"))],
        "cost_options": [map_cost_option(c) for c in _objects(item.get("cost_options"))],
        "funding": [_pick(f, ("id", "source")) for f in _objects(item.get("fundings"))],
        "languages": [map_language(lang) for lang in _objects(item.get("languages"))],
        "service_areas": [map_service_area(a) for a in _objects(item.get("service_areas"))],
        "schedules": _map_schedules(item, warnings),
        "service_at_locations": [
            _map_service_at_location(link, warnings)
            for link in _objects(item.get("service_at_locations"))
        ],
        "attributes": attributes,
    }
    service.update({key: value for key, value in children.items() if value})
    return service


def map_organization(org: dict[str, Any]) -> dict[str, Any]:
    result = _pick(org, ORGANIZATION_FIELDS)
    if org.get("url") and not org.get("website"):
        result["website"] = org["url"]
    return result


def map_location(location: dict[str, Any], warnings: list[str]) -> dict[str, Any]:
    """Map an HSDS 1.x location (with nested physical/postal addresses) to HSDS 3.0."""
    result = _pick(location, LOCATION_FIELDS)
    result.setdefault("location_type", "physical")
    for field in ("latitude", "longitude"):
        if location.get(field) not in (None, ""):
            result[field] = location[field]
    check_coordinates(result, warnings)
    addresses = [map_address(a, "physical") for a in _objects(location.get("physical_addresses"))]
    addresses += [map_address(a, "postal") for a in _objects(location.get("postal_addresses"))]
    addresses += [map_address(a) for a in _objects(location.get("addresses"))]
    access = location.get("accessibility_for_disabilities") or location.get("accessibility")
    children = {
        "addresses": addresses,
        "accessibility": [map_accessibility(a) for a in _objects(access)],
        "languages": [map_language(lang) for lang in _objects(location.get("languages"))],
        "phones": [map_phone(p) for p in _objects(location.get("phones"))],
        "schedules": _map_schedules(location, warnings),
    }
    result.update({key: value for key, value in children.items() if value})
    return result


def map_address(address: dict[str, Any], address_type: str | None = None) -> dict[str, Any]:
    """HSDS 1.x physical/postal address -> HSDS 3.0 address (address_3/4 join address_2)."""
    result = _pick(address, ADDRESS_FIELDS)
    extra = [str(address[k]) for k in ("address_2", "address_3", "address_4") if address.get(k)]
    if extra:
        result["address_2"] = ", ".join(extra)
    result["address_type"] = address_type or address.get("address_type") or "physical"
    return result


def map_accessibility(access: dict[str, Any]) -> dict[str, Any]:
    result = _pick(access, ("id", "description", "details", "url"))
    if access.get("accessibility") and "description" not in result:
        result["description"] = access["accessibility"]
    return result


def map_contact(contact: dict[str, Any]) -> dict[str, Any]:
    result = _pick(contact, ("id", "name", "title", "department", "email"))
    phones = [map_phone(p) for p in _objects(contact.get("phones"))]
    if phones:
        result["phones"] = phones
    return result


def map_phone(phone: dict[str, Any]) -> dict[str, Any]:
    """HSDS 1.x phone: ``language`` (comma-separated codes) becomes ``languages``."""
    result = _pick(phone, ("id", "number", "extension", "type", "description"))
    languages = phone.get("languages")
    if isinstance(languages, list):
        result["languages"] = [map_language(lang) for lang in _objects(languages)]
    elif isinstance(phone.get("language"), str) and phone["language"].strip():
        names = [part.strip() for part in phone["language"].split(",") if part.strip()]
        result["languages"] = [map_language({"language": name}) for name in names]
    return result


def map_language(language: dict[str, Any]) -> dict[str, Any]:
    """HSDS 1.x ``language`` text -> HSDS 3.0 ``code`` (if it looks like one) or ``name``."""
    result = _pick(language, ("id", "name", "code", "note"))
    text = language.get("language")
    if isinstance(text, str) and text.strip() and not ({"name", "code"} & result.keys()):
        text = text.strip()
        result["code" if _LANGUAGE_CODE.match(text) else "name"] = text
    return result


def map_service_area(area: dict[str, Any]) -> dict[str, Any]:
    result = _pick(area, ("id", "name", "description", "extent", "extent_type", "uri"))
    if area.get("service_area") and "name" not in result:
        result["name"] = area["service_area"]
    return result


def map_cost_option(cost: dict[str, Any]) -> dict[str, Any]:
    fields = ("id", "valid_from", "valid_to", "option", "currency", "amount_description")
    result = _pick(cost, fields)
    amount = to_number(cost.get("amount"))
    if amount is not None:
        result["amount"] = amount
    return result


def map_taxonomy_link(link: dict[str, Any]) -> dict[str, Any]:
    """A v1 ``service_taxonomys``/``link_taxonomy`` entry -> an HSDS 3.0 attribute."""
    attribute = _pick(link, ("id", "link_type", "link_entity", "value"))
    taxonomy = link.get("taxonomy") if isinstance(link.get("taxonomy"), dict) else link
    term = _pick(taxonomy, ("id", "code", "name", "description", "parent_id", "term_uri"))
    if isinstance(taxonomy.get("parent"), str | dict):
        parent = taxonomy["parent"]
        term.setdefault("parent_id", parent.get("id") if isinstance(parent, dict) else parent)
    if taxonomy.get("vocabulary"):
        term["taxonomy"] = taxonomy["vocabulary"]
    attribute["taxonomy_term"] = term
    return attribute


def field_attribute(field: str, value: Any, taxonomy: str = "ORUK v1") -> dict[str, Any]:
    """A source field HSDS has no column for, kept as an attribute (see record.py)."""
    return {"taxonomy_term": {"name": field, "taxonomy": taxonomy}, "value": str(value)}


def map_regular_schedule(schedule: dict[str, Any], warnings: list[str]) -> dict[str, Any]:
    """HSDS 1.x regular_schedule (weekday or byday, opens_at/closes_at) -> HSDS 3.0 schedule."""
    result = _pick(schedule, SCHEDULE_FIELDS)
    freq = str(schedule.get("freq") or "WEEKLY").upper()
    byday = parse_byday(schedule.get("byday") or schedule.get("weekday"))
    if freq == "DAILY":
        freq, byday = "WEEKLY", byday or ",".join(DAYS)
    result["freq"] = freq
    if byday:
        result["byday"] = byday
    elif schedule.get("byday") or schedule.get("weekday"):
        day = schedule.get("byday") or schedule.get("weekday")
        warnings.append(f"schedule {schedule.get('id', '')}: day {day!r} not understood")
    for field in ("opens_at", "closes_at"):
        text = schedule.get(field)
        if text in (None, ""):
            continue
        time = parse_time(text)
        if time:
            result[field] = time
        else:  # keep the text where people read it
            note = f"{field} given as {text!r}"
            result["notes"] = f"{result['notes']}; {note}" if result.get("notes") else note
            warnings.append(f"schedule {schedule.get('id', '')}: {field} {text!r} not understood")
    return result


def map_holiday_schedule(schedule: dict[str, Any]) -> dict[str, Any]:
    """HSDS 1.x holiday_schedule -> an HSDS 3.0 schedule valid from start to end date."""
    result = _pick(schedule, ("id", "description"))
    if schedule.get("start_date"):
        result["valid_from"] = schedule["start_date"]
    if schedule.get("end_date"):
        result["valid_to"] = schedule["end_date"]
    closed = str(schedule.get("closed", "")).strip().lower() in ("true", "1", "yes")
    result["notes"] = "Closed (holiday)" if closed else "Holiday opening hours"
    for field in ("opens_at", "closes_at"):
        time = parse_time(schedule.get(field))
        if time and not closed:
            result[field] = time
    return result


def parse_byday(value: Any) -> str | None:
    """'MO', 'Monday', 'mon,tue', 1 (ISO: 1 = Monday, 7 or 0 = Sunday) -> 'MO' / 'MO,TU'."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(int(value))
    if not isinstance(value, str) or not value.strip():
        return None
    codes = []
    for part in re.split(r"[,;/\s]+", value.strip()):
        if not part:
            continue
        if part.isdigit() and 0 <= int(part) <= 7:
            codes.append(DAYS[int(part) - 1])  # 0 -> DAYS[-1] == "SU"
        elif _BYDAY.match(part.upper()):
            codes.append(part.upper())
        elif part.lower().rstrip(".") in _DAY_NAMES:
            codes.append(_DAY_NAMES[part.lower().rstrip(".")])
        else:
            return None
    return ",".join(codes) or None


def parse_time(value: Any) -> str | None:
    """'09:00:00', '9:00', '0900', '09.00' -> '09:00'; anything else -> None."""
    if not isinstance(value, str):
        return None
    match = _TIME.match(value.strip())
    if not match:
        return None
    hours, minutes = int(match.group(1)), int(match.group(2))
    if hours > 24 or minutes > 59 or (hours == 24 and minutes):
        return None
    return f"{hours:02d}:{minutes:02d}"


def map_eligibility(eligibilitys: list[Any], service: dict[str, Any]) -> None:
    """HSDS 1.x eligibility rows -> minimum_age/maximum_age and eligibility_description."""
    entries = list(_objects(eligibilitys))
    minimums = [n for e in entries if (n := to_number(e.get("minimum_age"))) is not None]
    maximums = [n for e in entries if (n := to_number(e.get("maximum_age"))) is not None]
    if minimums:
        service["minimum_age"] = min(minimums)
    if maximums:
        service["maximum_age"] = max(maximums)
    texts = [str(e["eligibility"]) for e in entries if e.get("eligibility")]
    if texts:
        service["eligibility_description"] = "; ".join(texts)


def check_coordinates(location: dict[str, Any], warnings: list[str]) -> None:
    """Drop latitude/longitude unless both are numbers in range and not the 0,0 placeholder."""
    if all(location.get(field) in (None, "") for field in ("latitude", "longitude")):
        location.pop("latitude", None)
        location.pop("longitude", None)
        return
    latitude, longitude = to_number(location.get("latitude")), to_number(location.get("longitude"))
    valid = (
        latitude is not None
        and longitude is not None
        and -90 <= latitude <= 90
        and -180 <= longitude <= 180
        and (latitude, longitude) != (0, 0)
    )
    if valid:
        location["latitude"], location["longitude"] = latitude, longitude
        return
    warnings.append(
        f"location {location.get('id', '')}: latitude {location.get('latitude')!r}, "
        f"longitude {location.get('longitude')!r} is not a valid position; coordinates dropped"
    )
    location.pop("latitude", None)
    location.pop("longitude", None)


def to_number(value: Any) -> int | float | None:
    """A JSON number or numeric text (whole numbers as int); None if not a finite number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
        if math.isfinite(number):
            return int(number) if number.is_integer() else number
    return None


# -- internals ---------------------------------------------------------------------------


def _map_schedules(owner: dict[str, Any], warnings: list[str]) -> list[dict[str, Any]]:
    schedules = [map_regular_schedule(s, warnings) for s in _objects(owner.get("schedules"))]
    schedules += [
        map_regular_schedule(s, warnings) for s in _objects(owner.get("regular_schedules"))
    ]
    schedules += [map_holiday_schedule(s) for s in _objects(owner.get("holiday_schedules"))]
    return schedules


def _map_service_at_location(link: dict[str, Any], warnings: list[str]) -> dict[str, Any]:
    result = _pick(link, ("id", "description"))
    if isinstance(link.get("location"), dict):
        result["location"] = map_location(link["location"], warnings)
    schedules = _map_schedules(link, warnings)
    if schedules:
        result["schedules"] = schedules
    return result


def _taxonomy_links(item: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for key in ("service_taxonomys", "link_taxonomy", "link_taxonomies"):
        yield from _objects(item.get(key))
    for eligibility in _objects(item.get("eligibilitys")):
        for taxonomy in _objects(eligibility.get("taxonomys")):
            yield {"link_type": "eligibility", "taxonomy": taxonomy}


def _pick(source: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    return {f: source[f] for f in fields if source.get(f) not in (None, "")}


def _objects(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, list):
        yield from (entry for entry in value if isinstance(entry, dict))
