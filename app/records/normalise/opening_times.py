"""Opening times: free text into HSDS 3.0 schedule objects, never losing the text.

Sources write "Mon-Fri 9am-5pm", "Tues & Thurs 10am-12pm" or "1st and 3rd Monday of the
month 2-4pm". HSDS describes these as iCalendar-style recurrences (freq, byday, opens_at,
closes_at). Every schedule keeps the original text as its description, and text that is
not understood word for word becomes one description-only schedule: a wrong structured
time is worse than an honest sentence ("every other Monday", "term time only" and "by
appointment" are kept as text, not half-parsed).

Rules for ambiguous text, documented once:
- A time without am/pm reads hours 1-6 as afternoon and 7-12 as morning ("2-4" is
  14:00-16:00); the closing time is the first reading after the opening ("9-5" is
  09:00-17:00), and a side without am/pm takes the other side's when that keeps the
  order ("10-12pm" is 10:00-12:00, "9am-5" is 09:00-17:00). "09:00" and "18:30" are read
  as 24-hour times. A lone time needs am/pm or minutes ("from 2pm", "from 14:00").
- Noon is "12:00", midnight "00:00"; "24 hours" and "24/7" are 00:00-23:59, every day
  unless days are given. Any other time with no day is not guessed at.
- "Except bank holidays" is accepted and left to the description; days marked "closed"
  produce no schedule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from app.weekdays import DAY_CODES

_DAYS = DAY_CODES
_DAY_RES = {
    "MO": re.compile(r"mon(?:day)?s?"),
    "TU": re.compile(r"tue(?:s(?:day)?)?s?"),
    "WE": re.compile(r"wed(?:s|nesday)?s?"),
    "TH": re.compile(r"thu(?:r(?:s(?:day)?)?)?s?"),
    "FR": re.compile(r"fri(?:day)?s?"),
    "SA": re.compile(r"sat(?:urday)?s?"),
    "SU": re.compile(r"sun(?:day)?s?"),
}
_DAY = "(?:" + "|".join(day_re.pattern for day_re in _DAY_RES.values()) + r")\b\.?"
_ORD = r"(?:1st|2nd|3rd|4th|5th|first|second|third|fourth|fifth|last)"
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "last": -1}
_TIME = r"[0-9]{1,2}(?:[:.][0-9]{2})?(?:\s*[ap]m)?(?![0-9])"
_TO = r"\s*(?:-|to|until|till|til)\s*"
_WEEK = {"weekday": _DAYS[:5], "weekend": _DAYS[5:]}
_ALL_DAY = ("00:00", "23:59")
_TIMING = ("time", "allday")
_DAY_KINDS = ("days", "monthly", "monthday")

_TOKEN_RE = re.compile(
    "|".join(
        [
            r"(?P<always>24\s*/\s*7|24\s*x\s*7)",
            r"(?P<allday>24\s*(?:hours|hrs|hr)(?:\s+a\s+day)?)",
            r"(?P<holidays>(?:except|excluding|excl\.?|not|closed)\s+(?:on\s+)?"
            r"(?:public\s+|bank\s+)?holidays?)",
            r"(?P<closed>closed)",
            rf"(?P<monthly>{_ORD}(?:\s*(?:,|and|&|/)\s*{_ORD})*\s+{_DAY})",
            r"(?P<monthday>[0-9]{1,2}(?:st|nd|rd|th)\s+(?:day\s+)?of\s+(?:the|each|every|a)\s+month)",
            rf"(?P<dayrange>{_DAY}\s*(?:-|to|until|till|til|through|thru)\s*{_DAY})",
            rf"(?P<day>{_DAY})",
            r"(?P<week>weekdays?|weekends?|daily|every\s*day|(?:7|seven)\s+days(?:\s+a\s+week)?"
            r"|all\s+week)",
            rf"(?P<between>between\s+(?P<b1>{_TIME})\s*(?:and|-|to)\s*(?P<b2>{_TIME}))",
            rf"(?P<range>(?:from\s+)?(?<![0-9:.])(?P<r1>{_TIME}){_TO}(?P<r2>{_TIME}))",
            rf"(?P<opens>(?:(?:from|at|starts?(?:\s+at)?)\s+)?(?<![0-9:.])(?P<o1>{_TIME}))",
            rf"(?P<closes>(?:until|till|til|to)\s+(?P<c1>{_TIME}))",
            r"(?P<sep>[\s,:()\[\].!/&+*-]+)",
            r"(?P<word>[a-z]+)",
        ]
    )
)
_IGNORED_WORDS = frozenset(
    "and every each on the of month a week weekly open opening opens times hours only "
    "also in session sessions from morning mornings afternoon afternoons evening evenings".split()
)
_SEGMENT_RE = re.compile(r"[;\n\r|]+")
_TIME_PARTS_RE = re.compile(r"([0-9]{1,2})(?:[:.]([0-9]{2}))?\s*([ap]m)?")

Token = tuple[str, Any]


@dataclass
class _Group:
    """Days and the times that go with them, as read from one run of tokens."""

    days: set[str] = field(default_factory=set)
    monthly: list[str] = field(default_factory=list)
    monthdays: list[str] = field(default_factory=list)
    times: list[tuple[str | None, str | None]] = field(default_factory=list)
    closed: bool = False
    locked: bool = False  # "Sat closed", "24/7": complete, later days start a new group

    def has_days(self) -> bool:
        return bool(self.days or self.monthly or self.monthdays)


def _prepare(text: str) -> str:
    """Lower-case, and spell dashes, noon, midnight and am/pm one way."""
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text.lower())
    text = re.sub(r"\b(?:12\s*)?(?:noon|midday)\b", "12pm", text)
    text = re.sub(r"\b(?:12\s*)?midnight\b", "00:00", text)
    return re.sub(r"\b([ap])\.m\b\.?", r"\1m", text)


def _day_code(word: str) -> str:
    """The HSDS day code of a day name the token pattern matched ("Tues." -> "TU")."""
    word = word.rstrip(".")
    return next(code for code, day_re in _DAY_RES.items() if day_re.fullmatch(word))


def _day_span(first: str, last: str) -> set[str]:
    """Days from `first` to `last` inclusive, wrapping past Sunday ("Fri-Mon")."""
    start, end = _DAYS.index(first), _DAYS.index(last)
    return {_DAYS[(start + step) % 7] for step in range((end - start) % 7 + 1)}


def _clock(hour: int, minute: int, meridiem: str | None) -> str | None:
    """A 12- or 24-hour time as "HH:MM", or None if it is not a time of day."""
    if meridiem:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    return f"{hour:02d}:{minute:02d}" if hour <= 23 and minute <= 59 else None


def _readings(text: str, prefer: str | None = None) -> list[str]:
    """Possible 24-hour readings of one written time, most likely first (module rules)."""
    match = _TIME_PARTS_RE.match(text)
    if match is None:
        return []
    hour, minute, meridiem = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    if meridiem or hour > 12 or hour == 0 or match.group(1).startswith("0"):
        order: tuple[str | None, ...] = (meridiem,)
    elif prefer:
        order = (prefer, "am" if prefer == "pm" else "pm")
    else:
        order = ("pm", "am") if hour <= 6 or hour == 12 else ("am", "pm")
    readings = [_clock(hour, minute, half) for half in order]
    return [reading for reading in readings if reading]


def _meridiem(text: str) -> str | None:
    """The "am" or "pm" written with a time, if any."""
    match = re.search(r"[ap]m", text)
    return match.group(0) if match else None


def _time_range(first: str, second: str) -> tuple[str, str] | None:
    """Opening and closing time of a written range, by the module's rules."""
    if _meridiem(first) is None and _meridiem(second) is not None:
        closes = next(iter(_readings(second)), None)
        opens_options = _readings(first, _meridiem(second))
        opens = next((t for t in opens_options if closes and t < closes), None)
        opens = opens or next(iter(opens_options), None)
    else:
        opens = next(iter(_readings(first)), None)
        closes_options = _readings(second, _meridiem(first))
        closes = next((t for t in closes_options if opens and t > opens), None)
        closes = closes or next(iter(closes_options), None)
    return (opens, closes) if opens and closes else None


