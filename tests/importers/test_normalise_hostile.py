"""Every shared normaliser, on hostile text: any code point (NUL, control characters,
half a surrogate pair, as JSON feeds can send) never makes one raise, and very long
repetitions of what their patterns look for are read in about linear time.

Each normaliser's own tests check what it makes of ordinary text (and that it never
raises on `st.text()`); this file covers what those leave out, for all of them at once.
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import app.records.normalise as normalise

FUNCTIONS = [getattr(normalise, name) for name in normalise.__all__ if name != "is_free"]
HOSTILE = settings(max_examples=100, deadline=None, derandomize=True, database=None)
# What the patterns look for: digits, separators, times, prices, ages, phone and web
# punctuation, markup, and the spaces between them.
PIECES = [
    "9", "0", "9 ", "9am-", "10:00-", "12.", "1-", "Mon ", "Mon, ", "to ", "£", "£1.", "18+ ",
    "aged ", "over ", "020 ", "+44", "(", ")", "ext ", "x", ", ", ";", " ", "\n", "-", ".",
    "/", "@", "a@", "http://", "www.", "NW5 ", "Camden ", "and ", "&amp;", "<b>", "<", "é",
]  # fmt: skip


@pytest.mark.parametrize("function", FUNCTIONS, ids=lambda f: f.__name__)
@HOSTILE
@given(text=st.text(st.characters(), max_size=50))  # every code point, surrogates included
def test_normalisers_never_raise_on_any_code_point(function, text):
    function(text)


@pytest.mark.parametrize("function", FUNCTIONS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("piece", PIECES)
def test_normalisers_read_very_long_text(function, piece):
    """40,000 characters of the pieces a backtracking pattern chokes on. The time it takes
    is measured in bench/normalise.py, not here (no wall-clock limits in tests): a pattern
    that backtracks over the rest of the text at each position would take half a minute
    for this test alone, which `pytest --durations` shows."""
    function(piece * (40_000 // len(piece)))


def test_is_free_never_raises_on_odd_options():
    assert normalise.is_free([{}, {"option": "free", "amount": None}]) is True
    assert normalise.is_free([]) is False
