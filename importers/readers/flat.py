"""Build an HSDS 3.0 service dict from one flat row of named fields.

CarePlace, council spreadsheets and the LVSC map each find their columns by their own
names, then hand the values here under the field names below, so every flat source puts
the same thing in the same HSDS place. Values are trimmed and otherwise left as the
source wrote them: the shared pipeline normalises postcodes, phones, times and ages.

Fields: organization_name, organization_id, organization_url, service_id, service_name,
description, url, email, phone, languages, address_1, address_2, city, postcode,
location_name, latitude, longitude, opening_times, cost, age_range, eligibility, referral,
funding, area_covered, last_updated.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

FIELDS = (
    "organization_name",
    "organization_id",
    "organization_url",
    "service_id",
    "service_name",
    "description",
    "url",
    "email",
    "phone",
    "languages",
    "address_1",
    "address_2",
    "city",
    "postcode",
    "location_name",
    "latitude",
    "longitude",
    "opening_times",
    "cost",
    "age_range",
    "eligibility",
    "referral",
    "funding",
    "area_covered",
    "last_updated",
)

REFERRAL_ATTRIBUTE = "Referral route"
_AREA_SEPARATORS = re.compile(r"[;,]")


class FieldError(ValueError):
    """A value in one field makes the row unusable (no service name, coordinates not numbers)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field
        self.reason = reason


def attribute(name: str, taxonomy: str, value: str | None = None) -> dict[str, Any]:
    """An HSDS attribute: a taxonomy term, with the source's text as its value if any."""
    item: dict[str, Any] = {"taxonomy_term": {"name": name, "taxonomy": taxonomy}}
    if value is not None:
        item["value"] = value
    return item


def split_list(text: str, separators: str | re.Pattern[str]) -> list[str]:
    """The non-blank, trimmed items of `text` split on a separator string or pattern."""
    parts = separators.split(text) if isinstance(separators, re.Pattern) else text.split(separators)
    return [part.strip() for part in parts if part.strip()]


def build_service(
    values: Mapping[str, str | None],
    *,
    taxonomy: str,
    categories: Iterable[str] = (),
    categories_taxonomy: str = "",
    extra: Iterable[tuple[str, str]] = (),
    labels: Mapping[str, str] | None = None,
    default_city: str = "London",
) -> dict[str, Any]:
    """The HSDS service for one row; raise FieldError if it has no name or bad coordinates.

    `taxonomy` names the attributes for referral and for `extra` (attribute name, text)
    pairs, fields HSDS has no column for; `categories` become attributes under
    `categories_taxonomy`. `labels` maps field names to the source's column names, used
    in FieldError so a user can find the column.
    """
    row = {field: (values.get(field) or "").strip() for field in FIELDS}
    labels = labels or {}
    if not row["service_name"]:
        raise FieldError(labels.get("service_name", "service_name"), "the service has no name")
    service: dict[str, Any] = {"name": row["service_name"]}
    _put(service, "id", row["service_id"])
    _put(service, "description", row["description"])
    _put(service, "url", row["url"])
    _put(service, "email", row["email"])
    _put(service, "fees_description", row["cost"])
    _put(service, "eligibility_description", _join(row["age_range"], row["eligibility"]))
    _put(service, "last_modified", row["last_updated"])
    service["organization"] = organization = {}
    _put(organization, "id", row["organization_id"])
    _put(organization, "name", row["organization_name"])
    _put(organization, "website", row["organization_url"])
    service["phones"] = [{"number": row["phone"]}] if row["phone"] else []
    if row["languages"]:
        service["languages"] = [{"name": row["languages"]}]
    areas = split_list(row["area_covered"], _AREA_SEPARATORS)
    service["service_areas"] = [{"name": area} for area in areas]
    if row["funding"]:
        service["funding"] = [{"source": row["funding"]}]
    _put_locations(service, row, labels, default_city)
    service["attributes"] = _attributes(row, taxonomy, categories, categories_taxonomy, extra)
    return service


def _attributes(
    row: dict[str, str],
    taxonomy: str,
    categories: Iterable[str],
    categories_taxonomy: str,
    extra: Iterable[tuple[str, str]],
) -> list[dict[str, Any]]:
    """Categories (name only), then referral and the extra fields (name and text)."""
    items = [attribute(name.strip(), categories_taxonomy) for name in categories if name.strip()]
    if row["referral"]:
        items.append(attribute(REFERRAL_ATTRIBUTE, taxonomy, row["referral"]))
    for name, text in extra:
        if text and text.strip():
            items.append(attribute(name, taxonomy, text.strip()))
    return items


def _put(target: dict[str, Any], key: str, text: str) -> None:
    if text:
        target[key] = text


def _join(*texts: str) -> str:
    return "\n".join(text for text in texts if text)


def _put_locations(
    service: dict[str, Any], row: dict[str, str], labels: Mapping[str, str], default_city: str
) -> None:
    """Add the row's physical location (if it has an address or coordinates) and schedule."""
    schedules = [{"description": row["opening_times"]}] if row["opening_times"] else []
    latitude, longitude = _coordinates(row, labels)
    has_address = any(row[field] for field in ("address_1", "address_2", "postcode"))
    if not has_address and latitude is None:
        service["service_at_locations"] = []
        if schedules:
            service["schedules"] = schedules
        return
    name = row["location_name"] or row["address_1"] or row["postcode"]
    location: dict[str, Any] = {
        "name": name or row["organization_name"] or row["service_name"],
        "location_type": "physical",
    }
    if latitude is not None:
        location["latitude"] = latitude
        location["longitude"] = longitude
    location["addresses"] = []
    if has_address:
        address = {"address_1": row["address_1"]}
        _put(address, "address_2", row["address_2"])
        address["city"] = row["city"] or default_city
        address["postal_code"] = row["postcode"]
        address["country"] = "GB"
        address["address_type"] = "physical"
        location["addresses"].append(address)
    at_location: dict[str, Any] = {"location": location}
    if schedules:
        at_location["schedules"] = schedules
    service["service_at_locations"] = [at_location]


def _coordinates(row: dict[str, str], labels: Mapping[str, str]) -> tuple[float | None, ...]:
    """(latitude, longitude) as floats, (None, None) if neither is given."""
    if not row["latitude"] and not row["longitude"]:
        return None, None
    for field, other in (("latitude", "longitude"), ("longitude", "latitude")):
        if not row[field]:
            raise FieldError(labels.get(field, field), f"{other} is given but {field} is missing")
    return (
        _number(row["latitude"], "latitude", 90, labels),
        _number(row["longitude"], "longitude", 180, labels),
    )


def _number(text: str, field: str, bound: float, labels: Mapping[str, str]) -> float:
    label = labels.get(field, field)
    try:
        number = float(text)
    except ValueError:
        raise FieldError(label, f"{field} {text!r} is not a number") from None
    if not math.isfinite(number) or abs(number) > bound:
        raise FieldError(label, f"{field} {text!r} is out of range")
    return number
