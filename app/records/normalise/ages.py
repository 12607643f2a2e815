"""Age ranges: eligibility text into HSDS minimum_age and maximum_age.

Rules, documented once (None means "no limit stated"):
- "18+", "16 and over", "Aged 60 and above", "Over 50s", "over 65" -> (N, None): in
  service eligibility "over 65s" means 65 and older, not 66.
- "Under 25s" -> (None, 24): an under-25 is at most 24. "Up to 25", "25 and under" ->
  (None, 25).
- "11-19", "11 to 19 years", "0-5 years" -> (11, 19) etc.; a range in months is turned into
  whole years ("0-18 months" -> (0, 1)). School years ("Years 7-11") are not ages.
- Several ranges ("5-11 and 12-16") give the span of them all; one-sided limits only
  ("over 18s and under 25s") narrow each other.
- Words are read only when they are the whole text: "Adults" -> (18, None), "Children"
  -> (None, 17) (the same as "under 18s": a child is under 18, with no stated lower
  limit), "All ages" -> (None, None). "Children and young people" is not guessed at.
- Anything else, and ages above 120, give (None, None).
"""

from __future__ import annotations

import re

AgeRange = tuple[int | None, int | None]

_N = r"([0-9]{1,3})"
_UNIT = r"(?:\s*(?:years?|yrs?)(?:\s+old)?)?"
_AGE_RE = re.compile(
    "|".join(
        [
            rf"(?<!year )(?<!years )(?<!yr )(?<![0-9.]){_N}{_UNIT}\s*(?:-|to)\s*{_N}"
            r"\s*(?P<months>months?)?",
            rf"(?P<plus>(?<![0-9.]){_N}{_UNIT}\s*(?:\+|plus\b|(?:and|or)\s+"
            r"(?:over|above|older|upwards?)\b))",
            rf"(?P<andunder>(?<![0-9.]){_N}{_UNIT}\s*(?:and|or)\s+(?:under|below|younger)\b)",
            rf"(?P<over>\b(?:over|above|older\s+than)[\s-]+(?:the\s+age\s+of\s+)?{_N}(?![0-9]))",
            rf"(?P<under>\b(?:under|below|younger\s+than)[\s-]+(?:the\s+age\s+of\s+)?{_N}(?![0-9]))",
            rf"(?P<upto>\bup\s+to\s+(?:the\s+age\s+of\s+)?{_N}(?![0-9]))",
        ]
    )
)
_WORDS: dict[str, AgeRange] = {
    "adult": (18, None),
    "adults": (18, None),
    "children": (None, 17),
    "child": (None, 17),
    "kids": (None, 17),
    "all ages": (None, None),
    "any age": (None, None),
    "everyone": (None, None),
}
_FILLER_RE = re.compile(r"\b(?:only|for)\b|[^a-z ]")
_MAX_AGE = 120


def _interval(match: re.Match[str]) -> tuple[AgeRange, bool] | None:
    """One age interval and whether it is two-sided, or None if it is implausible."""
    numbers = [int(group) for group in match.groups() if group and group.isdigit()]
    if any(number > _MAX_AGE for number in numbers):
        return None
    kind = match.lastgroup
    if kind in ("plus", "over"):
        return (numbers[0], None), False
    if kind == "under":
        return ((None, numbers[0] - 1), False) if numbers[0] > 0 else None
    if kind in ("andunder", "upto"):
        return (None, numbers[0]), False
    low, high = numbers
    if match.group("months"):
        low, high = low // 12, high // 12
    return ((low, high), True) if low <= high else None


def _combine(intervals: list[tuple[AgeRange, bool]]) -> AgeRange:
    """Span of two-sided ranges; one-sided limits alone narrow each other."""
    lows = [low for (low, _), _ in intervals]
    highs = [high for (_, high), _ in intervals]
    if any(two_sided for _, two_sided in intervals):
        low = None if None in lows else min(low for low in lows if low is not None)
        high = None if None in highs else max(high for high in highs if high is not None)
        return low, high
    low = max((low for low in lows if low is not None), default=None)
    high = min((high for high in highs if high is not None), default=None)
    if low is not None and high is not None and low > high:
        return None, None
    return low, high


def parse_age_range(text: str | None) -> AgeRange:
    """Return (minimum_age, maximum_age) read from eligibility text; never raises."""
    if not isinstance(text, str):
        return None, None
    lowered = re.sub(r"[\u2010-\u2015\u2212]", "-", text.lower())
    intervals = []
    for match in _AGE_RE.finditer(lowered):
        interval = _interval(match)
        if interval is not None:
            intervals.append(interval)
    if intervals:
        return _combine(intervals)
    words = " ".join(_FILLER_RE.sub(" ", lowered).split())
    return _WORDS.get(words, (None, None))
