"""MatchRecord.from_service: what the matcher reads from a normalised HSDS service."""

from __future__ import annotations

import pytest

from app.matching import MatchRecord
from tests.matching.builders import service


def test_reads_every_field_the_matcher_compares():
    raw = service(
        "Walking Group",
        "St. Mary's Comm. Assoc Ltd",
        phone="+44 (0)20 7946 0018",
        email="Info@StMarys.ORG.uk",
        website="https://www.stmarys.org.uk/walks",
        charity="1012345-1",
        point=(51.549, -0.103),
        postcode="n51ar",
        venue="Highbury Fields",
        description="A gentle &amp; friendly walk.",
        terms=("Physical activity",),
        modified="2025-03-01T10:00:00Z",
        alternate_name="Health Walks",
    )
    record = MatchRecord.from_service("careplace", "cp-17", raw)

    assert record.record_id == "careplace/cp-17"
    assert record.name == "walking group"
    assert record.organization == "st marys community association"
    assert record.alternate_names == ("health walks",)
    assert record.phones == {"02079460018"}
    assert record.emails == {"info@stmarys.org.uk"}
    assert record.website == "stmarys.org.uk"
    assert record.domains == {"stmarys.org.uk"}
    assert record.charity_numbers == {"1012345"}
    assert record.points == ((51.549, -0.103),)
    assert record.postcodes == {"N5 1AR"}
    assert record.districts == {"N5"}
    assert record.location_names == {"highbury fields"}
    assert record.description == "a gentle friendly walk"
    assert record.taxonomy == {"physical activity"}
    assert record.last_modified == "2025-03-01T10:00:00Z"
    assert record.service is raw


def test_phones_are_gathered_from_every_hsds_level():
    raw = service("Lunch club", "Age UK Camden", phone="020 7946 0001")
    raw["organization"]["phones"] = [{"number": "020-7946-0002"}]
    raw["service_at_locations"] = [
        {
            "phones": [{"number": "02079460003"}],
            "location": {"phones": [{"number": "tel 020 7946 0004"}]},
        }
    ]
    raw["contacts"] = [{"phones": [{"number": "(020) 79460005"}]}]

    record = MatchRecord.from_service("council", "1", raw)

    assert record.phones == {f"0207946000{n}" for n in range(1, 6)}


@pytest.mark.parametrize(
    ("email", "domains"),
    [
        ("hello@friendsofhighbury.org.uk", {"friendsofhighbury.org.uk"}),
        ("friendsofhighbury@gmail.com", set()),  # shared by unrelated groups: no evidence
        ("walks@hotmail.co.uk", set()),
    ],
)
def test_free_mail_domains_say_nothing_about_the_organisation(email, domains):
    record = MatchRecord.from_service("lvsc", "1", service("Walk", email=email))

    assert record.domains == domains


@pytest.mark.parametrize(
    ("identifier", "charity", "company"),
    [
        ({"identifier_type": "Charity Number", "identifier": "1012345"}, {"1012345"}, set()),
        ({"identifier_scheme": "GB-CHC", "identifier": " 1012345-2 "}, {"1012345"}, set()),
        ({"identifier_scheme": "GB-COH", "identifier": "01234567"}, set(), {"1234567"}),
        ({"identifier_type": "Company number", "identifier": "1234567"}, set(), {"1234567"}),
        ({"identifier_type": "VAT", "identifier": "GB123"}, set(), set()),
    ],
)
def test_registration_numbers_are_read_by_type_or_scheme(identifier, charity, company):
    raw = service("Advice", "Citizens Advice Camden")
    raw["organization"]["organization_identifiers"] = [identifier]

    record = MatchRecord.from_service("council", "1", raw)

    assert (record.charity_numbers, record.company_numbers) == (charity, company)


@pytest.mark.parametrize(
    "messy",
    [
        {"name": None, "organization": None, "phones": "020 7946 0018"},
        {"name": 42, "service_at_locations": [{"location": {"latitude": "north"}}]},
        {
            "name": "X",
            "service_at_locations": [None, {"location": {"latitude": 0, "longitude": 0}}],
        },
        {"name": "X", "attributes": [{"taxonomy_term": "not a dict"}], "email": "not an email"},
        {"name": "X", "organization": "Age UK", "service_at_locations": [{"location": "N1"}]},
    ],
)
def test_messy_values_never_raise(messy):
    record = MatchRecord.from_service("spreadsheet", "row 3", messy)

    assert record.points == ()
    assert record.phones == frozenset()


def test_keep_service_false_drops_the_dict_to_save_memory():
    record = MatchRecord.from_service("lvsc", "1", service("Walk"), keep_service=False)

    assert record.service is None


def test_the_activity_is_the_name_without_organisation_or_venue():
    record = MatchRecord.from_service(
        "lvsc", "1", service("Age UK Camden Walking Group at Highbury Fields", "Age UK Camden")
    )

    assert record.activity == "walking group"
    assert record.full_name == "age uk camden walking group"
    assert record.boroughs == {"Camden"}
