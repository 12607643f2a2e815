"""How a service reads on the pages: opening times, cost, distance, freshness, links."""

import datetime as dt
from types import SimpleNamespace

import pytest

from app.web.freshness import ago, freshness
from app.web.present import (
    clock,
    cost_text,
    distance_text,
    mailto_href,
    safe_url,
    schedule_text,
    tel_href,
    walking_minutes,
    walking_text,
)


def schedule(**values):
    fields = dict.fromkeys(
        ("freq", "byday", "bymonthday", "interval", "opens_at", "closes_at", "description", "notes")
    )
    return SimpleNamespace(**{**fields, **values})


@pytest.mark.parametrize(
    ("values", "text"),
    [
        (
            {"freq": "WEEKLY", "byday": "WE", "opens_at": "10:30", "closes_at": "11:30"},
            "Wednesdays, 10:30am to 11:30am",
        ),
        (
            {"freq": "WEEKLY", "byday": "TU,FR", "opens_at": "10:00", "closes_at": "15:00"},
            "Tuesdays and Fridays, 10am to 3pm",
        ),
        (
            {
                "freq": "WEEKLY",
                "byday": "MO,TU,WE,TH,FR",
                "opens_at": "09:30",
                "closes_at": "16:30",
            },
            "Monday to Friday, 9:30am to 4:30pm",
        ),
        ({"freq": "WEEKLY", "byday": "MO,WE,FR"}, "Mondays, Wednesdays and Fridays"),
        (
            {"freq": "MONTHLY", "byday": "1MO", "opens_at": "11:00", "closes_at": "13:00"},
            "First Monday of the month, 11am to 1pm",
        ),
        (
            {"freq": "MONTHLY", "byday": "-1FR", "opens_at": "12:00"},
            "Last Friday of the month, from 12pm",
        ),
        ({"freq": "WEEKLY", "byday": "TH", "interval": 2}, "Every other Thursday"),
        ({"freq": "MONTHLY", "bymonthday": "15"}, "Day 15 of each month"),
        ({"byday": "SA", "notes": "term time only"}, "Saturdays (term time only)"),
        ({"description": "Saturdays 10am–1pm"}, "Saturdays 10am–1pm"),
        ({"byday": "nonsense", "description": "Ring to book"}, "Ring to book"),
        ({}, None),
    ],
)
def test_schedules_read_as_sentences(values, text):
    assert schedule_text(schedule(**values)) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("00:00", "12am"),
        ("09:05", "9:05am"),
        ("12:00", "12pm"),
        ("23:59", "11:59pm"),
        ("25:00", None),
        ("", None),
    ],
)
def test_clock(value, text):
    assert clock(value) == text


def service(**values):
    fields = {
        "fees_description": None,
        "cost_options": [],
        "assured_date": None,
        "last_modified": None,
    }
    return SimpleNamespace(**{**fields, **values})


@pytest.mark.parametrize(
    ("values", "text"),
    [
        ({"fees_description": "£2 per session"}, "£2 per session"),
        (
            {
                "cost_options": [
                    SimpleNamespace(
                        option="Free", amount=0, currency="GBP", amount_description=None
                    )
                ]
            },
            "Free",
        ),
        (
            {
                "cost_options": [
                    SimpleNamespace(
                        option="Class", amount=3.5, currency="GBP", amount_description=None
                    )
                ]
            },
            "£3.50 (Class)",
        ),
        ({}, "Cost not stated"),
    ],
)
def test_cost(values, text):
    assert cost_text(service(**values)) == text


@pytest.mark.parametrize(
    ("metres", "distance", "minutes", "walk"),
    [
        (40, "40 m", 1, "about a minute's walk"),
        (509.2, "510 m", 7, "about 7 minutes' walk"),
        (1000, "1.0 km", 13, "about 13 minutes' walk"),
        (3196, "3.2 km", 40, "about 40 minutes' walk"),
    ],
)
def test_distance_and_walking_time(metres, distance, minutes, walk):
    assert distance_text(metres) == distance
    assert walking_minutes(metres) == minutes
    assert walking_text(metres) == walk


@pytest.mark.parametrize(
    ("days", "text"),
    [
        (0, "today"),
        (1, "yesterday"),
        (5, "5 days ago"),
        (20, "2 weeks ago"),
        (45, "6 weeks ago"),
        (83, "2 months ago"),
        (95, "3 months ago"),
        (400, "1 year ago"),
        (800, "2 years ago"),
    ],
)
def test_ago(days, text):
    assert ago(days) == text


TODAY = dt.date(2026, 11, 23)


def test_freshness_prefers_the_assured_date():
    found = freshness(
        service(assured_date="2026-08-20", last_modified=dt.datetime(2026, 11, 1, tzinfo=dt.UTC)),
        TODAY,
    )
    assert (found.text, found.iso, found.stale) == ("Confirmed 3 months ago", "2026-08-20", False)


def test_freshness_falls_back_to_last_modified_and_flags_old_listings():
    found = freshness(
        service(assured_date="not a date", last_modified=dt.datetime(2024, 10, 1, tzinfo=dt.UTC)),
        TODAY,
    )
    assert (found.text, found.stale) == ("Not confirmed since October 2024", True)
    assert freshness(service(), TODAY) is None
    future = freshness(service(assured_date="2027-01-05"), TODAY)
    assert future.confirmed
    assert future.text == "Confirmed on 5 January 2027"


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://example.org/walks", "https://example.org/walks"),
        ("HTTP://EXAMPLE.ORG", "HTTP://EXAMPLE.ORG"),
        ("www.example.org", "https://www.example.org"),
        ("javascript:alert(1)", None),
        (" JaVaScRiPt:alert(1)", None),
        ("data:text/html,hi", None),
        ("//evil.example", None),
        ("https://exa mple.org", None),
        (None, None),
    ],
)
def test_only_web_links_are_linked(url, safe):
    assert safe_url(url) == safe


def test_phone_and_email_links():
    assert tel_href("020 7946 0101") == "tel:+442079460101"
    assert tel_href("+44 (0)20 7946 0101") == "tel:+442079460101"
    assert tel_href("ask at reception") is None
    assert mailto_href("hello@example.org") == "mailto:hello@example.org"
    assert mailto_href("javascript:alert(1)//@x.org") is None


def test_a_record_only_imported_today_never_looks_fresher_than_a_confirmation():
    """The link worker trusts a provider's confirmation a year ago more than an import
    this morning that nobody checked: the import is flagged, never "Updated today"."""
    imported = freshness(service(last_modified=dt.datetime(2026, 11, 23, tzinfo=dt.UTC)), TODAY)
    assert imported.text == "Imported today; not confirmed by the organisation"
    assert (imported.stale, imported.confirmed) == (True, False)
    confirmed = freshness(service(assured_date="2025-12-01"), TODAY)
    assert confirmed.text == "Confirmed 11 months ago" and confirmed.confirmed
