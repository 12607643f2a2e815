"""Search reflects freshness: a listing nobody has confirmed or changed for
SIGNPOST_REVIEW_MONTHS ranks below reviewed ones of similar relevance or distance and
says "Not confirmed since MONTH YEAR"; past SIGNPOST_HIDE_MONTHS it leaves default
results, and stays reachable by ID, with include_stale=true and in the dumps."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import update

from app import generation
from app.models import MetadataEntry, Service
from app.services.services import ServiceFilters, list_services
from app.web.present import freshness
from tests.web.conftest import HAMPSTEAD_WALK, KNIT_AND_NATTER, REGENTS_PARK_WALK, page

NOW = dt.datetime.now(dt.UTC)
RESULT = re.compile(r'<li class="listing" id="result-([0-9a-f-]+)"')


def backdate(session, service_id: str, months: int) -> dt.datetime:
    """Last changed and confirmed `months` (and a few days) ago."""
    moment = NOW - dt.timedelta(days=months * 31 + 5)
    session.execute(
        update(Service)
        .where(Service.id == service_id)
        .values(last_modified=moment, assured_date=None)
    )
    generation.change_after_commit(session)
    session.commit()
    return moment


def freshened(**filters) -> ServiceFilters:
    return ServiceFilters(review_months=12, hide_months=24, **filters)


def ids(session, **filters) -> list[str]:
    return [s.id for s in list_services(session, freshened(**filters), 1, 100).items]


def test_an_unreviewed_listing_ranks_below_a_reviewed_one_of_the_same_text_rank(session, directory):
    before = ids(session, search="walk")
    assert before[:2] == [HAMPSTEAD_WALK, REGENTS_PARK_WALK]  # by name
    backdate(session, HAMPSTEAD_WALK, 13)
    assert ids(session, search="walk")[:2] == [REGENTS_PARK_WALK, HAMPSTEAD_WALK]
    # Without the review period the order is by name again.
    plain = [s.id for s in list_services(session, ServiceFilters(search="walk"), 1, 100).items]
    assert plain[:2] == [HAMPSTEAD_WALK, REGENTS_PARK_WALK]


def test_an_unreviewed_listing_ranks_below_a_reviewed_one_of_similar_distance(session, directory):
    near = {"postcode": "NW3 2QG", "proximity": 5000.0}
    assert ids(session, **near)[:3] == [HAMPSTEAD_WALK, KNIT_AND_NATTER, REGENTS_PARK_WALK]
    backdate(session, KNIT_AND_NATTER, 13)
    page_ = list_services(session, freshened(**near), 1, 100)
    order = [s.id for s in page_.items]
    # Regent's Park (3.2 km) is a little further than Knit and Natter (2.8 km) but
    # reviewed; the Hampstead walk, 2 km nearer than either, stays first.
    assert order[:3] == [HAMPSTEAD_WALK, REGENTS_PARK_WALK, KNIT_AND_NATTER]
    distances = {s.id: s.distance for s in page_.items}
    assert distances[KNIT_AND_NATTER] < distances[REGENTS_PARK_WALK]  # true distances kept
    # An unreviewed listing much nearer than any reviewed one still comes first.
    backdate(session, HAMPSTEAD_WALK, 13)
    assert ids(session, **near)[0] == HAMPSTEAD_WALK


def test_past_the_second_limit_a_listing_leaves_default_results(client, session, directory):
    backdate(session, HAMPSTEAD_WALK, 25)
    assert HAMPSTEAD_WALK not in ids(session)
    assert HAMPSTEAD_WALK not in ids(session, search="walk")
    assert HAMPSTEAD_WALK not in ids(session, postcode="NW3 2QG", proximity=5000.0)
    assert HAMPSTEAD_WALK in ids(session, include_stale=True)
    listed = client.get("/services", query_string={"per_page": 50}).get_json()
    assert HAMPSTEAD_WALK not in {s["id"] for s in listed["contents"]}
    venues = client.get("/service_at_locations", query_string={"per_page": 50}).get_json()
    assert HAMPSTEAD_WALK not in {v["service_id"] for v in venues["contents"]}
    for query in ({"include_stale": "true"}, {"status": "active"}):
        found = client.get("/services", query_string={"per_page": 50, **query}).get_json()
        assert HAMPSTEAD_WALK in {s["id"] for s in found["contents"]}
    by_id = client.get(f"/services/{HAMPSTEAD_WALK}")
    assert by_id.status_code == 200 and by_id.get_json()["status"] == "active"
    _status, body = page(client, "/?postcode=NW3+2QG&proximity=5000")
    assert HAMPSTEAD_WALK not in RESULT.findall(body)


def test_the_page_says_not_confirmed_since(client, session, directory):
    moment = backdate(session, HAMPSTEAD_WALK, 13)
    _status, body = page(client, "/?postcode=NW3+2QG&proximity=5000")
    assert f"Not confirmed since {moment:%B %Y}</time>: check the details" in body
    _status, body = page(client, f"/service/{HAMPSTEAD_WALK}")
    assert f"Not confirmed since {moment:%B %Y}" in body


def listing(assured=None, modified=None, people=()):
    service = Service(id="s", name="Walk", assured_date=assured, last_modified=modified)
    service.metadata_entries = [
        MetadataEntry(id=f"m{i}", resource_id="s", resource_type="service",
                      last_action_date=when, last_action_type="update", updated_by=who)
        for i, (who, when) in enumerate(people)
    ]  # fmt: skip
    return service


TODAY = dt.date(2026, 11, 23)


def at(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("service", "text"),
    [
        # An import after the provider's confirmation does not read as fresher.
        (listing("2026-08-20", at("2026-11-20")), "Confirmed 3 months ago"),
        # Imported only: says so, never "Confirmed" or "Updated".
        (listing(None, at("2026-11-20")), "Imported 3 days ago; not confirmed by the organisation"),
        # A person's change is as good as a confirmation.
        (
            listing("2026-08-20", at("2026-11-20"), [("account:a1", at("2026-11-10"))]),
            "Updated 13 days ago",
        ),
        (
            listing(None, at("2026-11-20"), [("import:careplace", at("2026-11-20"))]),
            "Imported 3 days ago; not confirmed by the organisation",
        ),
        (listing(None, at("2025-10-01")), "Not confirmed since October 2025"),
        (listing("2025-09-30", at("2025-08-01")), "Not confirmed since September 2025"),
    ],
)
def test_the_freshness_label(service, text):
    assert freshness(service, TODAY).text == text