def _single_time(text: str) -> str | None:
    """A lone opening or closing time, trusted only with am/pm or minutes."""
    if _meridiem(text) is None and not re.search(r"[:.]", text):
        return None
    return next(iter(_readings(text)), None)


def _day_token(kind: str, value: str) -> Token:
    """Days from a day, day range, weekday group or "1st and 3rd Monday"."""
    if kind == "monthly":
        day = _day_code(re.findall(_DAY, value)[-1])
        ordinals = [_ORDINALS.get(word, word[0]) for word in re.findall(_ORD, value)]
        return ("monthly", [f"{ordinal}{day}" for ordinal in ordinals])
    if kind == "monthday":
        return ("monthday", [str(int(value[:2].rstrip("snrt")))])
    if kind == "dayrange":
        first, last = re.findall(_DAY, value)
        return ("days", _day_span(_day_code(first), _day_code(last)))
    if kind == "day":
        return ("days", {_day_code(value)})
    return ("days", set(_WEEK.get(value.rstrip("s"), _DAYS)))


def _time_token(match: re.Match[str]) -> Token:
    """Opening and/or closing time from a range, "from 2pm" or "until 4pm"."""
    kind = match.lastgroup
    if kind in ("between", "range"):
        prefix = "b" if kind == "between" else "r"
        times = _time_range(match.group(prefix + "1"), match.group(prefix + "2"))
        return ("time", times) if times else ("unknown", match.group(0))
    time = _single_time(match.group("o1") or match.group("c1"))
    if time is None:
        return ("unknown", match.group(0))
    return ("time", (time, None) if kind == "opens" else (None, time))


