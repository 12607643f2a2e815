"""Capacity on the link worker's pages and in search: each listing says whether it is
taking new people (or "not known" once the statement expires), `accepting=true` keeps
only those taking people or keeping a waiting list, on the page and the API, with and
without a place, and /boroughs counts them per borough."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import update

from app.models import Service
from app.search.capacity import read_capacity
from app.services.services import ServiceFilters, list_services
from app.web.boroughs import count_capacity_by_borough
from tests.web.conftest import (
    DEBT_ADVICE,
    HAMPSTEAD_WALK,
    KNIT_AND_NATTER,
    MENS_SHED,
    REGENTS_PARK_WALK,
    page,
)

TODAY = dt.date.today()


def days_ago(days: int) -> str:
    return (TODAY - dt.timedelta(days=days)).isoformat()


def state(session, service_id: str, status: str, stated: str, **more) -> None:
    values = {"capacity_status": status, "capacity_stated": stated, **more}
    session.execute(update(Service).where(Service.id == service_id).values(**values))


@pytest.fixture
def capacities(session, directory):
    """Five statements: taking, a waiting list, full, paused, and one too old to hold."""
    state(session, HAMPSTEAD_WALK, "taking", days_ago(3))
    state(session, KNIT_AND_NATTER, "waiting_list", days_ago(10), capacity_wait_weeks=6)
    state(session, REGENTS_PARK_WALK, "full", days_ago(1))
    state(session, MENS_SHED, "paused", days_ago(2), capacity_until=days_ago(-20))
    state(session, DEBT_ADVICE, "taking", days_ago(57))  # 8 weeks and a day: expired
    session.commit()
    return directory


@pytest.mark.parametrize(
    ("status", "weeks", "until", "stated", "expected"),
    [
        ("taking", None, None, days_ago(0), "Taking new people"),
        ("waiting_list", 6, None, days_ago(55), "Waiting list: about 6 weeks"),
        ("waiting_list", 1, None, days_ago(1), "Waiting list: about 1 week"),
        ("full", None, None, days_ago(1), "Full: not taking new people"),
        ("taking", None, None, days_ago(56), "Not known whether they are taking new people"),
        ("full", None, None, days_ago(400), "Not known whether they are taking new people"),
        # A pause holds until its last day, however long ago it was said ...
        ("paused", None, days_ago(0), days_ago(90), "Paused until"),
        # ... and is not known the day after.
        ("paused", None, days_ago(1), days_ago(10), "Not known whether"),
        ("paused", None, None, days_ago(10), "Paused"),
        (None, None, None, None, "Not known whether"),
        ("taking", None, None, "not a date", "Not known whether"),
    ],
)
def test_how_a_statement_reads_today(status, weeks, until, stated, expected):
    reading = read_capacity(status, weeks, until, stated, TODAY)
    assert reading.text.startswith(expected)


def test_the_expiry_is_a_setting():
    assert read_capacity("taking", None, None, days_ago(20), TODAY, weeks=2).known is False
    assert read_capacity("taking", None, None, days_ago(20), TODAY, weeks=3).known is True


def accepting_ids(session, **filters) -> set[str]:
    found = ServiceFilters(accepting=True, **filters)
    return {service.id for service in list_services(session, found, 1, 100).items}


def test_accepting_keeps_only_those_taking_people_or_with_a_waiting_list(session, capacities):
    assert accepting_ids(session) == {HAMPSTEAD_WALK, KNIT_AND_NATTER}
    # The same from a place (the venue index path) and with text.
    near = accepting_ids(session, latitude=51.5560, longitude=-0.1560, proximity=10_000)
    assert near == {HAMPSTEAD_WALK, KNIT_AND_NATTER}
    assert accepting_ids(session, search="walk") == {HAMPSTEAD_WALK}


def test_accepting_on_the_api(client, capacities):
    listed = client.get("/services", query_string={"accepting": "true", "per_page": 50})
    assert {s["id"] for s in listed.get_json()["contents"]} == {HAMPSTEAD_WALK, KNIT_AND_NATTER}
    venues = client.get("/service_at_locations", query_string={"accepting": "true"})
    assert {v["service_id"] for v in venues.get_json()["contents"]} == {
        HAMPSTEAD_WALK,
        KNIT_AND_NATTER,
    }
    everything = client.get("/services", query_string={"accepting": "false", "per_page": 50})
    assert everything.get_json()["total_items"] > 2
    assert client.get("/services", query_string={"accepting": "perhaps"}).status_code == 422


def result_ids(body: str) -> list[str]:
    return re.findall(r'<li class="listing" id="result-([0-9a-f-]+)"', body)


def test_the_search_page_filters_and_shows_capacity(client, capacities):
    _status, everything = page(client, "/?postcode=NW3+2QG&proximity=5000")
    assert "Taking new people</strong>" in everything
    assert "Waiting list: about 6 weeks</strong>" in everything
    assert "Full: not taking new people</strong>" in everything
    assert "capacity-not-known" in everything  # never said, or said too long ago
    status, body = page(client, "/?postcode=NW3+2QG&proximity=5000&accepting=true")
    assert status == 200
    assert set(result_ids(body)) == {HAMPSTEAD_WALK, KNIT_AND_NATTER}
    assert 'id="accepting" name="accepting" value="true" checked' in body


def test_the_service_page_and_prescription_show_it(client, capacities):
    _status, body = page(client, f"/service/{KNIT_AND_NATTER}")
    said = TODAY - dt.timedelta(days=10)
    assert "Waiting list: about 6 weeks</strong>" in body
    assert f'<time datetime="{said.isoformat()}">{said.day} {said:%B %Y}</time>' in body
    _status, body = page(client, f"/prescription?ids={DEBT_ADVICE},{REGENTS_PARK_WALK}")
    assert "Not known whether they are taking new people" in body
    assert "Full: not taking new people" in body


def test_boroughs_report_capacity(client, session, capacities):
    counts = count_capacity_by_borough(session, TODAY, 8)
    assert counts["Camden"] == {"taking": 1, "full": 1}
    assert counts["Islington"] == {"waiting_list": 1}
    assert counts["Hackney"] == {"paused": 1}
    assert counts["Tower Hamlets"] == {"not_known": 1}
    _status, body = page(client, "/boroughs")
    assert "Taking new people, by borough" in body


def test_the_daily_run_republishes_expired_statements(runner, session, capacities):
    from app.models import Attribute
    from app.services.capacity import attribute_id, publish_capacity, term_id

    for service_id in (HAMPSTEAD_WALK, DEBT_ADVICE):
        publish_capacity(session, session.get(Service, service_id), TODAY)
    session.commit()
    assert session.get(Attribute, attribute_id(HAMPSTEAD_WALK)).taxonomy_term_id == term_id(
        "taking"
    )
    later = (TODAY + dt.timedelta(weeks=9)).isoformat()
    result = runner.invoke(["freshness", "run", "--now", later])
    assert result.exit_code == 0, result.output
    assert "capacity statements republished" in result.output
    session.expire_all()
    for service_id in (HAMPSTEAD_WALK, DEBT_ADVICE):
        attribute = session.get(Attribute, attribute_id(service_id))
        assert attribute.taxonomy_term_id == term_id("not_known")
