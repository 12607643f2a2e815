"""Age ranges: eligibility text into (minimum_age, maximum_age)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.records.normalise import parse_age_range

FAST = settings(max_examples=200, database=None, deadline=None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("18+", (18, None)),
        ("18 +", (18, None)),
        ("18 plus", (18, None)),
        ("Over 50s", (50, None)),
        ("over 65", (65, None)),
        ("Over-55s", (55, None)),
        ("Under-5s", (None, 4)),
        ("Aged 60 and above", (60, None)),
        ("16 and over", (16, None)),
        ("65 years and over", (65, None)),
        ("50 or older", (50, None)),
        ("Adults (18+)", (18, None)),
        ("11-19", (11, 19)),
        ("11–19", (11, 19)),
        ("11 to 19 years", (11, 19)),
        ("11 to 19 years old", (11, 19)),
        ("Young people 13-25", (13, 25)),
        ("Young people aged 16 - 25", (16, 25)),
        ("0-5 years", (0, 5)),
        ("Parents of 0-18 months", (0, 1)),
        ("5-11 and 12-16", (5, 16)),
        ("Under 25s", (None, 24)),
        ("under 5s and their carers", (None, 4)),
        ("Up to 25", (None, 25)),
        ("25 and under", (None, 25)),
        ("Over 18s and under 25s", (18, 24)),
        ("Adults", (18, None)),
        ("Adults only", (18, None)),
        ("Children", (None, 17)),
        ("All ages", (None, None)),
        ("Everyone", (None, None)),
        ("Children and young people", (None, None)),  # not guessed at
        ("Years 7-11", (None, None)),  # school years, not ages
        ("Over 18s and under 16s", (None, None)),  # contradictory
        ("25-18", (None, None)),
        ("Over 150", (None, None)),
        ("Carers", (None, None)),
        ("Call 020 7946 0018", (None, None)),
        ("", (None, None)),
        (None, (None, None)),
    ],
)
def test_parse_age_range_reads_eligibility_text(text, expected):
    assert parse_age_range(text) == expected


@FAST
@given(st.text())
def test_parse_age_range_never_raises(text):
    low, high = parse_age_range(text)
    assert low is None or 0 <= low <= 120
    assert high is None or 0 <= high <= 120
    assert low is None or high is None or low <= high


@FAST
@given(
    st.integers(0, 120),
    st.integers(0, 120),
    st.sampled_from(["{}-{}", "{} to {} years", "aged {} - {}"]),
)
def test_written_ranges_are_read(first, second, template):
    low, high = sorted((first, second))
    assert parse_age_range(template.format(low, high)) == (low, high)
