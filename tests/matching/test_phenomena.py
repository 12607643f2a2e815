"""How directories really differ (issue #18): each phenomenon on a small hand-built pair.

Same service: a source's own service ID at two venues, a source listing one service
twice, patient-facing names, a location named after its postcode, one service at two
venues tied together by a feed listing both. Not the same: a real directory's numbered
shops, "Group" / "Individual" counseling, a service named after its organisation next
to a named one, "Benefits advice" / "Debt advice" of one organisation at one venue.
"""

from __future__ import annotations

from app.matching import (
    Decision,
    MatchConfig,
    MatchRecord,
    RecordIndex,
    match_records,
    score_services,
)
from tests.matching.builders import CLISSOLD_PARK, HIGHBURY_FIELDS, record, service

TEXT = "Bring your knitting or learn from others, every Tuesday at 2pm. Free, all welcome."


def score(a: MatchRecord, b: MatchRecord, *others: MatchRecord):
    index = RecordIndex.build([a, b, *others], MatchConfig())
    return score_services(a, b, index, index.config)


def together(records: list[MatchRecord], *ids: str) -> bool:
    result, _ = match_records(records, MatchConfig(workers=1))
    return len({result.services.cluster_of(record_id) for record_id in ids}) == 1


def test_one_service_id_at_two_postcodes_is_one_service():
    # CarePlace: one row per venue, the same service ID, far apart.
    first = record("careplace", "S12@N51AR", "Knit and natter", "Highbury Crafters",
                   point=HIGHBURY_FIELDS, postcode="N5 1AR", venue="Highbury Library")  # fmt: skip
    second = record("careplace", "S12@N169HJ", "Knit and natter", "Highbury Crafters",
                    point=CLISSOLD_PARK, postcode="N16 9HJ", venue="Clissold House")  # fmt: skip

    assert score(first, second).decision == Decision.MATCH
    assert together([first, second], first.record_id, second.record_id)


def test_two_service_ids_of_one_source_at_two_places_stay_apart():
    first = record("careplace", "S12@N51AR", "Knit and natter", "Highbury Crafters",
                   point=HIGHBURY_FIELDS, postcode="N5 1AR")  # fmt: skip
    second = record("careplace", "S13@N169HJ", "Knit and natter", "Highbury Crafters",
                    point=CLISSOLD_PARK, postcode="N16 9HJ")  # fmt: skip

    assert not together([first, second], first.record_id, second.record_id)


def test_a_directory_listing_one_service_twice_is_merged():
    common = dict(phone="020 7946 0300", postcode="N5 1AR", point=HIGHBURY_FIELDS)
    first = record("council", "101", "Lunch club", "St Mary's Church", **common)
    second = record("council", "245", "Lunch Club", "St Marys Church", **common)

    assert together([first, second], first.record_id, second.record_id)


def test_a_patient_facing_name_sharing_the_key_word_is_the_same_activity():
    common = dict(phone="020 7946 0300", postcode="N5 1AR", point=HIGHBURY_FIELDS)
    formal = record("careplace", "1", "Knitting group", "Highbury Crafters", **common)
    patient = record("lvsc", "2", "Knit and natter", "Highbury Crafters", **common)

    assert score(formal, patient).decision == Decision.MATCH


def test_the_cafe_at_the_venue_is_not_a_different_activity():
    common = dict(phone="020 7946 0300", postcode="N5 1AR", point=HIGHBURY_FIELDS,
                  description=TEXT)  # fmt: skip
    formal = record("careplace", "1", "Dementia cafe", "Highbury Carers", **common)
    patient = record("lvsc", "2", "The café", "Highbury Carers", **common)

    result = score(formal, patient)

    assert result.contributions["activity"] > MatchConfig().weights.activity_differs
    assert result.decision == Decision.MATCH


def test_a_different_title_with_the_providers_same_text_at_one_place_is_one_service():
    common = dict(phone="020 7946 0300", postcode="N5 1AR", point=HIGHBURY_FIELDS,
                  description=TEXT)  # fmt: skip
    formal = record("careplace", "1", "Stay and play", "Highbury Families", **common)
    patient = record("lvsc", "2", "Toddler group", "Highbury Families", **common)

    assert score(formal, patient).decision == Decision.MATCH


def test_a_location_named_after_its_postcode_is_no_venue_name():
    named = MatchRecord.from_service(
        "careplace", "1", service("Lunch club", "St Mary's", postcode="N5 1AR", venue="N5 1AR")
    )

    assert named.location_names == frozenset()


