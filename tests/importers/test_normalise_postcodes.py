"""UK postcodes: spelled one way, outward codes and districts, found at the end of addresses."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.records.normalise import find_postcode, normalise_postcode, outward_code, postcode_district

FAST = settings(max_examples=200, database=None, deadline=None)

LONDON_OUTWARD = ["N1", "E14", "SW1A", "EC1A", "W1A", "SE15", "NW10", "WC2H", "E1W", "CR0"]
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("N1 9GU", "N1 9GU"),
        ("n19gu", "N1 9GU"),
        ("N1  9GU", "N1 9GU"),
        ("  n1 9gu ", "N1 9GU"),
        ("N1 9GU.", "N1 9GU"),
        ("(N1 9GU)", "N1 9GU"),
        ("n1-9gu", "N1 9GU"),
        ("EC1A 1BB", "EC1A 1BB"),
        ("ec1a1bb", "EC1A 1BB"),
        ("W1A 0AX", "W1A 0AX"),
        ("w1a0ax", "W1A 0AX"),
        ("SW1A 1AA", "SW1A 1AA"),
        ("E14 5AB", "E14 5AB"),
        ("SE1 7PB", "SE1 7PB"),
        ("NW10 4LX", "NW10 4LX"),
        ("WC2H 8AG", "WC2H 8AG"),
        ("E1W 1AA", "E1W 1AA"),
        ("CR0 1NX", "CR0 1NX"),
        ("GIR 0AA", "GIR 0AA"),
        ("gir0aa", "GIR 0AA"),
    ],
)
def test_normalise_postcode_spells_postcodes_one_way(text, expected):
    assert normalise_postcode(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        None,
        "N1",  # outward code only
        "N1 9GO",  # letter O in the inward code is not corrected
        "N1 9G0",
        "Q1 1AA",  # Q never starts a postcode
        "SW1A 1AA 1AA",
        "London N1 9GU",  # free text is find_postcode's job
        "12345",
        "N1 9GU N1 9GU",
        "ΣW1A 1AA",
    ],
)
def test_normalise_postcode_rejects_what_is_not_exactly_one_postcode(text):
    assert normalise_postcode(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sw1a", "SW1A"),
        ("E1", "E1"),
        ("N 1", "N1"),
        ("nw10", "NW10"),
        ("EC1A", "EC1A"),
        ("se15 ", "SE15"),
        ("EC1A 1BB", "EC1A"),  # a full postcode gives its outward code
        ("n19gu", "N1"),
        ("GIR 0AA", "GIR"),
        ("SW1AA", None),
        ("1AB", None),
        ("London", None),
        ("", None),
    ],
)
def test_outward_code_accepts_partial_postcodes(text, expected):
    assert outward_code(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("EC1A 1BB", "EC1"),
        ("SW1A 1AA", "SW1"),
        ("W1A 0AX", "W1"),
        ("WC2H", "WC2"),
        ("N1 9GU", "N1"),
        ("E14 5AB", "E14"),
        ("nw10", "NW10"),
        ("GIR 0AA", None),
        ("not a postcode", None),
        (None, None),
    ],
)
def test_postcode_district_drops_the_sub_district_letter(text, expected):
    assert postcode_district(text) == expected


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("12 High St, London N1 9GU", "N1 9GU"),
        ("Flat 2B, 3 Kennington Road, London, SE1 7PB, UK", "SE1 7PB"),
        ("Toynbee Hall, 28 Commercial St, E1 6LS", "E1 6LS"),
        ("St Pancras Way, London NW1 0PE.", "NW1 0PE"),
        ("Whitechapel Road, london e11bb", "E1 1BB"),
        ("Unit 4, 1-3 Ezra St EC1A 1BB (rear entrance)", "EC1A 1BB"),
        ("Buckingham Palace, London SW1A 1AA", "SW1A 1AA"),
        ("Old N1 9GU office, now at E14 5AB", "E14 5AB"),  # the last postcode wins
        ("12 High St, London", None),
        ("Unit 2B 3AX House", None),  # postcode-shaped but not valid (U is not an area)
        ("", None),
        (None, None),
    ],
)
def test_find_postcode_takes_the_postcode_ending_an_address(address, expected):
    assert find_postcode(address) == expected


@st.composite
def written_postcodes(draw):
    """A valid London postcode as someone might type it: any case, any spacing."""
    outward = draw(st.sampled_from(LONDON_OUTWARD))
    inward = str(draw(st.integers(0, 9))) + "".join(
        draw(st.lists(st.sampled_from(INWARD_LETTERS), min_size=2, max_size=2))
    )
    spaces = draw(st.sampled_from(["", " ", "  ", "\t"]))
    text = f"{outward}{spaces}{inward}"
    return (text.lower() if draw(st.booleans()) else text), f"{outward} {inward}"


@FAST
@given(st.text())
def test_postcode_functions_never_raise(text):
    for function in (normalise_postcode, outward_code, postcode_district, find_postcode):
        result = function(text)
        assert result is None or isinstance(result, str)


@FAST
@given(st.text())
def test_normalise_postcode_is_idempotent_on_any_text(text):
    postcode = normalise_postcode(text)
    assert normalise_postcode(postcode) == postcode


@FAST
@given(written_postcodes(), st.sampled_from(["12 High St, London ", "Hall, ", ""]))
def test_written_postcodes_normalise_and_are_found_in_addresses(written, prefix):
    text, expected = written
    assert normalise_postcode(text) == expected
    assert normalise_postcode(expected) == expected
    assert find_postcode(prefix + text) == expected
    assert outward_code(text) == expected.split(" ")[0]