def _token(match: re.Match[str]) -> Token | None:
    """One meaningful token from a pattern match; None when the match means nothing."""
    kind, value = match.lastgroup or "", match.group(0)
    if kind in ("always", "closed"):
        return (kind, None)
    if kind == "allday":
        return ("allday", _ALL_DAY)
    if kind in ("monthly", "monthday", "dayrange", "day", "week"):
        return _day_token(kind, value)
    if kind in ("between", "range", "opens", "closes"):
        return _time_token(match)
    if kind == "word" and value not in _IGNORED_WORDS:
        return ("unknown", value)
    return None  # separators, ignorable words, "except bank holidays"


def _tokens(segment: str) -> list[Token] | None:
    """The meaningful tokens of one segment, or None if any part of it is not understood."""
    tokens: list[Token] = []
    position = 0
    while position < len(segment):
        match = _TOKEN_RE.match(segment, position)
        if match is None:
            return None
        position = match.end()
        token = _token(match)
        if token is not None and token[0] == "unknown":
            return None
        if token is not None:
            tokens.append(token)
    return tokens


def _groups(tokens: list[Token]) -> list[_Group]:
    """Pair days with times, whichever comes first: "Mon 9-5, Sat 10-1" or "9-5 Mon-Fri"."""
    first = next((kind for kind, _ in tokens if kind != "closed"), None)
    times_first = first in _TIMING
    groups = [_Group()]
    for kind, value in tokens:
        group = groups[-1]
        if kind == "closed":
            if group.has_days() and not group.times:
                group.closed = group.locked = True
            else:
                groups.append(_Group(closed=True))
            continue
        if kind in _TIMING:
            starts_new = group.locked or (times_first and group.has_days())
        else:
            starts_new = (
                group.locked
                or (not times_first and bool(group.times))
                or (kind == "always" and group != _Group())
            )
        if starts_new:
            group = _Group()
            groups.append(group)
        if kind in _TIMING:
            group.times.append(value)
        elif kind == "always":
            group.days.update(_DAYS)
            group.times.append(_ALL_DAY)
            group.locked = True
        elif kind == "days":
            group.days.update(value)
        else:
            (group.monthly if kind == "monthly" else group.monthdays).extend(value)
    return groups


def _group_schedules(group: _Group, description: str) -> list[dict[str, Any]]:
    """The HSDS schedules of one open group: one per recurrence and time range."""
    recurrences: list[dict[str, Any]] = []
    if group.days:
        byday = ",".join(day for day in _DAYS if day in group.days)
        recurrences.append({"freq": "WEEKLY", "wkst": "MO", "byday": byday})
    if group.monthly:
        byday = ",".join(dict.fromkeys(group.monthly))
        recurrences.append({"freq": "MONTHLY", "wkst": "MO", "byday": byday})
    if group.monthdays:
        bymonthday = ",".join(dict.fromkeys(group.monthdays))
        recurrences.append({"freq": "MONTHLY", "wkst": "MO", "bymonthday": bymonthday})
    schedules = []
    for recurrence in recurrences:
        for opens, closes in dict.fromkeys(group.times or [(None, None)]):
            schedule = dict(recurrence)
            if opens:
                schedule["opens_at"] = opens
            if closes:
                schedule["closes_at"] = closes
            schedule["description"] = description
            schedules.append(schedule)
    return schedules


def _segment_tokens(text: str) -> list[list[Token]] | None:
    """Tokens of each line or ";"-separated part; a line of days joins the times under it."""
    segments: list[list[Token]] = []
    for segment in _SEGMENT_RE.split(_prepare(text)):
        tokens = _tokens(segment)
        if tokens is None:
            return None
        only_times = bool(tokens) and all(kind in _TIMING for kind, _ in tokens)
        if only_times and segments and all(kind in _DAY_KINDS for kind, _ in segments[-1]):
            segments[-1].extend(tokens)  # "Monday\n10am-12pm"
        elif tokens:
            segments.append(tokens)
    return segments


def _parse(text: str) -> list[dict[str, Any]] | None:
    """Structured schedules for the whole text, or None unless every part is understood."""
    segments = _segment_tokens(text)
    if segments is None:
        return None
    schedules: list[dict[str, Any]] = []
    for tokens in segments:
        for group in _groups(tokens):
            if group.closed and group.times:
                return None  # "closed Mondays, Tue-Fri 9-5": which days are closed?
            if group.closed:
                continue
            if not group.has_days() and group.times:
                if any(times != _ALL_DAY for times in group.times):
                    return None  # a time with no day
                group.days.update(_DAYS)
            schedules.extend(_group_schedules(group, text))
    return schedules or None


def parse_opening_times(text: str | None) -> list[dict[str, Any]]:
    """Turn opening-times text into HSDS 3.0 schedule dicts; never raises, never drops text.

    Every schedule's description is `text` exactly as given; text that is not understood
    in full gives ``[{"description": text}]``. Blank text gives [].
    """
    if not isinstance(text, str) or not text.strip():
        return []
    return [dict(schedule) for schedule in _parse_cached(text)]


@lru_cache(maxsize=4096)
def _parse_cached(text: str) -> tuple[dict[str, Any], ...]:
    """`_parse`, remembered: a directory repeats the same few phrases thousands of times.
    The cached dicts are never handed out, only copies (their values are strings)."""
    return tuple(_parse(text) or [{"description": text}])
