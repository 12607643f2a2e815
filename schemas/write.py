"""Load schemas for the write API: the read schemas' own fields, validated.

Each is built from the HSDS read schema (so field names live in one place) and the
model (only real columns are writable): nested lists and read-only fields
(`last_modified`, `assured_date`, ...) are accepted and ignored, so a client may PUT back
what it fetched; anything else unknown is a 422. Empty strings mean "no value", and
null is refused (422) for a column that must have one (a service's status).
"""

from __future__ import annotations

import copy
import datetime as dt
import re
import uuid
from typing import Any

from marshmallow import Schema, ValidationError, fields, pre_load, validate
from sqlalchemy import Integer

from app.models.contact import SCHEDULE_FREQS, WEEKDAYS
from app.models.location import LOCATION_TYPES
from app.models.service import SERVICE_STATUSES
from app.resources import LINKABLE, RESOURCES
from app.search.capacity import CAPACITY_STATUSES
from schemas.base import HSDSSchema
from schemas.contact import ContactSchema, LanguageSchema, PhoneSchema, ScheduleSchema
from schemas.location import AccessibilitySchema, LocationSchema
from schemas.organization import OrganizationFullSchema, OrganizationSchema
from schemas.service import (
    CostOptionSchema,
    ServiceAreaSchema,
    ServiceAtLocationFullSchema,
    ServiceAtLocationSchema,
    ServiceBaseSchema,
    ServiceSchema,
)
from schemas.taxonomy import AttributeSchema

READ_ONLY = {"last_modified", "assured_date", "assurer_email"}
# What an integer column holds on PostgreSQL (SQLite's are wider): beyond it, a 422.
INTEGER_RANGE = validate.Range(min=-(2**31), max=2**31 - 1)
TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$")


def is_uuid(value: str) -> None:
    try:
        uuid.UUID(value)
    except (ValueError, AttributeError, TypeError):
        raise ValidationError("Not a valid UUID.") from None


def is_date(value: str) -> None:
    try:
        dt.date.fromisoformat(value[:10])
    except (ValueError, TypeError):
        raise ValidationError("Not a valid date (YYYY-MM-DD).") from None


def is_time(value: str) -> None:
    if not TIME.match(value):
        raise ValidationError("Not a valid time (HH:MM, 24-hour).")


BYDAY_PART = re.compile(r"^([+-]?[1-5])?(MO|TU|WE|TH|FR|SA|SU)$")


def is_weekdays(value: str) -> None:
    """RFC 5545 BYDAY: "MO,WE", or with a week of the month for a MONTHLY rule ("1TU",
    "-1FR": the first Tuesday, the last Friday)."""
    days = [day.strip() for day in value.split(",")]
    if not days or any(not BYDAY_PART.match(day) for day in days):
        raise ValidationError(
            f"Give days as a comma-separated list of {', '.join(WEEKDAYS)}, each with an "
            "optional week of the month (1TU: the first Tuesday, -1FR: the last Friday)."
        )


def url_field() -> fields.URL:
    return fields.URL(schemes={"http", "https"})


class WriteSchema(HSDSSchema):
    """Base of the write schemas: ignores read-only members, turns "" into no value
    (but not in a UUID field)."""

    IGNORED: frozenset[str] = frozenset()

    def __deepcopy__(self, memo: dict) -> WriteSchema:
        return self  # stateless once built: sharing it keeps each app's start cheap

    @pre_load
    def tidy(self, data: Any, **_kwargs: Any) -> Any:
        if not isinstance(data, dict):
            return data
        tidied = {}
        for name, value in data.items():
            if name in self.IGNORED:
                continue
            if isinstance(value, str):
                value = value.strip()
                field = self.fields.get(name)
                # "" is no value, except where a UUID is declared: there it is a
                # malformed id (a 422), not a way to clear the link.
                uuid_typed = field is not None and is_uuid in field.validators
                if value == "" and field is not None and field.allow_none and not uuid_typed:
                    value = None
            tidied[name] = value
        return tidied


