"""Eligibility, practicalities and need: each filter narrows the list as a link worker means."""

import pytest
from sqlalchemy import select, update

from app import search
from app.models import Service
from tests.search.conftest import make_service

WEEKLY = {"freq": "WEEKLY", "wkst": "MO"}


def names(client, query):
    response = client.get(query)
    assert response.status_code == 200, response.get_json()
    return sorted(
        item.get("name") or item["service"]["name"] for item in response.get_json()["contents"]
    )


@pytest.fixture
def practical(publish):
    return publish(
        make_service(
            "Lunch Club",
            51.55,
            -0.10,
            minimum_age=60,
            cost="Free",
            languages=("en", "bn"),
            application_process="Drop in, no need to book.",
            accessibility=("Step-free access and an accessible toilet",),
            schedules=[{**WEEKLY, "byday": "TU,TH", "opens_at": "12:00", "closes_at": "14:00"}],
        ),
        make_service(
            "Youth Football",
            51.551,
            -0.101,
            minimum_age=11,
            maximum_age=18,
            cost="£3 per session",
            fees_description="£3 per session",
            application_process="Ask your GP or school to refer you.",
            accessibility=("Not wheelchair accessible: the pitch is up two flights of stairs",),
            schedules=[{**WEEKLY, "byday": "SA", "opens_at": "10:00", "closes_at": "12:00"}],
        ),
        make_service(
            "Men's Shed",
            51.552,
            -0.102,
            fees_description="Free, donations welcome",
            application_process="Referral from a social prescribing link worker.",
            languages=("en",),
            schedules=[{**WEEKLY, "byday": "1MO", "opens_at": "18:00", "closes_at": "21:00"}],
        ),
        make_service(
            "Phone Befriending",
            fees_description="Free",
            schedules=[
                {**WEEKLY, "byday": "MO,TU,WE,TH,FR", "opens_at": "09:00", "closes_at": "17:00"}
            ],
            areas=("phone",),
        ),  # fmt: skip
    )


@pytest.mark.parametrize(
    "query, expected",
    [
        ("age=72", ["Lunch Club", "Men's Shed", "Phone Befriending"]),
        ("age=15", ["Men's Shed", "Phone Befriending", "Youth Football"]),
        ("minimum_age=16&maximum_age=25", ["Men's Shed", "Phone Befriending", "Youth Football"]),
        ("maximum_age=10", ["Men's Shed", "Phone Befriending"]),
        ("minimum_age=65", ["Lunch Club", "Men's Shed", "Phone Befriending"]),
        ("free=true", ["Lunch Club", "Men's Shed", "Phone Befriending"]),
        ("free=false", ["Lunch Club", "Men's Shed", "Phone Befriending", "Youth Football"]),
        ("open_on=tuesday", ["Lunch Club", "Phone Befriending"]),
        ("open_on=Saturday", ["Youth Football"]),
        ("open_on=mon", ["Men's Shed", "Phone Befriending"]),  # "1MO": first Monday
        ("open_at=12:30", ["Lunch Club", "Phone Befriending"]),
        ("open_at=09:00", ["Phone Befriending"]),
        ("open_at=17:00", []),  # closing time is closed
        ("open_at=19:00", ["Men's Shed"]),
        ("open_on=thursday&open_at=13:59", ["Lunch Club", "Phone Befriending"]),
        ("open_on=saturday&open_at=13:00", []),
        # ORUK's day, start_time (opens at or after) and end_time (closes at or before)
        ("day=tuesday", ["Lunch Club", "Phone Befriending"]),
        ("day=SA", ["Youth Football"]),  # an HSDS byday code
        ("start_time=12:00", ["Lunch Club", "Men's Shed"]),
        ("end_time=12:00", ["Youth Football"]),
        (
            "start_time=09:00:00&end_time=17:00",
            ["Lunch Club", "Phone Befriending", "Youth Football"],
        ),
        ("day=saturday&start_time=10:00&end_time=12:00", ["Youth Football"]),
        ("day=tuesday&end_time=13:00", []),  # one schedule must meet all three
        ("day=tuesday&open_at=13:00", ["Lunch Club", "Phone Befriending"]),
        ("language=bn", ["Lunch Club"]),
        ("language=EN", ["Lunch Club", "Men's Shed"]),
        ("wheelchair_accessible=true", ["Lunch Club"]),
        ("referral=self", ["Lunch Club"]),
        ("referral=gp", ["Youth Football"]),
        ("referral=link_worker", ["Men's Shed"]),
        ("age=72&free=true&open_on=tuesday", ["Lunch Club", "Phone Befriending"]),
    ],
)
def test_practical_filters(client, practical, query, expected):
    assert names(client, f"/services?{query}") == expected


