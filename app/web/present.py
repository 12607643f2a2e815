"""How a service reads on a page: opening times as sentences, cost, distance and walking
time, how fresh the listing is (freshness.py), how to join (joining.py), and links that
are safe to put in an href.

Plain functions of model objects, no Flask: the search results, the service page and the
printed prescription all describe a service the same way.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from app.models import Location, Schedule, Service, ServiceAtLocation
from app.search.places import AREA_WIDE_NAMES, Point, haversine
from app.services.freshness import REVIEW_MONTHS
from app.web.freshness import Freshness, freshness
from app.web.joining import service_how_to_join
from app.weekdays import DAY_CODES, DAY_NAMES

WALKING_METRES_PER_MINUTE = 80
DAY_ORDER = list(DAY_CODES)
ORDINALS = {1: "First", 2: "Second", 3: "Third", 4: "Fourth", 5: "Fifth", -1: "Last"}
BYDAY = re.compile(r"^([+-]?\d)?(MO|TU|WE|TH|FR|SA|SU)$")
TIME = re.compile(r"^(\d{1,2}):(\d{2})")
REMOTE_AREAS = {"online": "Online", "phone": "By phone", "telephone": "By phone"}


# Opening times -------------------------------------------------------------------------


def clock(value: str | None) -> str | None:
    """ "09:30" -> "9:30am", "14:00" -> "2pm", "12:00" -> "12pm"."""
    match = TIME.match(value or "")
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        return None
    suffix = "am" if hour < 12 else "pm"
    hour = hour % 12 or 12
    return f"{hour}{suffix}" if minute == 0 else f"{hour}:{minute:02d}{suffix}"


def time_range(opens_at: str | None, closes_at: str | None) -> str | None:
    start, end = clock(opens_at), clock(closes_at)
    if start and end:
        return f"{start} to {end}"
    return f"from {start}" if start else None


def _days(codes: list[str]) -> str:
    """["MO", "TU", "WE"] -> "Monday to Wednesday"; ["TU", "FR"] -> "Tuesdays and Fridays"."""
    ordered = sorted(set(codes), key=DAY_ORDER.index)
    positions = [DAY_ORDER.index(code) for code in ordered]
    if len(ordered) >= 3 and positions == list(range(positions[0], positions[-1] + 1)):
        return f"{DAY_NAMES[ordered[0]]} to {DAY_NAMES[ordered[-1]]}"
    names = [DAY_NAMES[code] + "s" for code in ordered]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _monthly_days(parts: list[tuple[int, str]]) -> str:
    phrases = [f"{ORDINALS.get(n, f'Week {n}')} {DAY_NAMES[code]}" for n, code in parts]
    joined = phrases[0] if len(phrases) == 1 else ", ".join(phrases[:-1]) + " and " + phrases[-1]
    return f"{joined} of the month"


def _when(schedule: Schedule) -> str | None:
    """The days part of a schedule's recurrence, or None if it has no usable BYDAY."""
    parsed = [BYDAY.match(part.strip().upper()) for part in (schedule.byday or "").split(",")]
    if not parsed or not all(parsed):
        if (schedule.freq or "").upper() == "MONTHLY" and (schedule.bymonthday or "").strip():
            return f"Day {schedule.bymonthday.strip()} of each month"
        return None
    numbered = [(int(m.group(1)), m.group(2)) for m in parsed if m.group(1)]
    if numbered and len(numbered) == len(parsed):
        return _monthly_days(numbered)
    codes = [m.group(2) for m in parsed]
    interval = schedule.interval or 1
    if interval <= 1:
        return _days(codes)
    if interval == 2 and len(set(codes)) == 1:
        return f"Every other {DAY_NAMES[codes[0]]}"
    every = "Every other week" if interval == 2 else f"Every {interval} weeks"
    return f"{every}: {_days(codes)}"


def schedule_text(schedule: Schedule) -> str | None:
    """One schedule as a sentence ("Tuesdays and Fridays, 10am to 3pm"); its own
    description when the recurrence cannot be read; None when there is nothing."""
    when = _when(schedule)
    hours = time_range(schedule.opens_at, schedule.closes_at)
    if when:
        text = f"{when}, {hours}" if hours else when
    else:
        text = (schedule.description or "").strip() or None
    if text and schedule.notes and schedule.notes.strip():
        text = f"{text} ({schedule.notes.strip()})"
    return text


def opening_times(schedules: Iterable[Schedule]) -> list[str]:
    """Readable lines for these schedules, each once."""
    lines: list[str] = []
    for schedule in schedules:
        text = schedule_text(schedule)
        if text and text not in lines:
            lines.append(text)
    return lines


def venue_times(service: Service, venue: ServiceAtLocation | None) -> list[str]:
    """When the service runs at this venue: the venue's schedules, then the service's."""
    venue_schedules = list(venue.schedules) if venue is not None else []
    return opening_times(venue_schedules + list(service.schedules))


