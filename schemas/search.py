"""Query arguments of a link worker's search (place, need, eligibility, practicalities),
shared by GET /services and GET /service_at_locations, plus GET /suggest."""

from __future__ import annotations

import re
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from app.models.service import SERVICE_STATUSES
from app.weekdays import WEEKDAY_NAMES

WEEKDAYS = WEEKDAY_NAMES
REFERRALS = ("self", "gp", "link_worker")
MAX_PROXIMITY = 200_000


def doc(text: str, **extra: Any) -> dict[str, Any]:
    return {"description": text, **extra}


class Weekday(fields.String):
    """A weekday name in any case ("Monday", "tue"), loaded as the full lower-case name."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs).strip().lower()
        for day in WEEKDAYS:
            if len(text) >= 2 and day.startswith(text):
                return day
        raise ValidationError("Must be a weekday name: monday, tuesday, ... sunday.")


class TimeOfDay(fields.String):
    """A time of day, HH:MM or HH:MM:SS (HSDS's time format), loaded as HH:MM."""

    PATTERN = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$")

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if not self.PATTERN.match(text):
            raise ValidationError("Must be a time of day as HH:MM or HH:MM:SS.")
        return text[:5]


class LinkWorkerArgs(Schema):
    """Where, for what need, for whom, and when (mixed into the list endpoints' arguments)."""

    text = fields.String(validate=validate.Length(max=200), metadata=doc("ORUK alias of `search`."))
    postcode = fields.String(
        validate=validate.Length(min=2, max=10),
        metadata=doc(
            "A full postcode or an outward code (any case and spacing). With `proximity`: "
            "only venues within that distance, nearest first (see `include_area_wide`); "
            "without: the services whose service area covers the postcode."
        ),
    )
    lat = fields.Float(
        validate=validate.Range(min=-90, max=90),
        metadata=doc("Latitude of the point to search from (with `lon`), instead of a postcode."),
    )
    lon = fields.Float(
        validate=validate.Range(min=-180, max=180),
        metadata=doc("Longitude of the point to search from (with `lat`)."),
    )
    proximity = fields.Float(
        validate=validate.Range(min=1, max=MAX_PROXIMITY),
        metadata=doc("Metres from the postcode or point; each hit then carries `distance`."),
    )
    include_area_wide = fields.Boolean(
        load_default=False,
        metadata=doc(
            "With `proximity`, true: after the venues within reach, the services with no "
            "venue whose service area covers the place (phone, online, outreach), marked "
            "`area_wide: true`. A service with a venue is judged by its distance alone."
        ),
    )
    borough = fields.String(
        validate=validate.Length(max=60),
        metadata=doc("Services with a venue in this London borough, e.g. Camden."),
    )
    taxonomy_term = fields.String(
        validate=validate.Length(min=1, max=200),
        metadata=doc(
            "A taxonomy term's code or name, any case (`need:loneliness`, `loneliness`, "
            "`Walking groups`); a parent term matches its descendants."
        ),
    )
    vocabulary = fields.String(
        validate=validate.Length(min=1, max=200),
        metadata=doc("A taxonomy's name (ORUK): terms are looked up in that taxonomy only."),
    )
    age = fields.Integer(
        validate=validate.Range(min=0, max=130),
        metadata=doc("Services open to a person of this age (missing limits are no limit)."),
    )
    minimum_age = fields.Integer(
        validate=validate.Range(min=0, max=130),
        metadata=doc("ORUK: services whose age range overlaps from this age."),
    )
    maximum_age = fields.Integer(
        validate=validate.Range(min=0, max=130),
        metadata=doc("ORUK: services whose age range overlaps up to this age."),
    )
    free = fields.Boolean(
        load_default=False,
        metadata=doc("true: only free services (false: no cost filter)."),
    )
    # OneOf checks the loaded (full lower-case) name, so it documents the enum without
    # refusing "Tue" or "MO".
    open_on = Weekday(
        validate=validate.OneOf(WEEKDAYS),
        metadata=doc("Runs on this weekday (monday ... sunday; any case, or a 2+ letter prefix)."),
    )
    open_at = fields.String(
        validate=validate.Regexp(
            r"^([01][0-9]|2[0-3]):[0-5][0-9]$", error="Must be a time of day as HH:MM."
        ),
        metadata=doc("Runs at this time of day, HH:MM (with open_on: on that day)."),
    )
    day = Weekday(
        metadata=doc(
            "ORUK: services with a schedule on this day: a weekday name or HSDS byday code "
            "(`monday`, `MO`). With `start_time`/`end_time`, on that same schedule."
        )
    )
    start_time = TimeOfDay(
        metadata=doc("ORUK: services with a schedule opening at or after this time (HH:MM).")
    )
    end_time = TimeOfDay(
        metadata=doc("ORUK: services with a schedule closing at or before this time (HH:MM).")
    )
    language = fields.String(
        validate=validate.Regexp(r"^[A-Za-z][A-Za-z -]{0,39}$", error="Must be a language."),
        metadata=doc("A language code or name the service is offered in (`bn`, `Bengali`)."),
    )
    wheelchair_accessible = fields.Boolean(
        load_default=False,
        metadata=doc("true: only venues noted as wheelchair accessible or step-free."),
    )
    referral = fields.String(
        validate=validate.OneOf(REFERRALS),
        metadata=doc("How people get in: self, gp or link_worker."),
    )
    accepting = fields.Boolean(
        load_default=False,
        metadata=doc(
            "true: only services whose editor says they are taking new people or keeping a "
            "waiting list, said within SIGNPOST_CAPACITY_WEEKS (default 8 weeks); full, "
            "paused and not-known ones are left out."
        ),
    )
    include_stale = fields.Boolean(
        load_default=False,
        metadata=doc(
            "true: also the listings nobody has confirmed or changed for "
            "SIGNPOST_HIDE_MONTHS (default 24), which default results leave out (as do "
            "`status` and `modified_after` queries). Listings unconfirmed for "
            "SIGNPOST_REVIEW_MONTHS (12) rank below reviewed ones of similar relevance "
            "or distance (up to 500 m further)."
        ),
    )
    status = fields.String(
        validate=validate.OneOf(SERVICE_STATUSES),
        metadata=doc("Service status; active unless given (withdrawn services are inactive)."),
    )

    @validates_schema
    def check_place(self, data: dict[str, Any], **_kwargs: Any) -> None:
        has_lat, has_lon = "lat" in data, "lon" in data
        if has_lat != has_lon:
            missing = "lon" if has_lat else "lat"
            given = "lat" if has_lat else "lon"
            raise ValidationError(f"{missing} is required with {given}.", missing)
        if has_lat and data.get("postcode"):
            raise ValidationError("Give either postcode or lat/lon, not both.", "postcode")
        if "proximity" in data and not (has_lat or data.get("postcode")):
            raise ValidationError("proximity needs a postcode or lat/lon.", "proximity")
        low, high = data.get("minimum_age"), data.get("maximum_age")
        if low is not None and high is not None and low > high:
            raise ValidationError("maximum_age is below minimum_age.", "maximum_age")
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end < start:
            raise ValidationError("end_time is before start_time.", "end_time")

    @post_load
    def merge_aliases(self, data: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
        text = data.pop("text", None)
        if text and not data.get("search"):
            data["search"] = text
        return data


class SuggestArgs(Schema):
    q = fields.String(
        required=True,
        validate=validate.Length(min=1, max=100),
        metadata=doc("What has been typed so far."),
    )
    limit = fields.Integer(
        load_default=10,
        validate=validate.Range(min=1, max=50),
        metadata=doc("How many completions at most."),
    )


class SuggestionSchema(Schema):
    text = fields.String(required=True, metadata=doc("The completion: a name."))
    kind = fields.String(
        required=True,
        validate=validate.OneOf(("taxonomy_term", "service")),
        metadata=doc("taxonomy_term (filter with taxonomy_term_id) or service."),
    )
    id = fields.String(required=True, metadata=doc("The term's or service's id.", format="uuid"))


class SuggestionsSchema(Schema):
    query = fields.String(required=True)
    suggestions = fields.List(fields.Nested(SuggestionSchema), required=True)