def test_venue_filters_pick_the_qualifying_venue(client, practical):
    query = "lat=51.55&lon=-0.10&proximity=1000&wheelchair_accessible=true"
    body = client.get(f"/service_at_locations?{query}").get_json()
    assert [item["service"]["name"] for item in body["contents"]] == ["Lunch Club"]
    assert names(client, "/service_at_locations?open_on=saturday") == ["Youth Football"]
    assert names(client, "/service_at_locations?day=saturday") == ["Youth Football"]
    assert names(client, "/service_at_locations?start_time=18:00") == ["Men's Shed"]


def test_oruk_times_are_compared_to_the_minute(client, publish):
    """Schedules may hold HH:MM:SS; end_time=11:00 includes a schedule closing 11:00:00."""
    times = {**WEEKLY, "byday": "WE", "opens_at": "09:30:00", "closes_at": "11:00:00"}
    publish(make_service("Coffee Morning", 51.55, -0.10, schedules=[times]))
    assert names(client, "/services?day=we&start_time=09:30&end_time=11:00") == ["Coffee Morning"]
    assert names(client, "/services?start_time=09:31") == []


def test_the_link_workers_question(client, practical, boroughs):
    """Near this point, on a weekday, free, for someone of 72: venues, then (asked for)
    the area-wide services with no venue."""
    query = "lat=51.5505&lon=-0.1005&proximity=2000&age=72&free=true&open_on=tuesday"
    body = client.get(f"/services?{query}&include_area_wide=true").get_json()
    assert [(s["name"], s["area_wide"]) for s in body["contents"]] == [
        ("Lunch Club", False),
        ("Phone Befriending", True),
    ]
    assert names(client, f"/services?{query}") == ["Lunch Club"]


def test_withdrawn_services_are_shown_only_when_asked_for(client, practical, session):
    shed = session.scalar(select(Service.id).where(Service.name == "Men's Shed"))
    session.execute(update(Service).where(Service.id == shed).values(status="inactive"))
    search.index_services(session, [shed])  # as every writer does
    session.commit()
    assert "Men's Shed" not in names(client, "/services")
    assert names(client, "/services?status=inactive") == ["Men's Shed"]
    assert "Men's Shed" not in names(client, "/services?lat=51.55&lon=-0.1&proximity=2000")


def test_referral_route_attribute(client, publish):
    service = make_service("Singing for the Brain")
    service["attributes"] = [
        {
            "id": "9d7b1a59-36c4-4c1f-9a4b-9b7c2e1d3f40",
            "value": "Self-referral welcome",
            "taxonomy_term": {"name": "Referral route", "taxonomy": "Test properties"},
        }
    ]
    publish(service)
    assert names(client, "/services?referral=self") == ["Singing for the Brain"]
    assert names(client, "/services?referral=gp") == []


def test_borough_filter(client, london):
    assert names(client, "/services?borough=Camden") == [
        "Hampstead Heath Health Walk",
        "Regent's Park Health Walk",
    ]
    assert names(client, "/services?borough=LB%20Hackney") == ["Hackney Men's Shed"]
    assert names(client, "/service_at_locations?borough=islington") == ["Knit and Natter"]


@pytest.mark.parametrize(
    "query, expected",
    [
        ("taxonomy_term=loneliness", ["Hackney Men's Shed", "Hampstead Heath Health Walk"]),
        ("taxonomy_term=need:loneliness", ["Hackney Men's Shed", "Hampstead Heath Health Walk"]),
        ("taxonomy_term=Loneliness%20and%20isolation",
         ["Hackney Men's Shed", "Hampstead Heath Health Walk"]),
        # A parent term matches its descendants: "Active" holds walking groups, gardening.
        ("taxonomy_term=activity:active",
         ["Brixton Community Garden Volunteering", "Hampstead Heath Health Walk",
          "Regent's Park Health Walk"]),
        ("taxonomy_term=debt&vocabulary=Signpost%20social%20prescribing",
         ["Debt and Money Advice"]),
        ("vocabulary=signpost%20sample%20categories&taxonomy_term=carers", ["Carers' Café"]),
    ],
)  # fmt: skip
def test_need_by_term_code_or_name(client, sample, query, expected):
    assert names(client, f"/services?{query}") == expected


def test_need_by_built_in_term_id_includes_descendants(client, sample):
    from app.taxonomy import builtin_term_id

    creative = builtin_term_id("activity:connected")
    assert names(client, f"/services?taxonomy_term_id={creative}") == [
        "Brixton Community Garden Volunteering",  # volunteering
        "Carers' Café",  # tagged "Connect": a "Meeting people" service (app/taxonomy/needs.py)
        "Hackney Men's Shed",
        "Knit and Natter",
    ]
