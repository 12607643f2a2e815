"""The place index's facts (app/search/place_index.py) mean exactly what the filters' SQL
means: for every venue and service, each weekday and "free" agree with filters.py."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from app import search
from app.models import Service, ServiceAtLocation
from app.search import filters
from app.search.place_index import fill_missing, runs_on
from app.search.place_tables import area_index, venue_index
from tests.search.conftest import ident, make_service


def two_venues(name: str, venue_days: list[str | None], every_venue: str | None) -> dict:
    """A service at two venues, each with its own schedule, and one for every venue."""
    service = make_service(name, 51.50, -0.10, areas=("pan-London",))
    second = {
        "id": ident("sal", name, "2"),
        "location": {
            "id": ident("location", name, "2"),
            "name": f"{name} second venue",
            "latitude": 51.51,
            "longitude": -0.11,
        },
    }
    service["service_at_locations"].append(second)
    for venue, byday in zip(service["service_at_locations"], venue_days, strict=True):
        venue["schedules"] = [{"id": ident("schedule", venue["id"]), "byday": byday}]
    if every_venue:
        service["schedules"] = [{"id": ident("schedule", name, "all"), "byday": every_venue}]
    return service


@pytest.fixture
def assorted(publish):
    return publish(
        make_service("Own days", areas=("online",), schedules=[{"byday": "MO,WE"}]),
        make_service("Lower case", 51.5, -0.1, areas=("phone",), schedules=[{"byday": "fr"}]),
        make_service("No days", 51.5, -0.1, areas=("online",), schedules=[{"byday": None}]),
        two_venues("Split week", ["TU", "SA"], every_venue="SU"),
        two_venues("Venue only", ["TH", None], every_venue=None),
        make_service("Free", 51.5, -0.1, areas=("online",), cost="Free"),
        make_service("Paid", 51.5, -0.1, areas=("online",), cost="£5"),
        make_service("Fees free", 51.5, -0.1, areas=("online",), fees_description="Free!"),
    )


def test_weekdays_agree_with_the_schedule_filter(session, assorted):
    for day, bit in filters.DAY_BITS.items():
        condition = filters.schedule(day, None)
        venues = set(session.scalars(select(ServiceAtLocation.id).where(condition.venue)))
        indexed = select(venue_index.c.id).where(venue_index.c.days.op("&")(bit) != 0)
        assert set(session.scalars(indexed)) == venues, day
        services = set(session.scalars(select(Service.id).where(condition.service)))
        covering = select(area_index.c.service_id).where(area_index.c.days.op("&")(bit) != 0)
        assert set(session.scalars(covering)) == services, day


def test_free_agrees_with_the_cost_filter(session, assorted):
    free = set(session.scalars(select(Service.id).where(filters.free().service)))
    assert {s["name"] for s in assorted if s["id"] in free} == {"Free", "Fees free"}
    for index in (venue_index, area_index):
        indexed = select(index.c.service_id).where(index.c.free.is_(True))
        assert set(session.scalars(indexed)) == free


@pytest.mark.parametrize(
    "byday, days",
    [("MO", ["monday"]), ("mo,we", ["monday", "wednesday"]), (None, []), ("", [])],
)
def test_runs_on_reads_byday_as_the_filter_does(byday, days):
    assert runs_on(byday) == sum(filters.DAY_BITS[d] for d in days)


def test_fill_missing_indexes_only_what_is_missing(session, assorted):
    assert fill_missing(session) == 0
    session.execute(venue_index.delete())
    session.execute(area_index.delete())
    assert fill_missing(session) == len(assorted)
    assert fill_missing(session) == 0


def test_a_venue_moved_to_another_service_is_indexed_under_it(session, publish):
    """Deduplication moves venues between services and refreshes the service they join."""
    first, second = publish(
        make_service("First", 51.50, -0.10, areas=("online",)),
        make_service("Second", 51.52, -0.12, areas=("online",)),
    )
    venue = first["service_at_locations"][0]["id"]
    session.execute(
        update(ServiceAtLocation)
        .where(ServiceAtLocation.id == venue)
        .values(service_id=second["id"])
    )
    search.index_services(session, [second["id"]])
    rows = session.execute(select(venue_index.c.id, venue_index.c.service_id)).all()
    assert sorted(rows) == sorted(
        [(venue, second["id"]), (second["service_at_locations"][0]["id"], second["id"])]
    )