def write_schema(
    name: str,
    read_schema: type[Schema],
    resource: str,
    *,
    required: tuple[str, ...] = (),
    checks: dict[str, list[Any]] | None = None,
    replaced: dict[str, fields.Field] | None = None,
    nested_in: type[Schema] | None = None,
) -> type[WriteSchema]:
    """A write schema of the read schema's fields that are columns of the resource's model
    (the members only `nested_in`, the fuller read form, has are accepted and ignored)."""
    table_columns = RESOURCES[resource].model.__table__.columns
    columns = set(table_columns.keys())
    checks, replaced = checks or {}, replaced or {}
    attrs: dict[str, Any] = {}
    ignored = set()
    for field_name, field in read_schema._declared_fields.items():
        if field_name not in columns or isinstance(field, (fields.Nested, fields.List)):
            ignored.add(field_name)
            continue
        if field_name in READ_ONLY:
            attrs[field_name] = copy.deepcopy(field)
            attrs[field_name].dump_only = True
            ignored.add(field_name)
            continue
        new = copy.deepcopy(replaced.get(field_name, field))
        new.required = field_name in required
        new.allow_none = not new.required and table_columns[field_name].nullable
        new.validators = [*new.validators, *checks.get(field_name, [])]
        if isinstance(table_columns[field_name].type, Integer):
            new.validators.append(INTEGER_RANGE)
        if field_name.endswith("_id") or field_name == "id":
            new.validators.append(is_uuid)
        if new.required and isinstance(new, fields.String):
            new.validators.append(validate.Length(min=1, error="Must not be empty."))
        attrs[field_name] = new
    for field_name, field in replaced.items():
        attrs.setdefault(field_name, field)
    if nested_in is not None:
        ignored |= set(nested_in._declared_fields) - set(attrs)
    attrs["IGNORED"] = frozenset(ignored)
    attrs["Meta"] = type("Meta", (), {"ordered": True})
    return type(name, (WriteSchema,), attrs)


NON_NEGATIVE = [validate.Range(min=0)]

OrganizationWriteSchema = write_schema(
    "OrganizationWriteSchema",
    OrganizationSchema,
    "organization",
    required=("name",),
    nested_in=OrganizationFullSchema,
    replaced={
        "email": fields.Email(),
        "website": url_field(),
        "logo": url_field(),
        "uri": url_field(),
    },
    checks={"year_incorporated": [validate.Range(min=1000, max=2100)]},
)


def capacity_fields() -> dict[str, fields.Field]:
    """The editor-kept capacity (not HSDS, so not in the read schema; published as an
    attribute and wait_time): writable, each may be null to clear it."""
    return {
        "capacity_status": fields.String(
            allow_none=True,
            validate=validate.OneOf(CAPACITY_STATUSES),
            metadata={"description": "taking, waiting_list, full or paused."},
        ),
        "capacity_wait_weeks": fields.Integer(
            allow_none=True,
            validate=validate.Range(min=0, max=104),
            metadata={"description": "With waiting_list: about how many weeks' wait."},
        ),
        "capacity_until": fields.String(
            allow_none=True,
            validate=is_date,
            metadata={"description": "With paused: the last day of the pause (YYYY-MM-DD)."},
        ),
        "capacity_stated": fields.String(
            allow_none=True,
            validate=is_date,
            metadata={"description": "When this was said (YYYY-MM-DD); today if not given."},
        ),
    }


