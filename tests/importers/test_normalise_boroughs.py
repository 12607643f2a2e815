"""London boroughs: names as sources write them, matched to the 33 local authorities."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.records.normalise import borough_gss_code, match_borough, split_areas
from app.records.normalise.boroughs import BOROUGH_GSS_CODES

FAST = settings(max_examples=200, database=None, deadline=None)


def test_the_33_london_local_authorities_have_their_ons_codes():
    assert len(BOROUGH_GSS_CODES) == 33
    assert sorted(BOROUGH_GSS_CODES.values()) == [f"E090000{n:02d}" for n in range(1, 34)]
    assert BOROUGH_GSS_CODES["City of London"] == "E09000001"
    assert BOROUGH_GSS_CODES["Westminster"] == "E09000033"


@pytest.mark.parametrize("name", sorted(BOROUGH_GSS_CODES))
def test_every_canonical_name_matches_itself(name):
    assert match_borough(name) == name
    assert match_borough(name.upper()) == name
    assert borough_gss_code(name) == BOROUGH_GSS_CODES[name]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("LB Camden", "Camden"),
        ("LB of Camden", "Camden"),
        ("Camden Council", "Camden"),
        ("Camden, London", "Camden"),
        ("London Borough of Hackney", "Hackney"),
        ("The London Borough of Hackney", "Hackney"),
        ("Royal Borough of Kensington & Chelsea", "Kensington and Chelsea"),
        ("Kensington and Chelsea", "Kensington and Chelsea"),
        ("Kensington & Chelsea", "Kensington and Chelsea"),
        ("RBKC", "Kensington and Chelsea"),
        ("Hammersmith & Fulham", "Hammersmith and Fulham"),
        ("H&F", "Hammersmith and Fulham"),
        ("LBHF", "Hammersmith and Fulham"),
        ("City of Westminster", "Westminster"),
        ("Westminster City Council", "Westminster"),
        ("Westminster", "Westminster"),
        ("City", "City of London"),
        ("The City", "City of London"),
        ("City of London", "City of London"),
        ("City of London Corporation", "City of London"),
        ("Tower Hamlets Council", "Tower Hamlets"),
        ("tower hamlets", "Tower Hamlets"),
        ("Barking & Dagenham", "Barking and Dagenham"),
        ("London Borough of Barking and Dagenham", "Barking and Dagenham"),
        ("Richmond", "Richmond upon Thames"),
        ("Richmond-upon-Thames", "Richmond upon Thames"),
        ("Kingston", "Kingston upon Thames"),
        ("Royal Borough of Kingston upon Thames", "Kingston upon Thames"),
        ("Royal Borough of Greenwich", "Greenwich"),
        ("  Waltham   Forest ", "Waltham Forest"),
        # Typos, matched conservatively
        ("Islignton", "Islington"),
        ("Hackeny", "Hackney"),
        ("Southwak", "Southwark"),
        ("Lambteh", "Lambeth"),
        ("Wandsworh", "Wandsworth"),
        ("Tower Hamlet", "Tower Hamlets"),
        ("Bexly", "Bexley"),
    ],
)
def test_match_borough_tolerates_how_sources_write_names(text, expected):
    assert match_borough(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Barnes",  # in Richmond, not Barnet
        "Kilburn",
        "Stratford",
        "North London",
        "Paris",
        "Camdem",  # too far for the conservative cutoff
        "London",
        "Online",
        "",
        "ab",
        None,
    ],
)
def test_match_borough_refuses_places_that_are_not_boroughs(text):
    assert match_borough(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("LB Camden", "E09000007"),
        ("City", "E09000001"),
        ("Kensington & Chelsea", "E09000020"),
        ("Kilburn", None),
        (None, None),
    ],
)
def test_borough_gss_code(text, expected):
    assert borough_gss_code(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Camden; Islington", ["Camden", "Islington"]),
        ("Camden, Islington and Hackney", ["Camden", "Islington", "Hackney"]),
        ("Camden / Islington / Haringey", ["Camden", "Islington", "Haringey"]),
        ("Camden\nIslington", ["Camden", "Islington"]),
        (
            "Kensington & Chelsea, Hammersmith and Fulham",
            ["Kensington and Chelsea", "Hammersmith and Fulham"],
        ),
        (
            "Barking and Dagenham, Havering & Redbridge",
            ["Barking and Dagenham", "Havering", "Redbridge"],
        ),
        ("City and Hackney", ["City of London", "Hackney"]),
        ("LB Camden, London Borough of Islington", ["Camden", "Islington"]),
        ("Camden, camden, CAMDEN", ["Camden"]),
        ("Pan-London", ["pan-London"]),
        ("Pan London", ["pan-London"]),
        ("London-wide", ["pan-London"]),
        ("All London", ["pan-London"]),
        ("All London boroughs", ["pan-London"]),
        ("London", ["pan-London"]),
        ("National", ["national"]),
        ("UK-wide", ["national"]),
        ("Nationwide", ["national"]),
        ("Online", ["online"]),
        ("Telephone", ["online"]),
        ("Online / Telephone", ["online"]),
        ("Camden, Islington and online", ["Camden", "Islington", "online"]),
        ("Camden, Kilburn", ["Camden", "Kilburn"]),  # unrecognised pieces are kept
        ("Greenwich and Fulham", ["Greenwich", "Fulham"]),
        ("", []),
        (None, []),
    ],
)
def test_split_areas_separates_boroughs_and_special_areas(text, expected):
    assert split_areas(text) == expected


@FAST
@given(st.text())
def test_borough_functions_never_raise(text):
    borough = match_borough(text)
    assert borough is None or borough in BOROUGH_GSS_CODES
    assert borough_gss_code(text) == (BOROUGH_GSS_CODES[borough] if borough else None)
    areas = split_areas(text)
    assert len(areas) == len(set(areas))
    assert all(area.strip() == area and area for area in areas)


@FAST
@given(
    st.lists(st.sampled_from(sorted(BOROUGH_GSS_CODES)), min_size=1, max_size=5, unique=True),
    st.sampled_from([", ", "; ", " / ", "\n"]),
)
def test_lists_of_boroughs_split_back_into_their_names(names, separator):
    assert split_areas(separator.join(names)) == names
