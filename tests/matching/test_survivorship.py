"""Survivorship: each merged field from the best source, and a record of which."""

from __future__ import annotations

import pytest

from app.matching import MatchRecord, survive
from tests.matching.builders import service

PRIORITY = {"council": 1, "careplace": 2, "lvsc": 3}


def listing(source: str, key: str, **fields) -> MatchRecord:
    return MatchRecord.from_service(source, key, service("Walking group", **fields))


def test_the_most_trusted_source_wins_each_field_it_has():
    careplace = listing("careplace", "1", description="From CarePlace.", phone="020 7946 0001")
    council = listing("council", "2", description="From the council.")

    merged, sources = survive([careplace, council], PRIORITY)

    assert merged["description"] == "From the council."
    assert sources["description"] == "council/2"
    assert merged["phones"] == [{"number": "020 7946 0001"}]  # the council has no phone
    assert sources["phones"] == "careplace/1"


@pytest.mark.parametrize(
    ("first", "second", "winner"),
    [
        (  # equal priority: the most recently updated
            {"modified": "2024-01-01", "description": "Old text."},
            {"modified": "2025-06-01T09:00:00Z", "description": "New text."},
            "spreadsheet/b",
        ),
        (  # equal priority and date: the most complete value
            {"modified": "2025-06-01", "description": "Short."},
            {"modified": "2025-06-01", "description": "A longer and fuller description."},
            "spreadsheet/b",
        ),
        (  # nothing to choose between: the smallest record ID, whatever the order
            {"description": "Same."},
            {"description": "Same."},
            "spreadsheet/a",
        ),
    ],
    ids=["most recent", "most complete", "deterministic tie-break"],
)
def test_ties_in_priority_are_broken_by_recency_then_completeness(first, second, winner):
    a, b = listing("spreadsheet", "a", **first), listing("spreadsheet", "b", **second)

    for order in ([a, b], [b, a]):
        _, sources = survive(order, PRIORITY)
        assert sources["description"] == winner


def test_sources_without_a_priority_come_after_those_with_one():
    unknown = listing("newsource", "1", description="Unranked.")
    lvsc = listing("lvsc", "2", description="Ranked last.")

    merged, _ = survive([unknown, lvsc], PRIORITY)

    assert merged["description"] == "Ranked last."


def test_organisation_fields_are_chosen_one_by_one():
    careplace = listing("careplace", "1", org="Friends of Highbury Fields", website="fohf.org.uk")
    council = listing("council", "2", org="Friends of Highbury Fields (FOHF)")

    merged, sources = survive([careplace, council], PRIORITY)

    assert merged["organization"] == {
        "name": "Friends of Highbury Fields (FOHF)",
        "website": "fohf.org.uk",
    }
    assert sources["organization.name"] == "council/2"
    assert sources["organization.website"] == "careplace/1"


def test_a_location_is_taken_whole_from_one_record():
    council = listing("council", "2", postcode="N5 1AR")
    lvsc = listing("lvsc", "3", point=(51.549, -0.103))

    merged, sources = survive([council, lvsc], PRIORITY)

    assert merged["service_at_locations"] == council.service["service_at_locations"]
    assert sources["service_at_locations"] == "council/2"


def test_the_merged_record_is_as_recent_as_its_latest_source():
    old = listing("council", "1", modified="2024-01-01")
    new = listing("lvsc", "2", modified="2025-02-03T04:05:06Z")

    merged, sources = survive([old, new], PRIORITY)

    assert (merged["last_modified"], sources["last_modified"]) == ("2025-02-03T04:05:06Z", "lvsc/2")


def test_every_merged_field_names_its_source():
    records = [
        listing("council", "1", phone="020 7946 0001"),
        listing("lvsc", "2", email="a@b.org"),
    ]

    merged, sources = survive(records, PRIORITY)

    assert set(sources) >= set(merged) - {"organization"}
    assert set(sources.values()) <= {"council/1", "lvsc/2"}


def test_records_without_their_service_dict_cannot_be_merged():
    bare = MatchRecord.from_service("lvsc", "1", service("Walk"), keep_service=False)

    with pytest.raises(ValueError, match="keep_service"):
        survive([bare], PRIORITY)