ServiceWriteSchema = write_schema(
    "ServiceWriteSchema",
    ServiceBaseSchema,
    "service",
    required=("name",),
    nested_in=ServiceSchema,
    replaced={"email": fields.Email(), "url": url_field(), **capacity_fields()},
    checks={
        "status": [validate.OneOf(SERVICE_STATUSES)],
        "minimum_age": [validate.Range(min=0, max=150)],
        "maximum_age": [validate.Range(min=0, max=150)],
    },
)
LocationWriteSchema = write_schema(
    "LocationWriteSchema",
    LocationSchema,
    "location",
    replaced={"url": url_field()},
    checks={
        "location_type": [validate.OneOf(LOCATION_TYPES)],
        "latitude": [validate.Range(min=-90, max=90)],
        "longitude": [validate.Range(min=-180, max=180)],
    },
)
ServiceAtLocationWriteSchema = write_schema(
    "ServiceAtLocationWriteSchema",
    ServiceAtLocationSchema,
    "service_at_location",
    required=("service_id", "location_id"),
    nested_in=ServiceAtLocationFullSchema,
)
ScheduleWriteSchema = write_schema(
    "ScheduleWriteSchema",
    ScheduleSchema,
    "schedule",
    replaced={"schedule_link": url_field()},
    checks={
        "freq": [validate.OneOf(SCHEDULE_FREQS)],
        "wkst": [validate.OneOf(WEEKDAYS)],
        "byday": [is_weekdays],
        "opens_at": [is_time],
        "closes_at": [is_time],
        "valid_from": [is_date],
        "valid_to": [is_date],
        "dtstart": [is_date],
        "until": [is_date],
        "interval": [validate.Range(min=1)],
        "count": [validate.Range(min=1)],
    },
)
PhoneWriteSchema = write_schema(
    "PhoneWriteSchema",
    PhoneSchema,
    "phone",
    required=("number",),
    checks={"extension": NON_NEGATIVE},
)
ContactWriteSchema = write_schema(
    "ContactWriteSchema",
    ContactSchema,
    "contact",
    replaced={
        "email": fields.Email(),
        "is_public": fields.Boolean(
            load_default=True,
            metadata={
                "description": "Not HSDS: false keeps the contact out of the public API "
                "and dumps (its editors still see it)."
            },
        ),
    },
)
CostOptionWriteSchema = write_schema(
    "CostOptionWriteSchema",
    CostOptionSchema,
    "cost_option",
    checks={
        "amount": NON_NEGATIVE,
        "currency": [validate.Length(equal=3)],
        "valid_from": [is_date],
        "valid_to": [is_date],
    },
)
LanguageWriteSchema = write_schema("LanguageWriteSchema", LanguageSchema, "language")
AccessibilityWriteSchema = write_schema(
    "AccessibilityWriteSchema",
    AccessibilitySchema,
    "accessibility",
    replaced={"url": url_field()},
)
ServiceAreaWriteSchema = write_schema("ServiceAreaWriteSchema", ServiceAreaSchema, "service_area")
AttributeWriteSchema = write_schema(
    "AttributeWriteSchema",
    AttributeSchema,
    "attribute",
    required=("link_id", "link_entity", "taxonomy_term_id"),
    checks={"link_entity": [validate.OneOf(LINKABLE)]},
)

WRITE_SCHEMAS: dict[str, type[WriteSchema]] = {
    "organization": OrganizationWriteSchema,
    "service": ServiceWriteSchema,
    "location": LocationWriteSchema,
    "service_at_location": ServiceAtLocationWriteSchema,
    "schedule": ScheduleWriteSchema,
    "phone": PhoneWriteSchema,
    "contact": ContactWriteSchema,
    "cost_option": CostOptionWriteSchema,
    "language": LanguageWriteSchema,
    "accessibility": AccessibilityWriteSchema,
    "service_area": ServiceAreaWriteSchema,
    "attribute": AttributeWriteSchema,
}


class PartialMixin:
    """Loads partially by default (a class, not an instance, keeps the app start cheap)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("partial", True)
        super().__init__(*args, **kwargs)


PATCH_SCHEMAS: dict[str, type[WriteSchema]] = {
    resource: type(schema.__name__.replace("Write", "Patch"), (PartialMixin, schema), {})
    for resource, schema in WRITE_SCHEMAS.items()
}


def patch_schema(resource: str) -> type[WriteSchema]:
    """The same fields for PATCH, none required (its own name in the OpenAPI components)."""
    return PATCH_SCHEMAS[resource]
