"""A service's capacity as a link worker reads it: taking new people, on a waiting list
(about N weeks), full, or paused until a date, as its editor said on a given day.

A statement is only believed for a while: `expiry_weeks` (SIGNPOST_CAPACITY_WEEKS,
default 8) after the day it was said, it reads "not known". A pause with an end date
holds until that date instead (the editor has said how long it lasts), and then reads
"not known" too: whether they take people again is for the editor to say.

`accepting` is the filter (`accepting=true`): a current "taking new people" or "waiting
list". Plain functions and one SQL condition, the same on both engines (dates are kept
as ISO text, so comparing the text compares the dates).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, case, or_

from app.models import Service

CAPACITY_STATUSES = ("taking", "waiting_list", "full", "paused")
NOT_KNOWN = "not_known"
ACCEPTING = ("taking", "waiting_list")
EXPIRY_WEEKS = 8
LABELS = {
    "taking": "Taking new people",
    "waiting_list": "Waiting list",
    "full": "Full: not taking new people",
    "paused": "Paused",
    NOT_KNOWN: "Not known whether they are taking new people",
}


@dataclass(frozen=True)
class CapacityReading:
    status: str  # one of CAPACITY_STATUSES, or "not_known"
    text: str  # "Waiting list: about 6 weeks"
    stated: dt.date | None  # when the editor said it (None: never said)
    expires: dt.date | None  # the first day it reads "not known"
    wait_weeks: int | None = None

    @property
    def known(self) -> bool:
        return self.status != NOT_KNOWN

    @property
    def accepting(self) -> bool:
        return self.status in ACCEPTING


def parse_date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((value or "").strip()[:10])
    except ValueError:
        return None


def long_date(day: dt.date) -> str:
    """dt.date(2026, 3, 2) -> "2 March 2026"."""
    return f"{day.day} {day:%B %Y}"


def expiry_of(status: str | None, stated: dt.date, until: dt.date | None, weeks: int) -> dt.date:
    """The first day a statement no longer holds."""
    if status == "paused" and until is not None:
        return until + dt.timedelta(days=1)
    return stated + dt.timedelta(weeks=weeks)


def read_capacity(
    status: str | None,
    wait_weeks: int | None,
    until: str | None,
    stated: str | None,
    today: dt.date,
    weeks: int = EXPIRY_WEEKS,
) -> CapacityReading:
    """What the stored statement says today, e.g. read_capacity("waiting_list", 6, None,
    "2026-11-02", dt.date(2026, 11, 20)).text == "Waiting list: about 6 weeks"."""
    said = parse_date(stated)
    if status not in CAPACITY_STATUSES or said is None:
        return CapacityReading(NOT_KNOWN, LABELS[NOT_KNOWN], None, None)
    end = parse_date(until)
    expires = expiry_of(status, said, end, weeks)
    if today >= expires:
        return CapacityReading(NOT_KNOWN, LABELS[NOT_KNOWN], said, expires)
    text = LABELS[status]
    if status == "waiting_list" and wait_weeks:
        text += f": about {wait_weeks} week{'s' if wait_weeks != 1 else ''}"
    if status == "paused" and end is not None:
        text += f" until {long_date(end)}"
    return CapacityReading(status, text, said, expires, wait_weeks)


def capacity_of(service: Service, today: dt.date, weeks: int = EXPIRY_WEEKS) -> CapacityReading:
    return read_capacity(
        service.capacity_status,
        service.capacity_wait_weeks,
        service.capacity_until,
        service.capacity_stated,
        today,
        weeks,
    )


def current_condition(today: dt.date, weeks: int = EXPIRY_WEEKS) -> ColumnElement[bool]:
    """Services whose statement still holds today (read_capacity's expiry, in SQL)."""
    oldest = (today - dt.timedelta(weeks=weeks)).isoformat()
    return and_(
        Service.capacity_status.in_(CAPACITY_STATUSES),
        or_(
            and_(
                Service.capacity_status == "paused",
                Service.capacity_stated.is_not(None),
                Service.capacity_until >= today.isoformat(),
            ),
            and_(
                or_(Service.capacity_status != "paused", Service.capacity_until.is_(None)),
                Service.capacity_stated > oldest,
            ),
        ),
    )


def accepting_condition(today: dt.date, weeks: int = EXPIRY_WEEKS) -> ColumnElement[bool]:
    """Services currently taking new people or keeping a waiting list."""
    return and_(Service.capacity_status.in_(ACCEPTING), Service.capacity_stated > (
        today - dt.timedelta(weeks=weeks)).isoformat())  # fmt: skip


def status_column(today: dt.date, weeks: int = EXPIRY_WEEKS) -> ColumnElement[str]:
    """The status each service reads as today, "not_known" when none holds (for counts)."""
    return case((current_condition(today, weeks), Service.capacity_status), else_=NOT_KNOWN)
