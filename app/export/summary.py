"""One-line summaries of a service for the flat formats (CSV, GeoJSON): its taxonomy
terms, first location and address, phone, cost and opening times as text.

The services are loaded as plain dicts by serialise.py with `SUMMARY_PLAN`, the few
fields the summaries read, through the model relationships (which leave out private
contacts and their phones). A to-one relation is a list of at most one row there.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from marshmallow import Schema, fields

from app.export.serialise import Plan, make_plan
from app.models import Service
from app.weekdays import DAY_NAMES

Row = dict[str, Any]
DAY_ABBREVIATIONS = {code: name[:3] for code, name in DAY_NAMES.items()}  # "MO": "Mon"
CURRENCY_SIGNS = {"GBP": "£", "EUR": "€", "USD": "$"}


def _schema(names: str, **nested: fields.Field) -> type[Schema]:
    """A schema of plain fields `names`, plus `nested` ones: only says what to load."""
    return Schema.from_dict({name: fields.Raw() for name in names.split()} | nested)


def _many(schema: type[Schema]) -> fields.List:
    return fields.List(fields.Nested(schema))


_schedule = _schema("id description byday opens_at closes_at freq notes")
_phone = _schema("id number")
_location = _schema(
    "id name latitude longitude borough",
    addresses=_many(_schema("id address_type address_1 address_2 city postal_code")),
)
SummarySchema = _schema(
    "id name status description url email fees_description last_modified",
    organization=fields.Nested(_schema("id name email")),
    phones=_many(_phone),
    schedules=_many(_schedule),
    cost_options=_many(_schema("id option amount currency amount_description")),
    attributes=_many(_schema("id value", taxonomy_term=fields.Nested(_schema("id name")))),
    service_at_locations=_many(
        _schema(
            "id",
            location=fields.Nested(_location),
            schedules=_many(_schedule),
            phones=_many(_phone),
        )
    ),
)


@cache
def summary_plan() -> Plan:
    return make_plan(SummarySchema(), Service)


def one(row: Row | None, attribute: str) -> Row | None:
    """The row of a to-one relation, or None."""
    found = row.get(attribute) if row else None
    return found[0] if found else None


def term_names(service: Row) -> str:
    """The service's categories: terms of its attributes that carry no value."""
    names = {
        term["name"]
        for attribute in service["attributes"]
        if not attribute["value"] and (term := one(attribute, "taxonomy_term"))
    }
    return "; ".join(sorted(names))


def sorted_sals(service: Row) -> list[Row]:
    """Service at locations, those with coordinates first, then by id."""
    return sorted(
        service["service_at_locations"],
        key=lambda sal: (not has_point(one(sal, "location")), sal["id"]),
    )


def has_point(location: Row | None) -> bool:
    return (
        location is not None
        and location["latitude"] is not None
        and location["longitude"] is not None
    )


def main_address(location: Row | None) -> Row | None:
    if not location or not location["addresses"]:
        return None
    return min(location["addresses"], key=lambda a: (a["address_type"] != "physical", a["id"]))


def address_line(address: Row | None) -> str:
    if address is None:
        return ""
    parts = [address["address_1"], address["address_2"], address["city"]]
    return ", ".join(part for part in parts if part)


def first_phone(service: Row) -> str:
    phones = list(service["phones"])
    for sal in sorted_sals(service):
        phones += sal["phones"]
    return phones[0]["number"] if phones else ""


def cost_text(service: Row) -> str:
    options = [cost_option_text(option) for option in service["cost_options"]]
    return "; ".join(text for text in options if text) or service["fees_description"] or ""


def cost_option_text(option: Row) -> str:
    """ "Free", "Per session £2.00", or the option's own amount description."""
    if option["amount_description"]:
        return option["amount_description"].strip()
    amount, currency = option["amount"], option["currency"] or ""
    money = ""
    if amount is not None and amount > 0:
        sign = CURRENCY_SIGNS.get(currency.upper())
        money = f"{sign}{amount:.2f}" if sign else f"{amount:.2f} {currency}".strip()
    parts = (option["option"] or "", money)
    return " ".join(part.strip() for part in parts if part.strip())


def schedule_text(service: Row) -> str:
    schedules = list(service["schedules"])
    for sal in sorted(service["service_at_locations"], key=lambda sal: sal["id"]):
        schedules += sal["schedules"]
    texts = [describe_schedule(schedule) for schedule in schedules]
    return "; ".join(dict.fromkeys(text for text in texts if text))


def describe_schedule(schedule: Row) -> str:
    """The schedule's own description, else e.g. "Mon, Wed 10:00-12:00"."""
    if schedule["description"]:
        return schedule["description"]
    days = [
        DAY_ABBREVIATIONS.get(day.strip(), day.strip())
        for day in (schedule["byday"] or "").split(",")
    ]
    hours = "-".join(time for time in (schedule["opens_at"], schedule["closes_at"]) if time)
    monthly = "monthly" if schedule["freq"] == "MONTHLY" else ""
    text = " ".join(part for part in (monthly, ", ".join(d for d in days if d), hours) if part)
    return text or schedule["notes"] or ""