def test_a_postcode_named_location_does_not_conflict_with_the_venues_real_name():
    common = dict(phone="020 7946 0300", postcode="N5 1AR")
    careplace = record("careplace", "1", "Lunch club", "St Mary's", venue="N5 1AR", **common)
    council = record("council", "2", "Lunch club", "St Mary's", venue="St Mary's Hall", **common)

    result = score(careplace, council)

    assert "venue_conflict" not in result.contributions
    assert result.decision == Decision.MATCH


def test_one_service_at_two_venues_joins_when_a_feed_lists_both():
    # The council lists both venues; CarePlace one row per venue; LVSC one pin at the park.
    org, name, phone = "Highbury Crafters", "Knit and natter", "020 7946 0300"
    council = MatchRecord.from_service("council", "7", {
        "name": name, "organization": {"name": org}, "phones": [{"number": phone}],
        "service_at_locations": [
            {"location": {"latitude": HIGHBURY_FIELDS[0], "longitude": HIGHBURY_FIELDS[1],
                          "addresses": [{"postal_code": "N5 1AR"}]}},
            {"location": {"latitude": CLISSOLD_PARK[0], "longitude": CLISSOLD_PARK[1],
                          "addresses": [{"postal_code": "N16 9HJ"}]}},
        ],
    })  # fmt: skip
    at_highbury = record("careplace", "S1@N51AR", name, org, phone=phone,
                         point=HIGHBURY_FIELDS, postcode="N5 1AR")  # fmt: skip
    at_clissold = record("lvsc", "pin-9", name, org, phone=phone, point=CLISSOLD_PARK)

    records = [council, at_highbury, at_clissold]
    assert together(records, council.record_id, at_highbury.record_id, at_clissold.record_id)


def test_one_organisations_same_activity_in_two_parks_stays_two_services():
    # Nothing lists both parks: two walking groups, not one walk at two places.
    org, name, phone = "Friends of Islington Parks", "Walking group", "020 7946 0018"
    first = record("careplace", "1", name, org, phone=phone, point=HIGHBURY_FIELDS)
    second = record("lvsc", "2", name, org, phone=phone, point=CLISSOLD_PARK)

    assert not together([first, second], first.record_id, second.record_id)


def test_numbered_shops_of_one_chain_are_different_places():
    # A US directory: no coordinates, no UK postcodes, the venue named like the service.
    shops = [
        record(
            "211",
            f"s{n}",
            f"Thrift store #{n}",
            "Goodwill Industries",
            phone="(555) 010-4400",
            venue=f"Thrift store #{n}",
        )  # fmt: skip
        for n in (1, 4, 5)
    ]

    result, _ = match_records(shops, MatchConfig(workers=1))

    assert len(result.services.clusters) == 3


def test_group_and_individual_counseling_are_two_services():
    common = dict(phone="(555) 010-2000", venue="Family Services Center")
    group = record("211", "1", "Group counseling", "Family Services", **common)
    individual = record("211", "2", "Individual counseling", "Family Services", **common)

    assert score(group, individual).decision != Decision.MATCH


def test_a_service_named_after_its_organisation_is_not_its_named_programme():
    common = dict(phone="(555) 010-3000", venue="Healthy Start Office")
    flagship = record("211", "1", "Healthy Start Program", "Healthy Start", **common)
    named = record("211", "2", "Mom Care Program", "Healthy Start", **common)

    assert score(flagship, named).decision != Decision.MATCH


def test_benefits_and_debt_advice_of_one_organisation_at_one_venue_stay_apart():
    common = dict(phone="020 7946 0400", postcode="N5 1AR", point=HIGHBURY_FIELDS)
    benefits = record("careplace", "1", "Benefits advice", "Highbury Advice", **common)
    debt = record("lvsc", "2", "Debt advice", "Highbury Advice", **common)

    assert score(benefits, debt).decision != Decision.MATCH


def test_groups_a_community_centre_hosts_with_its_one_phone_stay_apart():
    reception = dict(phone="020 7946 0999", postcode="N5 1AR", point=HIGHBURY_FIELDS,
                     venue="Highbury Community Centre")  # fmt: skip
    groups = [
        record(source, f"{source}-{i}", name, org, **reception)
        for i, (name, org) in enumerate([
            ("Chair yoga", "Active Islington"), ("Coffee morning", "St Mary's Church"),
            ("Debt advice", "Islington Advice"), ("Book club", "Highbury Readers"),
        ])
        for source in ("careplace", "lvsc")
    ]  # fmt: skip

    result, _ = match_records(groups, MatchConfig(workers=1))

    assert len(result.services.clusters) == 4


