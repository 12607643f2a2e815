"""Twenty groups at one community centre are twenty services, not one."""

from __future__ import annotations

import pytest

from app.matching import MatchConfig, match_records
from app.matching.engine import explain
from tests.matching.builders import record

CENTRE = (51.5465, -0.1050)
ACTIVITIES = ["Coffee morning", "Chair yoga", "Knit and natter", "Lunch club", "Bingo"]
GROUPS = [
    "Highbury Good Neighbours", "Bright Futures", "St Joan's Parish", "Caledonian Mums",
    "Golden Years Club", "Turkish Elders", "Holloway Men's Shed", "Archway Women's Group",
    "Green Roots", "Open Doors", "Canonbury Tenants", "Silver Threads", "New Horizons",
    "Kind Hearts", "Quiet Lanterns", "Warm Welcome", "Rising Tide", "Somali Elders Islington",
    "Finsbury Pensioners", "Irish Women's Group Islington",
]  # fmt: skip


@pytest.fixture
def centre_records():
    """Each group's one activity at the centre, listed by CarePlace and the council feed
    with the centre's address, postcode and reception phone; five activities repeat."""
    records = []
    for number, group in enumerate(GROUPS):
        activity = ACTIVITIES[number % len(ACTIVITIES)]
        for source, phone in (("careplace", "020 7946 0999"), ("council", "02079460999")):
            records.append(
                record(
                    source, f"{source[:2]}{number}", activity, group, phone=phone,
                    point=CENTRE, postcode="N5 1XL", venue="Highbury Community Centre",
                )
            )  # fmt: skip
    return records


def test_each_group_is_its_own_service(centre_records):
    result, _ = match_records(centre_records, MatchConfig(workers=1))

    clusters = sorted(sorted(members) for members in result.services.clusters.values())
    assert clusters == [[f"careplace/ca{n}", f"council/co{n}"] for n in sorted(range(20), key=str)]


def test_the_shared_phone_counts_for_nothing_between_groups(centre_records):
    result, index = match_records(centre_records, MatchConfig(workers=1))

    between_groups = explain("careplace/ca0", "careplace/ca5", index)  # both "Coffee morning"

    assert between_groups.contributions["phone"] == 0.0
    assert between_groups.decision != "match"
