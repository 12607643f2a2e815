"""Organisation matching: one organisation across its services, branches kept apart."""

from __future__ import annotations

import pytest

from app.matching import MatchConfig, match_records
from tests.matching.builders import CAMDEN_TOWN, CLISSOLD_PARK, ISLINGTON_CENTRE, record

KENTISH_TOWN = (51.5502, -0.1406)  # ~1.3 km from Camden Town


@pytest.fixture(scope="module")
def result():
    records = [
        record(
            "careplace", "1", "Lunch club", "Age UK Camden", phone="020 7946 0500",
            charity="1012345", point=CAMDEN_TOWN,
        ),
        record(
            "council", "1", "Walking group", "Age UK Camden", phone="020 7946 0500",
            charity="1012345", point=KENTISH_TOWN,
        ),
        record(
            "lvsc", "1", "Age UK Camden - Lunch club", phone="020 7946 0500",
            point=(51.5395, -0.1420),
        ),
        record(
            "careplace", "2", "Lunch club", "Age UK Islington", phone="020 7946 0600",
            charity="1054321", point=ISLINGTON_CENTRE,
        ),
        record("careplace", "3", "Coffee morning", "St Mary's Church", point=CAMDEN_TOWN),
        record("council", "3", "Coffee morning", "St Mary's Church", point=CLISSOLD_PARK),
    ]  # fmt: skip
    matched, _ = match_records(records, MatchConfig(workers=1))
    return matched


def same(clustering, *record_ids: str) -> bool:
    return len({clustering.cluster_of(rid) for rid in record_ids}) == 1


def test_one_organisation_across_its_services(result):
    assert same(result.organizations, "careplace/1", "council/1")
    assert not same(result.services, "careplace/1", "council/1")


def test_a_record_without_an_organisation_joins_that_of_its_service(result):
    assert same(result.services, "careplace/1", "lvsc/1")
    assert same(result.organizations, "careplace/1", "lvsc/1")


def test_branches_of_one_charity_are_different_organisations(result):
    assert not same(result.organizations, "careplace/1", "careplace/2")


def test_one_name_in_two_places_is_two_organisations(result):
    assert not same(result.organizations, "careplace/3", "council/3")
