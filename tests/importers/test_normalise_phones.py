"""UK phone numbers: national format with the usual grouping, extensions kept apart."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.records.normalise import normalise_phone, split_phones

FAST = settings(max_examples=200, database=None, deadline=None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # London 020: 020 XXXX XXXX, however it was written
        ("020 7946 0018", ("020 7946 0018", None)),
        ("02079460018", ("020 7946 0018", None)),
        ("+44 (0)20 7946 0018", ("020 7946 0018", None)),
        ("+44 20 7946 0018", ("020 7946 0018", None)),
        ("+442079460018", ("020 7946 0018", None)),
        ("0044 20 7946 0018", ("020 7946 0018", None)),
        ("0044 (0)20 7946 0018", ("020 7946 0018", None)),
        ("44 20 7946 0018", ("020 7946 0018", None)),
        ("(020) 7946 0018", ("020 7946 0018", None)),
        ("(0)20 7946 0018", ("020 7946 0018", None)),
        ("020-7946-0018", ("020 7946 0018", None)),
        ("020.7946.0018", ("020 7946 0018", None)),
        ("0207 946 0018", ("020 7946 0018", None)),
        ("  020 7946 0018  ", ("020 7946 0018", None)),
        ("Tel: 020 7946 0018", ("020 7946 0018", None)),
        ("T. 020 7946 0018", ("020 7946 0018", None)),
        # Other geographic numbers
        ("0161 496 0000", ("0161 496 0000", None)),
        ("01614960000", ("0161 496 0000", None)),
        ("0121 496 0000", ("0121 496 0000", None)),
        ("0113 496 0000", ("0113 496 0000", None)),
        ("01632 960123", ("01632 960123", None)),
        ("+44 1632 960123", ("01632 960123", None)),
        ("015394 12345", ("015394 12345", None)),
        ("029 2018 0000", ("029 2018 0000", None)),
        # Mobiles and non-geographic numbers
        ("07700 900123", ("07700 900123", None)),
        ("07700900123", ("07700 900123", None)),
        ("+44 7700 900123", ("07700 900123", None)),
        ("Mobile: 07700-900-123", ("07700 900123", None)),
        ("0800 123 4567", ("0800 123 4567", None)),
        ("Freephone 0800 123 4567", ("0800 123 4567", None)),
        ("0808 808 4994", ("0808 808 4994", None)),
        ("0300 123 4567", ("0300 123 4567", None)),
        ("0345 600 4000", ("0345 600 4000", None)),
        ("03001234567", ("0300 123 4567", None)),
        ("0800 1111", ("0800 1111", None)),  # Childline
        ("116 123", ("116 123", None)),  # Samaritans
        ("0800 123456", ("0800 123456", None)),
        # Extensions
        ("020 7946 0018 ext 123", ("020 7946 0018", 123)),
        ("020 7946 0018 ext. 12", ("020 7946 0018", 12)),
        ("020 7946 0018 Ext. 12", ("020 7946 0018", 12)),
        ("020 7946 0018 extn. 45", ("020 7946 0018", 45)),
        ("020 7946 0018 extension 2001", ("020 7946 0018", 2001)),
        ("020 7946 0018 x123", ("020 7946 0018", 123)),
        ("020 7946 0018x123", ("020 7946 0018", 123)),
        ("020 7946 0018 (ext 4)", ("020 7946 0018", 4)),
        ("+44 (0)20 7946 0018, ext: 301", ("020 7946 0018", 301)),
    ],
)
def test_normalise_phone_gives_national_format_and_extension(text, expected):
    assert normalise_phone(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        None,
        "020 7946 001",  # too short
        "020 7946 00188",  # too long
        "+1 212 555 0100",  # not UK
        "001 212 555 0100",
        "+33 1 23 45 67 89",
        "0600 123 4567",  # 06 is not in use
        "0800 FLOWERS",
        "call us",
        "020 7946 0018 (Mon-Fri)",
        "7946 0018",  # no area code
        "2079460018",  # leading zero lost: not guessed
        "020 7946 0018 / 07700 900123",  # two numbers: split_phones first
        "+44 +20 7946 0018",
        "٠٢٠ ٧٩٤٦ ٠٠١٨",
    ],
)
def test_normalise_phone_rejects_non_uk_and_wrong_length(text):
    assert normalise_phone(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("020 7946 0018 / 07700 900123", ["020 7946 0018", "07700 900123"]),
        ("020 7946 0018; 0161 496 0000", ["020 7946 0018", "0161 496 0000"]),
        ("020 7946 0018 or 07700 900123", ["020 7946 0018", "07700 900123"]),
        ("020 7946 0018 OR 07700 900123", ["020 7946 0018", "07700 900123"]),
        ("020 7946 0018, 0800 123 4567", ["020 7946 0018", "0800 123 4567"]),
        ("020 7946 0018\n07700 900123", ["020 7946 0018", "07700 900123"]),
        ("020 7946 0018, ext 12", ["020 7946 0018 ext 12"]),
        ("020 / 7946 0018", ["020 7946 0018"]),
        ("020 7946 0018, rubbish", ["020 7946 0018", "rubbish"]),
        ("020 7946 0018", ["020 7946 0018"]),
        ("", []),
        (None, []),
    ],
)
def test_split_phones_splits_cells_holding_several_numbers(text, expected):
    assert split_phones(text) == expected


@st.composite
def written_numbers(draw):
    """A valid UK number (national digits) and one way a source might write it."""
    prefix = draw(st.sampled_from(["020", "0161", "01632", "07700", "0800", "0300", "0345"]))
    national = prefix + "".join(
        draw(
            st.lists(
                st.sampled_from("0123456789"), min_size=11 - len(prefix), max_size=11 - len(prefix)
            )
        )
    )
    if national.startswith("020") and national[3] in "01":
        national = national[:3] + "7" + national[4:]
    style = draw(st.sampled_from(["national", "+44", "+44 (0)", "0044"]))
    digits = national if style == "national" else national[1:]
    separator = draw(st.sampled_from(["", " ", "-", "."]))
    body = separator.join([digits[:4], digits[4:7], digits[7:]])
    head = {"national": "", "+44": "+44 ", "+44 (0)": "+44 (0)", "0044": "0044 "}[style]
    return head + body, national


@FAST
@given(st.text())
def test_phone_functions_never_raise(text):
    result = normalise_phone(text)
    assert result is None or isinstance(result[0], str)
    assert all(isinstance(piece, str) for piece in split_phones(text))


@FAST
@given(st.text(alphabet="0123456789 +()-./xet", max_size=30))
def test_normalise_phone_is_idempotent(text):
    result = normalise_phone(text)
    if result is not None:
        number, extension = result
        assert normalise_phone(number) == (number, None)
        if extension is not None:
            assert normalise_phone(f"{number} ext {extension}") == result


@FAST
@given(written_numbers())
def test_written_numbers_normalise_to_their_national_digits(written):
    text, national = written
    result = normalise_phone(text)
    assert result is not None
    number, extension = result
    assert number.replace(" ", "") == national
    assert extension is None
    assert normalise_phone(number) == result
