"""Listings stay current: an editor confirms "still running" in one call, and `signpost
stale` lists, per borough, what nobody has confirmed or changed for months."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from app.models import Location, Service
from app.models.accounts import FollowUp
from app.services.freshness import months_before
from tests.accounts.conftest import HEATH_WALK, KNIT

LONG_AGO = dt.datetime(2023, 1, 10, tzinfo=dt.UTC)
REGENTS_PARK = "c8cc5fc9-e719-5d30-958a-ae77d5042c0b"
SHED = "24066cdb-a420-5e1b-90b4-9b1fdde3e02c"


@pytest.fixture
def neglected(session, sample):
    """Three walks and the shed untouched since 2023; the shed's venue has no borough."""
    session.execute(
        update(Service)
        .where(Service.id.in_([HEATH_WALK, REGENTS_PARK, KNIT, SHED]))
        .values(last_modified=LONG_AGO, assured_date=None)
    )
    boroughs = {HEATH_WALK: "Camden", REGENTS_PARK: "Westminster", KNIT: "Islington"}
    for service_id, borough in boroughs.items():
        service = session.get(Service, service_id)
        service.service_at_locations[0].location.borough = borough
    session.commit()


def test_confirming_sets_the_assured_date_and_the_assurer(client, jo):
    before = client.get(f"/services/{HEATH_WALK}").get_json()
    response = client.post(f"/services/{HEATH_WALK}/confirm", headers=jo.headers)
    assert response.status_code == 200
    service = client.get(f"/services/{HEATH_WALK}").get_json()
    assert service["assured_date"] == dt.datetime.now(dt.UTC).date().isoformat()
    assert service["assurer_email"] == "hello@camdenhealthwalks.example.org"  # public
    assert service["last_modified"] > before["last_modified"]
    history = client.get(f"/services/{HEATH_WALK}/history").get_json()["contents"]
    assert {r["field_name"] for r in history} == {"assured_date", "assurer_email"}


def test_only_the_services_own_editors_may_confirm_it(client, sam, sample):
    assert client.post(f"/services/{HEATH_WALK}/confirm", headers=sam.headers).status_code == 403
    assert client.post(f"/services/{HEATH_WALK}/confirm").status_code == 401


def test_an_untrusted_editor_can_confirm_without_waiting(client, nell):
    assert client.post(f"/services/{HEATH_WALK}/confirm", headers=nell.headers).status_code == 200


def test_stale_lists_unconfirmed_listings_per_borough(runner, neglected):
    result = runner.invoke(args=["stale", "--months", "12"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Camden (1)"
    assert [line for line in lines if not line.startswith("  ")] == [
        "Camden (1)",
        "Islington (1)",
        "Westminster (1)",
        "unknown (1)",
        "4 listings not confirmed or changed in 12 months.",
    ]
    assert f"  {SHED}  Hackney Men's Shed  last 2023-01-10" in lines


def test_a_recent_confirmation_or_change_keeps_a_listing_off_the_list(
    runner, client, jo, sam, neglected
):
    client.post(f"/services/{HEATH_WALK}/confirm", headers=jo.headers)
    client.patch(f"/services/{KNIT}", json={"alert": "Back in January"}, headers=sam.headers)
    output = runner.invoke(args=["stale"]).output
    assert HEATH_WALK not in output and KNIT not in output
    assert "2 listings not confirmed or changed in 12 months." in output


def test_an_old_assured_date_does_not_count_as_fresh(runner, session, neglected):
    session.get(Service, REGENTS_PARK).assured_date = "2023-06-01"
    session.commit()
    assert REGENTS_PARK in runner.invoke(args=["stale"]).output
    assert REGENTS_PARK not in runner.invoke(args=["stale", "--months", "60"]).output


def test_mark_flags_them_for_follow_up_and_confirming_clears_the_flag(
    runner, client, session, jo, neglected
):
    result = runner.invoke(args=["stale", "--mark"])
    assert "Flagged 4 for follow-up." in result.output
    assert set(session.scalars(select(FollowUp.service_id))) == {
        HEATH_WALK,
        REGENTS_PARK,
        KNIT,
        SHED,
    }
    assert "Flagged 0 for follow-up." in runner.invoke(args=["stale", "--mark"]).output
    assert "[flagged]" in runner.invoke(args=["stale"]).output
    client.post(f"/services/{HEATH_WALK}/confirm", headers=jo.headers)
    session.expire_all()
    assert session.get(FollowUp, HEATH_WALK) is None


def test_withdrawn_services_are_not_stale(runner, session, neglected):
    session.get(Service, SHED).status = "inactive"
    session.commit()
    assert SHED not in runner.invoke(args=["stale"]).output


@pytest.mark.parametrize(
    "moment, months, expected",
    [
        (dt.datetime(2026, 3, 31, tzinfo=dt.UTC), 1, dt.datetime(2026, 2, 28, tzinfo=dt.UTC)),
        (dt.datetime(2026, 1, 15, tzinfo=dt.UTC), 12, dt.datetime(2025, 1, 15, tzinfo=dt.UTC)),
        (dt.datetime(2024, 2, 29, tzinfo=dt.UTC), 12, dt.datetime(2023, 2, 28, tzinfo=dt.UTC)),
        (dt.datetime(2026, 1, 15, tzinfo=dt.UTC), 25, dt.datetime(2023, 12, 15, tzinfo=dt.UTC)),
    ],
)
def test_months_before_counts_calendar_months(moment, months, expected):
    assert months_before(moment, months) == expected


def test_boroughs_come_from_the_listings_locations(session, neglected):
    location = session.scalars(select(Location).where(Location.borough == "Camden")).one()
    assert location.service_at_locations[0].service_id == HEATH_WALK
