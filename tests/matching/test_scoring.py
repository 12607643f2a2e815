"""Pair scores: one service (organisation + what it is + where) or two?"""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.matching import Decision, MatchConfig, MatchRecord, PairScore, RecordIndex, score_services
from tests.matching.builders import (
    CAMDEN_TOWN,
    CLISSOLD_PARK,
    HIGHBURY_FIELDS,
    HIGHBURY_FIELDS_PIN,
    ISLINGTON_CENTRE,
    record,
    walking_group,
)


def score(a: MatchRecord, b: MatchRecord, config: MatchConfig | None = None) -> PairScore:
    index = RecordIndex.build([a, b], config or MatchConfig())
    return score_services(a, b, index, index.config)


MATCHES = {
    "same walking group from CarePlace and the LVSC map": (
        walking_group("careplace", "1"),
        walking_group(
            "lvsc",
            "pin-4",
            phone="+44 20 7946 0018",
            point=HIGHBURY_FIELDS_PIN,
            postcode=None,
            description="A friendly, gentle walk around Highbury Fields for all abilities.",
        ),
    ),
    "organisation written into the name by a source without an organisation field": (
        walking_group("careplace", "1"),
        walking_group(
            "lvsc",
            "7",
            org=None,
            name="Friends of Highbury Fields - Walking Group",
            point=HIGHBURY_FIELDS_PIN,
            phone=None,
        ),
    ),
    "typos, abbreviations, St/Saint, &/and, Ltd": (
        record(
            "council",
            "9",
            "Lunch & Chat Club",
            "St Mary's Community Association",
            phone="020 7946 0101",
            postcode="N1 2AB",
        ),
        record(
            "spreadsheet",
            "r12",
            "Lunch and chat club",
            "Saint Marys Comm. Assoc. Ltd",
            phone="02079460101",
            postcode="n12ab",
        ),
    ),
    "reworded title, same text and contacts": (
        record(
            "careplace",
            "3",
            "Memory cafe",
            "Camden Carers Centre",
            phone="020 7946 0200",
            point=CAMDEN_TOWN,
            description="Activities and support for people living with "
            "dementia and their carers, every Thursday afternoon at the Carers Centre.",
        ),
        record(
            "council",
            "8",
            "Dementia cafe",
            "Camden Carers Centre",
            phone="020 7946 0200",
            point=CAMDEN_TOWN,
            description="Activities and support for people living with "
            "dementia and their carers, every Thursday afternoon at the Carers Centre.",
        ),
    ),
}

NON_MATCHES = {
    "branches of one charity in two boroughs": (
        record(
            "careplace",
            "1",
            "Walking group",
            "Age UK Camden",
            phone="020 7946 0301",
            website="https://www.ageuk.org.uk/camden/",
            point=CAMDEN_TOWN,
        ),
        record(
            "council",
            "2",
            "Walking group",
            "Age UK Islington",
            phone="020 7946 0302",
            website="https://www.ageuk.org.uk/islington/",
            point=ISLINGTON_CENTRE,
        ),
    ),
    "one generic activity run by two groups at one park": (
        walking_group("careplace", "1"),
        walking_group("council", "2", org="Highbury Ramblers", phone="07700 900123"),
    ),
    "two activities of one organisation at one venue": (
        walking_group("careplace", "1", name="Coffee morning", description=None),
        walking_group("council", "2", name="Chair yoga", description=None),
    ),
    "one organisation's walking groups in two parks": (
        walking_group("careplace", "1"),
        walking_group("council", "2", point=CLISSOLD_PARK, postcode="N16 9HJ"),
    ),
    "two St Mary's in different boroughs": (
        record("careplace", "1", "Lunch club", "St Mary's Church", point=CAMDEN_TOWN),
        record("council", "2", "Lunch club", "St Mary's Church", point=CLISSOLD_PARK),
    ),
    "nothing but a generic name in common": (
        record("spreadsheet", "1", "Coffee morning"),
        record("lvsc", "2", "Coffee morning"),
    ),
}


@pytest.mark.parametrize(("a", "b"), MATCHES.values(), ids=MATCHES.keys())
def test_the_same_service_matches(a, b):
    result = score(a, b)

    assert result.decision == Decision.MATCH, result.contributions


@pytest.mark.parametrize(("a", "b"), NON_MATCHES.values(), ids=NON_MATCHES.keys())
def test_different_services_do_not_match(a, b):
    result = score(a, b)

    assert result.decision != Decision.MATCH, result.contributions


def test_organisation_boilerplate_pasted_into_every_service_is_not_service_evidence():
    boilerplate = "Friends of Highbury Fields look after the park and run activities for all."
    coffee = walking_group("careplace", "1", name="Coffee morning", description=boilerplate)
    yoga = walking_group("council", "2", name="Chair yoga", description=boilerplate)
    others = [
        walking_group("careplace", "3", name="Chair yoga", description=boilerplate),
        walking_group("council", "4", name="Coffee morning", description=boilerplate),
    ]
    index = RecordIndex.build([coffee, yoga, *others], MatchConfig())

    result = score_services(coffee, yoga, index, index.config)

    assert result.contributions["description"] < MatchConfig().weights.same_description_weight
    assert result.decision != Decision.MATCH


def test_a_score_is_explained_by_its_contributions():
    result = score(*NON_MATCHES["branches of one charity in two boroughs"])

    assert result.a == "careplace/1" and result.b == "council/2"
    assert result.contributions["borough_conflict"] < 0
    assert result.contributions["distance"] < 0
    assert result.score == pytest.approx(sum(result.contributions.values()), abs=0.01)


def test_scores_are_symmetric():
    a, b = MATCHES["same walking group from CarePlace and the LVSC map"]

    assert score(a, b).score == score(b, a).score


def test_thresholds_are_configurable():
    a, b = MATCHES["same walking group from CarePlace and the LVSC map"]
    strict = MatchConfig(services=replace(MatchConfig().services, match_threshold=100.0))

    result = score(a, b, strict)

    assert result.decision == Decision.POSSIBLE


def test_a_possible_match_is_neither_merged_nor_dismissed():
    a = record("spreadsheet", "1", "Knit and natter", postcode="N5 1AR")
    b = record("careplace", "2", "Knit and natter", "Highbury Knitters", postcode="N5 1AR")

    assert score(a, b).decision == Decision.POSSIBLE


@pytest.mark.parametrize(
    ("a_point", "b_point", "expected"),
    [
        (HIGHBURY_FIELDS, HIGHBURY_FIELDS_PIN, 1.0),  # ~190 m: near
        (HIGHBURY_FIELDS, CLISSOLD_PARK, -7.0),  # ~1.7 km: another place
        (CAMDEN_TOWN, CLISSOLD_PARK, -7.0),
    ],
)
def test_distance_is_place_evidence(a_point, b_point, expected):
    a = walking_group("careplace", "1", point=a_point, postcode=None)
    b = walking_group("council", "2", point=b_point, postcode=None)

    assert score(a, b).contributions["distance"] == expected


def test_a_postcode_stands_in_for_missing_coordinates():
    placed = walking_group("careplace", "1", point=HIGHBURY_FIELDS, postcode="N5 1AR")
    unplaced = walking_group("spreadsheet", "2", point=None, postcode="N5 1AR")

    assert score(placed, unplaced).contributions["postcode"] > 0


def test_different_postcode_districts_are_evidence_of_different_places():
    a = walking_group("careplace", "1", point=None, postcode="N5 1AR")
    b = walking_group("spreadsheet", "2", point=None, postcode="N16 9HJ")

    assert score(a, b).contributions["postcode_differs"] < 0
