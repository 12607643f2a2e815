"""Costs: fee text into HSDS cost_option objects, free and donations recognised."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.records.normalise import is_free, parse_cost

FAST = settings(max_examples=200, database=None, deadline=None)
FREE = {"option": "free", "amount": 0.0}
DONATION = {"option": "donation"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Free", [FREE]),
        ("FREE", [FREE]),
        ("Free of charge", [FREE]),
        ("No charge", [FREE]),
        ("No cost to attend", [FREE]),
        ("£0", [FREE]),
        ("£0.00", [FREE]),
        ("Free, donations welcome", [FREE, DONATION]),
        ("Donations welcome", [DONATION]),
        ("Suggested donation £2", [{"option": "donation", "amount": 2.0}]),
        ("Pay what you can", [DONATION]),
        ("Pay as you feel", [DONATION]),
        ("£3 per session", [{"option": "per session", "amount": 3.0}]),
        ("£2.50", [{"amount": 2.5}]),
        ("£2.5", [{"amount": 2.5}]),
        ("£ 4", [{"amount": 4.0}]),
        ("3 pounds", [{"amount": 3.0}]),
        ("50p a cup", [{"option": "a cup", "amount": 0.5}]),
        ("£1,200 per year", [{"option": "per year", "amount": 1200.0}]),
        ("£5/£3 concessions", [{"amount": 5.0}, {"option": "concessions", "amount": 3.0}]),
        (
            "£5 members; £8 non-members",
            [{"option": "members", "amount": 5.0}, {"option": "non-members", "amount": 8.0}],
        ),
        ("£4 or £2 for over 60s", [{"amount": 4.0}, {"option": "for over 60s", "amount": 2.0}]),
        (
            "Free for under 18s, £5 adults",
            [FREE, {"option": "adults", "amount": 5.0}],
        ),
        (
            "£5-£10 sliding scale",
            [
                {"option": "sliding scale", "amount": 5.0},
                {"option": "sliding scale", "amount": 10.0},
            ],
        ),
        ("Free (booking essential)", [FREE]),
    ],
)
def test_parse_cost_reads_prices_free_and_donations(text, expected):
    assert parse_cost(text) == [
        {**option, "currency": "GBP", "amount_description": text} for option in expected
    ]


@pytest.mark.parametrize(
    "text",
    ["Please ask", "Varies", "$5", "€10 per class", "See website", "Contact us for prices"],
)
def test_parse_cost_keeps_what_it_cannot_read_as_text(text):
    assert parse_cost(text) == [{"amount_description": text}]


@pytest.mark.parametrize("text", ["", "  ", None])
def test_parse_cost_gives_nothing_for_blank_text(text):
    assert parse_cost(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Free", True),
        ("No charge", True),
        ("£0", True),
        ("Free, donations welcome", True),
        ("Donations welcome", False),  # not said to be free
        ("Free for under 18s, £5 adults", False),
        ("£3 per session", False),
        ("Please ask", False),
        ("", False),
    ],
)
def test_is_free(text, expected):
    assert is_free(parse_cost(text)) is expected


@FAST
@given(st.text())
def test_parse_cost_never_raises_and_keeps_the_text(text):
    options = parse_cost(text)
    assert all(option["amount_description"] == text for option in options)
    for option in options:
        if "amount" in option:
            assert isinstance(option["amount"], float) and option["amount"] >= 0
            assert option["currency"] == "GBP"
    assert isinstance(is_free(options), bool)


@FAST
@given(
    st.lists(
        st.tuples(
            st.integers(1, 500),
            st.sampled_from(["", ".50", ".5", ".99"]),
            st.sampled_from(["", " per session", " concessions", " adults"]),
        ),
        min_size=1,
        max_size=3,
    ),
    st.sampled_from(["/", "; ", ", ", " or "]),
)
def test_written_prices_give_one_option_each(prices, separator):
    text = separator.join(f"£{pounds}{pence}{words}" for pounds, pence, words in prices)
    options = parse_cost(text)
    assert [option["amount"] for option in options] == [
        pounds + float(pence or 0) for pounds, pence, _ in prices
    ]
    assert not is_free(options)