# Cost, age, referral ------------------------------------------------------------------------


def cost_text(service: Service) -> str:
    if service.fees_description and service.fees_description.strip():
        return service.fees_description.strip()
    parts = []
    for option in service.cost_options:
        if option.amount_description and option.amount_description.strip():
            parts.append(option.amount_description.strip())
        elif option.amount == 0 or (option.option or "").strip().lower() == "free":
            parts.append("Free")
        elif option.amount is not None:
            symbol = "£" if (option.currency or "GBP").upper() == "GBP" else ""
            label = f" ({option.option.strip()})" if option.option else ""
            parts.append(f"{symbol}{option.amount:.2f}{label}")
    return "; ".join(dict.fromkeys(parts)) or "Cost not stated"


def age_text(service: Service) -> str | None:
    low, high = service.minimum_age, service.maximum_age
    if low is not None and high is not None:
        return f"Ages {low} to {high}"
    if low is not None:
        return f"Ages {low} and over"
    if high is not None:
        return f"Ages up to {high}"
    return None


# Distance, venues, areas --------------------------------------------------------------------


def distance_text(metres: float) -> str:
    """350 -> "350 m", 1234 -> "1.2 km"."""
    if metres < 1000:
        return f"{max(10, int(round(metres, -1)))} m"
    return f"{metres / 1000:.1f} km"


def walking_minutes(metres: float) -> int:
    """Minutes on foot at about 80 metres a minute, at least 1."""
    return max(1, math.ceil(metres / WALKING_METRES_PER_MINUTE))


def walking_text(metres: float) -> str:
    minutes = walking_minutes(metres)
    if minutes >= 90:
        return f"about {minutes / 60:.1f} hours' walk".replace(".0 ", " ")
    return f"about {minutes} minutes' walk" if minutes != 1 else "about a minute's walk"


def has_point(location: Location | None) -> bool:
    return location is not None and location.latitude is not None and location.longitude is not None


def nearest_venue(service: Service, point: Point | None) -> ServiceAtLocation | None:
    """The venue nearest the point (or the first venue with coordinates, or the first)."""
    venues = [v for v in service.service_at_locations if v.location is not None]
    placed = [v for v in venues if has_point(v.location)]
    if point is not None and placed:
        return min(
            placed,
            key=lambda v: haversine(
                point.latitude, point.longitude, v.location.latitude, v.location.longitude
            ),
        )
    return (placed or venues or [None])[0]