def test_one_activity_run_by_two_organisations_at_one_venue_stays_two_services():
    venue = dict(postcode="N5 1AR", point=HIGHBURY_FIELDS, venue="Highbury Community Centre")
    first = record("careplace", "1", "Coffee morning", "St Mary's Church", **venue)
    second = record("lvsc", "2", "Coffee morning", "Highbury Over 50s Club", **venue)

    assert score(first, second).decision != Decision.MATCH


def test_numbered_branches_sharing_the_chains_phone_email_text_and_venue_stay_apart():
    # Everything but the number is the chain's: two sources each list both shops.
    text = "Second-hand furniture and household goods, run by volunteers for the charity."
    common = dict(
        phone="020 7946 0500",
        email="shops@brighthorizons.org.uk",
        website="https://www.brighthorizons.org.uk",
        venue="Bright Horizons furniture stores",
        description=text,
        terms=("Volunteering",),
    )
    shops = [
        record(source, f"{source}{n}", f"Furniture store #{n}", "Bright Horizons", **common)
        for source in ("council", "lvsc")
        for n in (1, 4)
    ]

    assert together(shops, "council/council1", "lvsc/lvsc1")
    assert together(shops, "council/council4", "lvsc/lvsc4")
    assert not together(shops, "council/council1", "council/council4")
    assert not together(shops, "lvsc/lvsc1", "lvsc/lvsc4")


def test_a_session_for_another_audience_is_another_service_whatever_the_org_shares():
    common = dict(
        phone="020 7946 0600",
        email="hello@gospeloak.org.uk",
        website="https://www.gospeloak.org.uk",
        postcode="N5 1AR",
        point=HIGHBURY_FIELDS,
        venue="Gospel Oak Community Centre",
    )
    pairs = [
        ("Youth club", "Junior youth club"),
        ("Counselling", "Couples counselling"),
        ("Parenting course", "Teen parenting course"),
        ("Youth club", "Juinor youth club"),  # a typo of the qualifier too
    ]
    for plain, qualified in pairs:
        first = record("council", "1", plain, "Gospel Oak Footprints", **common)
        second = record("careplace", "2", qualified, "Gospel Oak Footprints", **common)
        assert score(first, second).decision != Decision.MATCH, (plain, qualified)
        assert not together([first, second], first.record_id, second.record_id)


def test_a_record_named_after_its_organisation_is_not_the_organisations_programme():
    # One source leaves the organisation out and names the flagship after it.
    common = dict(phone="020 7946 0700", postcode="KT9 2WH", venue="Warm Hands Project")
    flagship = record("careplace", "1", "Warm Hands Project", None, **common)
    programme = record("council", "2", "Mum care programme", "Warm Hands Project", **common)

    assert score(flagship, programme).decision != Decision.MATCH


def test_a_word_that_only_names_the_area_still_matches():
    # The qualifier rule must leave a place-name extra to the milder extra-words rule.
    common = dict(phone="020 7946 0800", postcode="N5 1AR", point=HIGHBURY_FIELDS)
    first = record("council", "1", "Walking group", "Highbury Ramblers", **common)
    second = record("lvsc", "2", "Walking group", "Highbury Ramblers", **common)

    assert score(first, second).decision == Decision.MATCH


def test_two_kinds_of_advice_stay_apart_whatever_the_organisation_shares():
    # Alike only in "advice" (a similarity of about 70): clearly different, not unproven.
    common = dict(
        phone="020 7946 0900",
        email="advice@evergreenvoices.org.uk",
        website="https://www.evergreenvoices.org.uk",
        postcode="N5 1AR",
        point=HIGHBURY_FIELDS,
        venue="St James's Church Hall",
    )
    benefits = record("careplace", "1", "Benefits advice", "Evergreen Voices", **common)
    debt = record(
        "lvsc", "2", "Debt advice at St James's Church Hall", "Evergreen Voices", **common
    )

    assert score(benefits, debt).decision != Decision.MATCH


def test_a_postcode_given_without_coordinates_that_disagrees_is_only_a_doubt():
    # One source gave a neighbouring venue's postcode and no pin: a claim it may have got
    # wrong, not a measured second place (with a pin on both sides it is: two parks).
    text = "Bring your knitting or learn from others, every Tuesday at 2pm at the library."
    pinned = record("careplace", "1", "Knit and natter", "Highbury Crafters",
                    point=HIGHBURY_FIELDS, postcode="N5 1AR", description=text)  # fmt: skip
    unpinned = record("council", "2", "Knit and natter", "Highbury Crafters",
                      postcode="N16 9HJ", description=text)  # fmt: skip

    assert score(pinned, unpinned).decision == Decision.MATCH
