"""The capacity line every page shows of a service (search results, the service page,
the prescription), as a template global so the one partial, search/_capacity.html,
works wherever a `listing` is in scope."""

from __future__ import annotations

import datetime as dt

from flask import Flask, current_app

from app.config import whole_number
from app.models import Service
from app.search.capacity import CapacityReading, capacity_of, long_date


def capacity_weeks() -> int:
    return whole_number(current_app.config, "SIGNPOST_CAPACITY_WEEKS")


def capacity(service: Service, today: dt.date | None = None) -> CapacityReading:
    """What the service's capacity statement reads as today."""
    return capacity_of(service, today or dt.date.today(), capacity_weeks())


def register_capacity(app: Flask) -> None:
    app.add_template_global(capacity, "capacity")
    app.add_template_global(capacity_weeks, "capacity_weeks")
    app.add_template_filter(long_date, "long_date")