def _segments(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def _unique(parts: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    kept = []
    for part in parts:
        if part.casefold() not in seen:
            seen.add(part.casefold())
            kept.append(part)
    return kept


def address_text(location: Location | None) -> str | None:
    """The venue's address without what its name already says: sources often put the
    whole address in the name, or the name in the first address line, and "London"
    twice. "Saint Mark's Church Hall" + "Saint Mark's Church Hall, 130 Market Road"
    -> "130 Market Road"."""
    if location is None:
        return None
    named = {part.casefold() for part in _segments(location.name)}
    for address in location.addresses:
        parts = [address.address_1, address.address_2, address.city, address.postal_code]
        segments = _unique(seg for part in parts for seg in _segments(part))
        text = ", ".join(seg for seg in segments if seg.casefold() not in named)
        if text:
            return text
    return None


def where_text(location: Location | None) -> str | None:
    """The venue's name and address, each part once ("Catford Leisure Centre, 158 Grove
    Road, London, SE6 1SN")."""
    if location is None:
        return None
    parts = _segments(location.name) + _segments(address_text(location))
    return ", ".join(_unique(parts)) or None


def remote_ways(service: Service) -> list[str]:
    """ "Online", "By phone" when a service area says so."""
    names = [(area.name or "").strip().lower() for area in service.service_areas]
    return list(dict.fromkeys(REMOTE_AREAS[n] for n in names if n in REMOTE_AREAS))


def area_text(service: Service) -> str | None:
    """Where an area-wide service works: "Covers Camden and Islington", "By phone"."""
    remote = remote_ways(service)
    wide = {name.lower() for name in AREA_WIDE_NAMES}
    areas = [
        area.name.strip()
        for area in service.service_areas
        if area.name and area.name.strip() and area.name.strip().lower() not in REMOTE_AREAS
    ]
    parts = []
    if areas:
        named = ["all of London" if a.lower() == "pan-london" else a for a in areas]
        covers = [a for a in named if a.lower() not in wide or a == "all of London"]
        if covers:
            parts.append("Covers " + " and ".join(dict.fromkeys(covers)))
    parts += remote
    return "; ".join(parts) or None


# Text ---------------------------------------------------------------------------------------


def paragraphs(text: str | None) -> list[list[str]]:
    """A description as paragraphs of lines, as its author broke it (blank lines between
    paragraphs, single line breaks kept): "a\r\nb\n\nc" -> [["a", "b"], ["c"]]."""
    blocks = re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n").replace("\r", "\n"))
    found = []
    for block in blocks:
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if lines:
            found.append(lines)
    return found


def category_names(service: Service) -> list[str]:
    """The names of the categories a service is listed under, each once. An attribute
    with a value is a source field ("Referral route: Self-referral", ORUK's
    "deliverable_type: Activity"), not a category, and is left out."""
    names = [
        attribute.taxonomy_term.name.strip()
        for attribute in service.attributes
        if attribute.taxonomy_term is not None
        and attribute.taxonomy_term.name
        and not (attribute.value or "").strip()
    ]
    return _unique(names)


# Links ----------------------------------------------------------------------------------------


def safe_url(url: str | None) -> str | None:
    """An http(s) URL fit for an href (imported data could hold `javascript:`); a bare
    "www.example.org" gets https://. None for anything else."""
    text = (url or "").strip()
    if not text or any(c.isspace() for c in text):
        return None
    if text.lower().startswith("www."):
        text = "https://" + text
    return text if re.match(r"^https?://[^/\s]", text, re.IGNORECASE) else None


def tel_href(number: str | None) -> str | None:
    """ "020 7946 0101" -> "tel:+442079460101"."""
    digits = re.sub(r"[^\d+]", "", (number or "").replace("(0)", ""))
    if len(digits.lstrip("+")) < 3:
        return None
    if digits.startswith("0") and not digits.startswith("00"):
        digits = "+44" + digits[1:]
    return "tel:" + digits


def mailto_href(email: str | None) -> str | None:
    text = (email or "").strip()
    return "mailto:" + text if re.fullmatch(r"[^@\s:/]+@[^@\s:/]+\.[^@\s:/]+", text) else None


# One service, described -------------------------------------------------------------------------


@dataclass(frozen=True)
class PhoneLine:
    number: str
    href: str | None
    description: str | None


@dataclass
class Listing:
    """What a page shows about one service, worked out once."""

    service: Service
    venue: ServiceAtLocation | None
    distance: float | None
    area_wide: bool
    times: list[str]
    cost: str
    age: str | None
    area: str | None
    phones: list[PhoneLine]
    website: str | None
    email: str | None
    freshness: Freshness | None
    how_to_join: str  # one plain line (app/web/joining.py)

    @property
    def id(self) -> str:
        return self.service.id

    @property
    def name(self) -> str:
        return self.service.name

    @property
    def organization(self) -> str | None:
        organization = self.service.organization
        return organization.name if organization is not None else None

    @property
    def venue_name(self) -> str | None:
        location = self.venue.location if self.venue is not None else None
        return location.name if location is not None else None

    @property
    def address(self) -> str | None:
        return address_text(self.venue.location if self.venue is not None else None)

    @property
    def where(self) -> str | None:
        return where_text(self.venue.location if self.venue is not None else None)

    @property
    def point(self) -> tuple[float, float] | None:
        location = self.venue.location if self.venue is not None else None
        return (location.latitude, location.longitude) if has_point(location) else None

    @property
    def distance_text(self) -> str | None:
        return distance_text(self.distance) if self.distance is not None else None

    @property
    def walking_text(self) -> str | None:
        return walking_text(self.distance) if self.distance is not None else None


def phone_lines(service: Service, venue: ServiceAtLocation | None) -> list[PhoneLine]:
    """The service's own numbers, then the venue's, then its public contacts', then the
    organisation's: the first that has any, each number once."""
    groups = [
        list(service.phones),
        list(venue.phones) if venue is not None else [],
        [phone for contact in service.contacts for phone in contact.phones],
        list(service.organization.phones) if service.organization is not None else [],
    ]
    for phones in groups:
        lines = {}
        for phone in phones:
            if phone.number and phone.number.strip():
                number = phone.number.strip()
                lines.setdefault(number, PhoneLine(number, tel_href(number), phone.description))
        if lines:
            return list(lines.values())
    return []


def describe(
    service: Service,
    point: Point | None = None,
    today: dt.date | None = None,
    review_months: int = REVIEW_MONTHS,
) -> Listing:
    """A listing of a fully loaded service (see services.get_service / list_services(full))."""
    venue = nearest_venue(service, point)
    distance = getattr(service, "distance", None)
    if distance is None and point is not None and venue is not None and has_point(venue.location):
        distance = haversine(
            point.latitude, point.longitude, venue.location.latitude, venue.location.longitude
        )
    organization = service.organization
    website = safe_url(service.url) or safe_url(organization.website if organization else None)
    return Listing(
        service=service,
        venue=venue,
        distance=distance,
        area_wide=bool(getattr(service, "area_wide", False)),
        times=venue_times(service, venue),
        cost=cost_text(service),
        age=age_text(service),
        area=area_text(service),
        phones=phone_lines(service, venue),
        website=website,
        email=mailto_href(service.email),
        freshness=freshness(service, today, review_months),
        how_to_join=service_how_to_join(service),
    )
