"""Opening times: free text into HSDS schedules, the text itself never lost."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.records.normalise import parse_opening_times

FAST = settings(max_examples=200, database=None, deadline=None)
WEEKDAYS = "MO,TU,WE,TH,FR"
EVERY_DAY = "MO,TU,WE,TH,FR,SA,SU"


def weekly(byday, opens=None, closes=None):
    schedule = {"freq": "WEEKLY", "wkst": "MO", "byday": byday}
    if opens:
        schedule["opens_at"] = opens
    if closes:
        schedule["closes_at"] = closes
    return schedule


def monthly(byday=None, opens=None, closes=None, bymonthday=None):
    schedule = {"freq": "MONTHLY", "wkst": "MO"}
    if byday:
        schedule["byday"] = byday
    if bymonthday:
        schedule["bymonthday"] = bymonthday
    if opens:
        schedule["opens_at"] = opens
    if closes:
        schedule["closes_at"] = closes
    return schedule


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mondays 10:00-12:00", [weekly("MO", "10:00", "12:00")]),
        ("Every Tuesday from 2pm", [weekly("TU", "14:00")]),
        ("Mon-Fri 9am-5pm", [weekly(WEEKDAYS, "09:00", "17:00")]),
        ("Monday to Friday, 9.30am - 4.30pm", [weekly(WEEKDAYS, "09:30", "16:30")]),
        ("Tues & Thurs 10am-12pm", [weekly("TU,TH", "10:00", "12:00")]),
        ("Weekdays 9-5", [weekly(WEEKDAYS, "09:00", "17:00")]),
        ("Saturdays 10am–1pm", [weekly("SA", "10:00", "13:00")]),
        (
            "Wed 6.30pm-8pm; Sat 10am-12 noon",
            [weekly("WE", "18:30", "20:00"), weekly("SA", "10:00", "12:00")],
        ),
        ("1st and 3rd Monday of the month 2-4pm", [monthly("1MO,3MO", "14:00", "16:00")]),
        ("Daily 8am-8pm", [weekly(EVERY_DAY, "08:00", "20:00")]),
        ("24 hours", [weekly(EVERY_DAY, "00:00", "23:59")]),
        ("24/7", [weekly(EVERY_DAY, "00:00", "23:59")]),
        ("Open 24 hours a day", [weekly(EVERY_DAY, "00:00", "23:59")]),
        ("Mon-Fri 24 hours", [weekly(WEEKDAYS, "00:00", "23:59")]),
        ("first Monday of the month 10am-12pm", [monthly("1MO", "10:00", "12:00")]),
        ("Last Friday of every month, 7pm", [monthly("-1FR", "19:00")]),
        ("2nd & 4th Wednesday 1-3pm", [monthly("2WE,4WE", "13:00", "15:00")]),
        ("15th of each month 10am-12pm", [monthly(bymonthday="15", opens="10:00", closes="12:00")]),
        ("9am-5pm Monday to Friday", [weekly(WEEKDAYS, "09:00", "17:00")]),
        (
            "Mon-Fri 9am-5pm, Sat 10am-1pm",
            [weekly(WEEKDAYS, "09:00", "17:00"), weekly("SA", "10:00", "13:00")],
        ),
        (
            "10am-4pm Mon-Fri, 10am-1pm Sat",
            [weekly(WEEKDAYS, "10:00", "16:00"), weekly("SA", "10:00", "13:00")],
        ),
        (
            "Monday 10-12 and 2-4",
            [weekly("MO", "10:00", "12:00"), weekly("MO", "14:00", "16:00")],
        ),
        ("Mon, Wed & Fri: 09:00 - 17:00", [weekly("MO,WE,FR", "09:00", "17:00")]),
        ("Monday - Friday 09:00-17:00", [weekly(WEEKDAYS, "09:00", "17:00")]),
        ("Mon–Fri 9–5", [weekly(WEEKDAYS, "09:00", "17:00")]),
        ("Tuesdays 10.30am-12.30pm", [weekly("TU", "10:30", "12:30")]),
        ("Thursday evenings 6-8pm", [weekly("TH", "18:00", "20:00")]),
        ("Thursdays 7-9pm", [weekly("TH", "19:00", "21:00")]),
        ("Fridays 11-1pm", [weekly("FR", "11:00", "13:00")]),
        ("Wednesdays 2-4", [weekly("WE", "14:00", "16:00")]),
        ("Saturday 10am-12", [weekly("SA", "10:00", "12:00")]),
        ("Sundays 12 midday - 3pm", [weekly("SU", "12:00", "15:00")]),
        ("between 10 and 12 on Fridays", [weekly("FR", "10:00", "12:00")]),
        ("Fri-Mon 10-4", [weekly("MO,FR,SA,SU", "10:00", "16:00")]),
        ("Weekends 10am to 4pm", [weekly("SA,SU", "10:00", "16:00")]),
        ("Open 7 days a week 8am-midnight", [weekly(EVERY_DAY, "08:00", "00:00")]),
        ("Mon 9 a.m. - 5 p.m.", [weekly("MO", "09:00", "17:00")]),
        ("Mondays until 3pm", [weekly("MO", closes="15:00")]),
        ("Every Tuesday", [weekly("TU")]),
        ("Mondays 10-12 (except bank holidays)", [weekly("MO", "10:00", "12:00")]),
        ("Mon-Fri 9-5, closed weekends", [weekly(WEEKDAYS, "09:00", "17:00")]),
        ("Mon-Fri 9-5\nSat closed", [weekly(WEEKDAYS, "09:00", "17:00")]),
        ("Sat closed, Sun 10-4", [weekly("SU", "10:00", "16:00")]),
        ("Tuesday\n10am - 12pm", [weekly("TU", "10:00", "12:00")]),
        ("Thursdays;\n6.30pm-8.30pm", [weekly("TH", "18:30", "20:30")]),
        (
            "Monday: 9am-5pm\nTuesday: 9am-5pm\nWednesday: 9am-1pm",
            [
                weekly("MO", "09:00", "17:00"),
                weekly("TU", "09:00", "17:00"),
                weekly("WE", "09:00", "13:00"),
            ],
        ),
    ],
)
def test_parse_opening_times_reads_common_phrasings(text, expected):
    assert parse_opening_times(text) == [{**schedule, "description": text} for schedule in expected]


@pytest.mark.parametrize(
    "text",
    [
        "By appointment",
        "Please phone for details",
        "Every other Monday 10-12",  # fortnightly: not a weekly schedule
        "Fortnightly on Tuesdays",
        "Term time only, Mondays 10-12",
        "9-5",  # a time with no day
        "Closed",
        "Closed Mondays, Tue-Fri 9-5",  # which days are closed is unclear
        "Mondays 25:00-26:00",
        "Mondays 10-12 at the library",
        "Tuesdays 3",
        "Lundi 10h-12h",
        "Mon 10am-12pm or by arrangement",
    ],
)
def test_parse_opening_times_keeps_what_it_cannot_read_as_text(text):
    assert parse_opening_times(text) == [{"description": text}]


@pytest.mark.parametrize("text", ["", "   ", "\n", None])
def test_parse_opening_times_gives_nothing_for_blank_text(text):
    assert parse_opening_times(text) == []


@FAST
@given(st.text())
def test_parse_opening_times_never_raises_and_keeps_the_text(text):
    schedules = parse_opening_times(text)
    assert isinstance(schedules, list)
    if text.strip():
        assert schedules
    assert all(schedule["description"] == text for schedule in schedules)


DAY_WORDS = ["Mon", "Tuesday", "Weds", "Thurs", "Fri", "Saturdays", "Sun", "Weekdays", "Daily"]
TIME_WORDS = [
    "9am-5pm",
    "10:00-12:00",
    "9.30am - 4.30pm",
    "2-4",
    "10am–1pm",
    "from 2pm",
    "24 hours",
]
JOINERS = [" ", ", ", ": ", " - "]


@FAST
@given(
    st.lists(
        st.tuples(
            st.sampled_from(DAY_WORDS), st.sampled_from(JOINERS), st.sampled_from(TIME_WORDS)
        ),
        min_size=1,
        max_size=4,
    ),
    st.sampled_from(["; ", "\n", ", "]),
)
def test_day_and_time_phrases_parse_into_well_formed_schedules(parts, separator):
    text = separator.join(f"{day}{joiner}{time}" for day, joiner, time in parts)
    schedules = parse_opening_times(text)
    assert schedules and all(schedule["freq"] == "WEEKLY" for schedule in schedules)
    for schedule in schedules:
        assert schedule["description"] == text
        assert set(schedule["byday"].split(",")) <= {"MO", "TU", "WE", "TH", "FR", "SA", "SU"}
        for key in ("opens_at", "closes_at"):
            if key in schedule:
                hours, minutes = schedule[key].split(":")
                assert len(hours) == 2 and 0 <= int(hours) <= 23 and 0 <= int(minutes) <= 59


@FAST
@given(
    st.lists(
        st.sampled_from(
            DAY_WORDS
            + TIME_WORDS
            + JOINERS
            + ["closed", "1st", "of the month", "noon", "x", "7", "; ", "\n", "&", "and"]
        ),
        max_size=12,
    )
)
def test_fragments_in_any_order_never_raise(fragments):
    text = " ".join(fragments)
    schedules = parse_opening_times(text)
    assert all(schedule["description"] == text for schedule in schedules)
