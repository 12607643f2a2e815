"""Make a reader's service dict storable, whatever shape and values the source sent.

A JSON feed decides the shape of what reaches the pipeline: a string where HSDS has a
list of phones, an object for a description, an age of 2**70, NaN, a NUL byte or half a
surrogate pair. Each would otherwise fail deep in the pipeline, or make the database
refuse the whole import, for one bad record. `conform_service` runs first, so every step
after it can rely on:

- the HSDS nesting: an object where HSDS has one (``organization``, ``location``,
  ``taxonomy_term``), a list of objects where it has a list (``phones``, ``schedules``...);
- values each column can store: text (numbers become text, "id": 12 -> "12"), whole
  numbers in the 32-bit range, finite decimals, booleans; text without NUL or unpaired
  surrogates; indexed text no longer than MAX_INDEXED_TEXT; objects that have the text
  their table requires (a phone its number, a taxonomy term its name).

What cannot be stored is dropped with a warning naming where it was. Keys HSDS does not
define are kept for the provenance record, made JSON-safe by `storable`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import Boolean, Float, Integer, String

from app.models import (
    Accessibility,
    Address,
    Attribute,
    Contact,
    CostOption,
    Funding,
    Language,
    Location,
    Organization,
    OrganizationIdentifier,
    Phone,
    Program,
    RequiredDocument,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)

Data = dict[str, Any]

# PostgreSQL refuses a b-tree index entry over ~2,700 bytes: 500 characters of 4 bytes fit.
MAX_INDEXED_TEXT = 500
INT_RANGE = (-(2**31), 2**31 - 1)
TRUE_WORDS = frozenset({"true", "yes", "y", "1"})
FALSE_WORDS = frozenset({"false", "no", "n", "0"})
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


@dataclass(frozen=True)
class Shape:
    """Where one HSDS object is stored, and what nests in it."""

    model: type
    objects: dict[str, str] = field(default_factory=dict)  # key -> shape of one object
    lists: dict[str, str] = field(default_factory=dict)  # key -> shape of each list item
    required: tuple[str, ...] = ()  # text the table cannot store the object without


_CHILDREN = {"phones": "phone", "schedules": "schedule", "contacts": "contact"}
SHAPES: dict[str, Shape] = {
    "service": Shape(
        Service,
        objects={"organization": "organization", "program": "program"},
        lists={
            **_CHILDREN,
            "service_at_locations": "service_at_location",
            "languages": "language",
            "service_areas": "service_area",
            "cost_options": "cost_option",
            "required_documents": "required_document",
            "funding": "funding",
            "attributes": "attribute",
        },
    ),
    "organization": Shape(
        Organization, lists={"organization_identifiers": "organization_identifier"}
    ),
    "organization_identifier": Shape(
        OrganizationIdentifier, required=("identifier_type", "identifier")
    ),
    "program": Shape(Program, required=("name",)),
    "service_at_location": Shape(
        ServiceAtLocation,
        objects={"location": "location"},
        lists={**_CHILDREN, "attributes": "attribute"},
    ),
    "location": Shape(
        Location,
        lists={
            **_CHILDREN,
            "addresses": "address",
            "accessibility": "accessibility",
            "languages": "language",
            "attributes": "attribute",
        },
    ),
    "contact": Shape(Contact, lists={"phones": "phone"}),
    "phone": Shape(Phone, lists={"languages": "language"}, required=("number",)),
    "attribute": Shape(Attribute, objects={"taxonomy_term": "taxonomy_term"}),
    "taxonomy_term": Shape(
        TaxonomyTerm, objects={"taxonomy_detail": "taxonomy"}, required=("name",)
    ),
    "taxonomy": Shape(Taxonomy),
    "address": Shape(Address),
    "accessibility": Shape(Accessibility),
    "schedule": Shape(Schedule),
    "language": Shape(Language),
    "service_area": Shape(ServiceArea),
    "cost_option": Shape(CostOption),
    "required_document": Shape(RequiredDocument),
    "funding": Shape(Funding),
}


def conform_service(service: Data, warnings: list[str]) -> None:
    """Conform a service dict in place (see the module docstring); warnings name what went."""
    _conform(service, "service", "", warnings)


def storable_text(text: str) -> str:
    """The text without NUL characters, unpaired surrogates replaced by U+FFFD."""
    if text.isascii():  # most text, and no surrogate is ASCII: a C check, not a regex
        return text.replace("\x00", "") if "\x00" in text else text
    if _UNSTORABLE.search(text) is None:
        return text
    return _UNSTORABLE.sub(lambda m: "" if m.group() == "\x00" else "\ufffd", text)


def storable(value: Any) -> Any:
    """A JSON value both databases store: text made storable, NaN and infinities None."""
    if isinstance(value, str):
        return storable_text(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {storable_text(str(k)): storable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [storable(item) for item in value]
    return value


# -- internals ------------------------------------------------------------------------------


def _conform(data: Data, shape_name: str, path: str, warnings: list[str]) -> bool:
    """Conform one object; False when it lacks text its table requires (drop it)."""
    shape = SHAPES[shape_name]
    columns = _columns(shape.model)
    for key in list(data):
        if key in columns:
            _column(data, key, columns[key], path, warnings)
        elif key in shape.objects:
            _nested_object(data, key, shape.objects[key], f"{path}{key}", warnings)
        elif key in shape.lists:
            _nested_list(data, key, shape.lists[key], f"{path}{key}", warnings)
        else:
            data[key] = storable(data[key])
    missing = [name for name in shape.required if not str(data.get(name) or "").strip()]
    if missing:
        warnings.append(f"{path.rstrip('.') or shape_name}: no {missing[0]}; left out")
    return not missing


def _nested_object(data: Data, key: str, shape: str, where: str, warnings: list[str]) -> None:
    value = data[key]
    if isinstance(value, dict) and _conform(value, shape, f"{where}.", warnings):
        return
    if value is not None and not isinstance(value, dict):
        warnings.append(f"{where}: {_show(value)} is not an object; dropped")
    del data[key]


def _nested_list(data: Data, key: str, shape: str, where: str, warnings: list[str]) -> None:
    value = data[key]
    if value is None:
        del data[key]
        return
    if not isinstance(value, list):
        warnings.append(f"{where}: {_show(value)} is not a list; dropped")
        del data[key]
        return
    kept = []
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            warnings.append(f"{where}[{index}]: {_show(item)} is not an object; dropped")
        elif _conform(item, shape, f"{where}[{index}].", warnings):
            kept.append(item)
    data[key] = kept


_DROP = object()
_KINDS = {
    "int": "a whole number in range",
    "float": "a finite number",
    "bool": "true or false",
    "id": "an ID",
    "text": "text",
}


def _column(data: Data, key: str, column: tuple[str, int], path: str, warnings: list[str]) -> None:
    """Store the value as its column can, or drop it; long indexed text is cut."""
    kind, length = column
    value = data[key]
    if value is None:
        return
    converted = _CONVERTERS.get(kind, _text)(value)
    if kind == "id" and key != "id" and converted is not _DROP and len(converted) > length:
        converted = _DROP  # a reference that long is not one of ours (ids are replaced anyway)
    if converted is _DROP:
        warnings.append(f"{path}{key}: {_show(value)} is not {_KINDS[kind]}; dropped")
        del data[key]
        return
    if kind == "text" and len(converted) > length:
        warnings.append(f"{path}{key}: cut to {length} characters")
        converted = converted[:length]
    data[key] = converted


def _text(value: Any) -> Any:
    if isinstance(value, str):
        return storable_text(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else str(value)
    return _DROP


def _number(value: Any) -> float | int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number: float | int = value
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    try:
        return number if math.isfinite(number) else None
    except OverflowError:  # an int too big to be a float
        return None


def _whole_number(value: Any) -> Any:
    number = _number(value)
    if number is None or number != int(number):
        return _DROP
    whole = int(number)
    return whole if INT_RANGE[0] <= whole <= INT_RANGE[1] else _DROP


def _decimal(value: Any) -> Any:
    number = _number(value)
    return _DROP if number is None else float(number)


def _boolean(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower() if isinstance(value, str | int) else ""
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return _DROP


_CONVERTERS = {"int": _whole_number, "float": _decimal, "bool": _boolean}


@cache
def _columns(model: type) -> dict[str, tuple[str, int]]:
    """column name -> (kind, longest text it may hold) for the model's table."""
    table = model.__table__  # type: ignore[attr-defined]
    indexed = {column.name for index in table.indexes for column in index.columns}
    columns = {}
    for column in table.columns:
        if isinstance(column.type, Boolean):
            kind, length = "bool", 0
        elif isinstance(column.type, Integer):
            kind, length = "int", 0
        elif isinstance(column.type, Float):
            kind, length = "float", 0
        elif isinstance(column.type, String) and column.type.length:
            kind, length = "id", column.type.length
        else:  # Text, and the source's own last_modified (the pipeline sets the stored one)
            kind, length = "text", MAX_INDEXED_TEXT if column.name in indexed else 2**62
        columns[column.name] = (kind, length)
    return columns


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
