"""The fictional London of the sample data: organisations, venues and services.

A `Service` is one real-world service. Each source that lists it renders it as a
`Listing`, the way that publisher would write it: the publisher that first listed it
word for word, every other publisher with realistic variation (typos, "&" for "and",
"Saint" for "St", phone and postcode formats, missing email or website, coordinates
moved 50-200 m or missing). The two CarePlace exports come from one system, so a service
both list is rendered identically in both.

PLANS say which sources list how many services in each borough, so about 30% of
services appear in two or three sources. Hand-made SPECIALS add the hard cases: Age UK
Camden and Age UK Islington both run a "Befriending Service", two organisations run a
"Walking Group", a community centre hosts four groups at one address and phone, and
CarePlace lists one service in both boroughs' exports.

Venues use real postcodes (and their coordinates) from the committed postcode sample,
picked by borough. Contacts are fictional: phone numbers in Ofcom's drama range
020 7946 0000-0999, email addresses and websites under example.org. All randomness
comes from `random.Random` with fixed seeds, so a seed always gives the same world.
"""

from __future__ import annotations

import csv
import math
import random
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from app.records.normalise.boroughs import BOROUGH_GSS_CODES

POSTCODE_SAMPLE = Path(__file__).resolve().parent / "data" / "london_postcodes_sample.csv"

LVSC = "lvsc-social-prescribing-map"
CAREPLACE_CAMDEN = "careplace-camden"
CAREPLACE_ISLINGTON = "careplace-islington"
HACKNEY_HSDS = "hackney-council-directory"
ISLINGTON_ORUK = "islington-community-directory"
CAMDEN_SHEET = "camden-council-spreadsheet"
PUBLISHERS = {CAREPLACE_CAMDEN: "careplace", CAREPLACE_ISLINGTON: "careplace"}


@dataclass(frozen=True)
class Activity:
    theme: str  # the LVSC map's folder; a category elsewhere
    names: tuple[str, ...]  # patterns with {place}, {borough}, {venue}
    description: str
    organisations: tuple[str, ...]  # patterns with {place}, {borough}
    times: tuple[str, ...]
    costs: tuple[str, ...]
    ages: tuple[str, ...]
    referral: str = "Self-referral; GP and link worker referrals welcome"


A = Activity
ACTIVITIES: dict[str, Activity] = {
    "walking": A("Physical activity", ("{place} Health Walk", "Walk and Talk {place}"),
        "Free led walks of about an hour at an easy pace, finishing with a cuppa. Walk "
        "leaders are trained volunteers.", ("{place} Walkers", "{borough} Walking for Health"),
        ("Mondays 10:00-11:00", "Every Wednesday from 10am"), ("Free",), ("18+", "All ages")),
    "shed": A("Social connection", ("{place} Men's Shed",),
        "A workshop where men (and anyone who wants to) meet to make, mend and chat: "
        "woodwork, bike repair and tea.", ("{place} Men's Shed CIC",),
        ("Tues & Thurs 10am-3pm", "Wednesdays 10:00-16:00"), ("£2 per session",
        "Donations welcome"), ("18+", "Over 50s")),
    "carers": A("Carers and dementia", ("Carers' Café {place}", "{place} Carers Café"),
        "A relaxed café for unpaid carers to meet other carers, get advice and have a "
        "break.", ("{borough} Carers Centre", "Carers Hub {borough}"),
        ("1st and 3rd Monday of the month 2-4pm", "Last Friday of every month, 10am-12pm"),
        ("Free",), ("18+",)),
    "debt": A("Advice and money", ("Debt Advice Drop-in", "Debt & Benefits Advice {place}"),
        "Free, confidential advice on debts, benefits and budgeting from accredited "
        "advisers. Bring any letters and bills.", ("{borough} Money Advice Centre",
        "{place} Advice Network"), ("Mon-Fri 9am-5pm", "Tuesdays 10:00-13:00"), ("Free",),
        ("18+",)),
    "garden": A("Nature and green space", ("{place} Community Garden",
        "{place} Growing Project"), "Grow fruit and vegetables together in a shared garden. "
        "No experience needed; tools and gloves provided.", ("Friends of {place} Green",
        "{borough} Growing Network"), ("Saturdays 10am-1pm", "Wednesdays 10:00-12:00"),
        ("Free", "Donations welcome"), ("All ages", "18+")),
    "knit": A("Arts and creativity", ("{place} Knit & Natter", "Knit and Natter at {venue}"),
        "Bring your knitting or crochet, or learn from scratch. Wool and needles "
        "provided, tea and biscuits included.", ("{place} Community Association",),
        ("Thursdays 2-4pm", "Mondays 13:00-15:00"), ("£1 per session", "Free"), ("18+",)),
    "dementia": A("Carers and dementia", ("{place} Dementia Café", "Memory Café {place}"),
        "A friendly café for people living with dementia and the people who care for "
        "them, with music, activities and advice.", ("{borough} Dementia Alliance",),
        ("2nd & 4th Wednesday 1-3pm", "1st and 3rd Monday of the month 2-4pm"),
        ("Free", "Donations welcome"), ("18+",)),
    "lunch": A("Food and nutrition", ("{place} Lunch Club", "Lunch Club at {venue}"),
        "A hot two-course lunch and good company for older people, with outings and "
        "entertainment.", ("Age UK {borough}", "{place} Pensioners' Club"),
        ("Tues & Thurs 12-2pm", "Fridays 12-2pm"), ("£3.50 per meal", "£4 per lunch"),
        ("Over 60s", "Over 50s")),
    "befriending": A("Social connection", ("{borough} Befriending Service",
        "Telephone Befriending {borough}"), "A trained volunteer visits or phones once a "
        "week for a chat, for older people who feel lonely or isolated.",
        ("{borough} Befrienders",), ("Mon-Fri 9am-5pm",), ("Free",), ("Over 60s",),
        "Self-referral, family, GP or social worker"),
    "singing": A("Arts and creativity", ("Singing for the Brain {place}",
        "{place} Singing for Wellbeing"), "Warm-ups and well-loved songs in a friendly "
        "group. Good for breathing, mood and memory.", ("{borough} Singing for Health",),
        ("Thursdays 10.30am-12.30pm", "Wednesdays 2-4"), ("£2 per session", "Free"),
        ("18+",)),
    "tai_chi": A("Physical activity", ("{place} Tai Chi", "Tai Chi at {venue}"),
        "Gentle tai chi and qigong to improve balance, breathing and strength, suitable "
        "if you have limited mobility.", ("{place} Tai Chi Club", "{borough} Active Ageing"),
        ("Fridays 10am-11am", "Every Tuesday from 2pm"), ("£3 per session",
        "Donations welcome"), ("Over 50s", "18+")),
    "digital": A("Digital inclusion", ("Digital Skills Drop-in", "Tech Help Café {place}"),
        "One-to-one help with phones, tablets and computers: email, the NHS App, video "
        "calls and staying safe online.", ("{borough} Digital Inclusion Partnership",),
        ("Wednesdays 10:00-12:00", "Mon-Fri 10am-4pm"), ("Free",), ("18+", "Over 50s")),
    "food_bank": A("Food and nutrition", ("{place} Food Bank", "{place} Community Pantry"),
        "Emergency food parcels for people referred by an agency, and a pantry with "
        "low-cost groceries for members.", ("{place} Food Bank", "{borough} Food Network"),
        ("Mon, Wed & Fri: 10:00 - 13:00", "Tuesdays 12:00-15:00"), ("Free", "£3.50 per shop"),
        ("18+",), "Voucher from an agency (GP, social worker, advice centre)"),
    "bereavement": A("Mental health and wellbeing", ("{place} Bereavement Café",
        "Bereavement Support Group {place}"), "A safe space to talk with others who have "
        "lost someone close, facilitated by trained volunteers.",
        ("{borough} Bereavement Service",), ("Thursdays 7-9pm",
        "1st and 3rd Monday of the month 2-4pm"), ("Free",), ("18+",)),
    "chair": A("Physical activity", ("{place} Chair Yoga", "Seated Exercise at {venue}"),
        "A gentle seated exercise class to build strength and flexibility. Chairs "
        "provided.", ("{borough} Active Ageing", "{place} Community Association"),
        ("Mondays 10:00-11:00", "Fridays 10am-11am"), ("£2 per session",),
        ("Over 50s", "Over 60s")),
    "youth": A("Young people", ("{place} Youth Club", "{place} Youth Hub"),
        "Drop-in youth club with sport, music, cooking and a quiet room for homework, "
        "with youth workers on hand.", ("{place} Youth Project", "{borough} Youth Service"),
        ("Mon-Fri 4-8pm", "Tuesdays 6-9pm"), ("Free",), ("11-19",)),
    "conversation": A("Social connection", ("English Conversation Club {place}",
        "{place} Conversation Café"), "Practise spoken English over tea with volunteers "
        "and other learners. All levels welcome.", ("{place} Refugee Network",),
        ("Thursdays 10.30am-12.30pm",), ("Free",), ("16 and over",)),
    "peer": A("Mental health and wellbeing", ("{place} Wellbeing Café",
        "Peer Support Group {place}"), "An informal peer support group for adults living "
        "with anxiety, depression or low mood.", ("{borough} Wellbeing Network",),
        ("Wednesdays 6.30pm-8pm",), ("Free",), ("18+",)),
    "art": A("Arts and creativity", ("{place} Art Group", "Creative Minds {place}"),
        "Drawing, painting and printmaking with a local artist. Materials provided.",
        ("{place} Arts Collective",), ("Fridays 2-4pm",), ("£2 per session",
        "Pay what you can"), ("18+",)),
    "cooking": A("Food and nutrition", ("Cook and Eat {place}", "{place} Community Kitchen"),
        "Cook a healthy meal on a budget together, then sit down and eat it.",
        ("{place} Food Network",), ("Thursdays 11am-2pm",), ("£2 per session", "Free"),
        ("18+",)),
}  # fmt: skip
LINK_WORKERS = A("Link worker schemes", ("{borough} Social Prescribing Service",
    "{borough} Community Connectors"), "Link workers spend time with people referred by "
    "their GP practice to find local activities, groups and advice for what matters to them.",
    ("{borough} CVS", "{borough} Community Action"), ("Mon-Fri 9am-5pm",), ("Free",),
    ("18+",), "GP practice, primary care network or self-referral")  # fmt: skip
del A

# borough -> neighbourhood -> the postcode districts its venues are in
PLACES: dict[str, dict[str, str]] = {
    "Camden": {"Kentish Town": "NW5", "Camden Town": "NW1", "Gospel Oak": "NW5 NW3",
               "Somers Town": "NW1", "Kilburn": "NW6", "West Hampstead": "NW6 NW2",
               "Swiss Cottage": "NW3", "Belsize Park": "NW3", "Fitzrovia": "W1T",
               "Holborn": "WC1A WC1B WC1E WC1H WC1N WC1R WC1X WC2H EC1N"},
    "Islington": {"Holloway": "N7", "Archway": "N19", "Highbury": "N5", "Finsbury Park": "N4",
                  "Angel": "N1 EC1V", "Canonbury": "N1", "Barnsbury": "N1",
                  "Clerkenwell": "EC1R EC1V EC1M EC1Y", "Tufnell Park": "N7 N19",
                  "Newington Green": "N1 N16"},
    "Hackney": {"Dalston": "E8", "Homerton": "E9", "Stoke Newington": "N16", "Clapton": "E5",
                "Hackney Wick": "E9", "Hoxton": "N1 EC2A", "Stamford Hill": "N16 E5",
                "Haggerston": "E2 E8", "De Beauvoir": "N1", "Shacklewell": "E8 N16"},
    "Lambeth": {"Brixton": "SW2 SW9"}, "Southwark": {"Peckham": "SE15"},
    "Tower Hamlets": {"Bethnal Green": "E2"}, "Haringey": {"Tottenham": "N17"},
    "Westminster": {"Bayswater": "W2"}, "Lewisham": {"Catford": "SE6"},
    "Newham": {"Stratford": "E15"}, "Waltham Forest": {"Walthamstow": "E17"},
    "Greenwich": {"Woolwich": "SE18"},
}  # fmt: skip
VENUES = ("{place} Community Centre", "{place} Library", "St {saint}'s Church Hall",
          "{place} Methodist Church", "{place} Neighbourhood Centre", "{place} Health Centre",
          "{place} Leisure Centre", "{place} Park Pavilion", "{place} Tenants' Hall")  # fmt: skip
SAINTS = ("Mary", "John", "Luke", "Paul", "Michael", "Anne", "Stephen", "Mark", "Silas")
STREETS = ("High Street", "Church Road", "Park Road", "Grove Road", "Albion Road",
           "Victoria Road", "Station Road", "Mill Lane", "Queen's Road", "Chapel Street",
           "Market Road", "Elm Grove", "Manor Road", "North Road", "St John's Way")  # fmt: skip

PLANS: dict[str, dict[tuple[str, ...], int]] = {
    "Camden": {(CAREPLACE_CAMDEN,): 26, (CAREPLACE_CAMDEN, CAMDEN_SHEET): 7,
               (CAREPLACE_CAMDEN, CAMDEN_SHEET, LVSC): 2, (CAREPLACE_CAMDEN, LVSC): 3,
               (CAMDEN_SHEET,): 5, (CAMDEN_SHEET, LVSC): 1,
               (CAREPLACE_CAMDEN, CAREPLACE_ISLINGTON, LVSC): 1},
    "Islington": {(CAREPLACE_ISLINGTON,): 26, (CAREPLACE_ISLINGTON, ISLINGTON_ORUK): 6,
                  (CAREPLACE_ISLINGTON, ISLINGTON_ORUK, LVSC): 2,
                  (CAREPLACE_ISLINGTON, LVSC): 2, (ISLINGTON_ORUK,): 6,
                  (ISLINGTON_ORUK, LVSC): 1},
    "Hackney": {(HACKNEY_HSDS,): 12, (HACKNEY_HSDS, LVSC): 6,
                (HACKNEY_HSDS, CAREPLACE_ISLINGTON): 2},
    **{borough: {(LVSC,): 1} for borough in ("Lambeth", "Southwark", "Tower Hamlets",
       "Haringey", "Westminster", "Lewisham", "Newham", "Waltham Forest", "Greenwich")},
}  # fmt: skip
LINK_WORKER_BOROUGHS = ("Lambeth", "Southwark", "Tower Hamlets", "Haringey", "Westminster")


@dataclass(frozen=True)
class Venue:
    name: str
    street: str  # "12 Church Road"
    postcode: str  # as in the postcode sample: "NW5 2AA", or as a source writes it
    latitude: float | None  # None: a source left the coordinates out
    longitude: float | None


@dataclass(frozen=True)
class Organisation:
    name: str
    number: int  # 1, 2, ... in world order, for source IDs
    phone: str  # "020 7946 0123"
    description: str

    @property
    def email(self) -> str:
        return f"info@{slugify(self.name)}.example.org"

    @property
    def website(self) -> str:
        return f"https://{slugify(self.name)}.example.org"


@dataclass
class Service:
    """One real-world service, as it really is, and who publishes what about it."""

    key: str
    number: int  # 1, 2, ... in world order, for source IDs
    name: str
    borough: str
    areas: tuple[str, ...]
    activity: Activity
    organisation: Organisation
    venues: tuple[Venue, ...]
    sources: tuple[str, ...]  # the first lists it word for word, the others with variation
    homes: dict[object, str]  # organisation or venue -> the publisher that writes it exactly
    times: str
    cost: str
    ages: str
    updated: str  # ISO date

    @property
    def description(self) -> str:
        return f"{self.activity.description} Based at {self.venues[0].name}."


@dataclass
class Listing:
    """One source's version of a service: the text that source publishes."""

    service: Service
    name: str
    organisation: str
    description: str
    phone: str
    email: str
    url: str
    venues: tuple[Venue, ...]  # as this source writes them


def load_postcodes(path: Path = POSTCODE_SAMPLE) -> dict[str, list[tuple[str, float, float]]]:
    """Borough name -> (postcode, latitude, longitude) rows of the committed sample."""
    names = {code: name for name, code in BOROUGH_GSS_CODES.items()}
    by_borough: dict[str, list[tuple[str, float, float]]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if borough := names.get(row["admin_district"]):
                entry = (row["postcode"], float(row["latitude"]), float(row["longitude"]))
                by_borough.setdefault(borough, []).append(entry)
    return by_borough


def publisher(source: str) -> str:
    return PUBLISHERS.get(source, source)


class _World:
    """Builds services in a fixed order from one random generator."""

    def __init__(self, seed: int, postcodes: dict[str, list[tuple[str, float, float]]]):
        self.rng = random.Random(seed)
        self.postcodes = {b: self.rng.sample(rows, len(rows)) for b, rows in postcodes.items()}
        self.phones = self.rng.sample(range(1000), 1000)
        self.organisations: dict[str, Organisation] = {}
        self.venues: dict[tuple[str, str], list[Venue]] = {}
        self.homes: dict[object, str] = {}
        self.services: list[Service] = []

    def organisation(self, name: str, description: str = "") -> Organisation:
        if name not in self.organisations:
            phone = f"020 7946 {self.phones.pop():04d}"
            description = description or f"{name} is a community group in London."
            self.organisations[name] = Organisation(
                name, len(self.organisations) + 1, phone, description
            )
        return self.organisations[name]

    def venue(self, borough: str, place: str, name: str = "") -> Venue:
        """A new venue in `place`, or (unless named) sometimes one already there."""
        known = self.venues.setdefault((borough, place), [])
        if not name and known and (len(known) >= 2 or self.rng.random() < 0.4):
            return self.rng.choice(known)
        pool, districts = self.postcodes[borough], PLACES[borough][place].split()
        at = next((i for i, row in enumerate(pool) if row[0].split()[0] in districts), -1)
        postcode, latitude, longitude = pool.pop(at)  # else any postcode in the borough
        name = (name or self.rng.choice(VENUES)).format(place=place, saint=self.rng.choice(SAINTS))
        street = f"{self.rng.randint(1, 240)} {self.rng.choice(STREETS)}"
        known.append(Venue(name, street, postcode, latitude, longitude))
        return known[-1]

    def add(
        self,
        borough: str,
        activity: Activity,
        name: str,
        organisation: Organisation,
        venues: tuple[Venue, ...],
        sources: tuple[str, ...],
        areas: tuple[str, ...] = (),
    ) -> None:
        number, sources = len(self.services) + 1, tuple(self.rng.sample(sources, len(sources)))
        for thing in (organisation, *venues):
            self.homes.setdefault(thing, publisher(sources[0]))
        self.services.append(Service(
            f"{number:03d}-{slugify(name)}", number, name, borough, areas or (borough,),
            activity, organisation, venues, sources, self.homes, self.rng.choice(activity.times),
            self.rng.choice(activity.costs), self.rng.choice(activity.ages),
            f"2025-{self.rng.randint(1, 12):02d}-{self.rng.randint(1, 28):02d}",
        ))  # fmt: skip

    def fill(self, borough: str, plan: dict[tuple[str, ...], int]) -> None:
        """Invent services for whatever of the borough's plan the specials left."""
        kinds = self.rng.sample(sorted(ACTIVITIES), len(ACTIVITIES))
        taken = {s.name for s in self.services if s.borough == borough}
        for sources in sorted(Counter(plan).elements()):
            activity = ACTIVITIES[kinds[len(taken) % len(kinds)]]
            if borough in LINK_WORKER_BOROUGHS:
                activity = LINK_WORKERS
            place = self.rng.choice(sorted(PLACES[borough]))
            venue = self.venue(borough, place)
            names = [
                p.format(place=place, borough=borough, venue=venue.name) for p in activity.names
            ]
            name = next((n for n in self.rng.sample(names, len(names)) if n not in taken), "")
            name = name or f"{names[0]} ({venue.name})"
            taken.add(name)
            owner = self.organisation(
                self.rng.choice(activity.organisations).format(place=place, borough=borough),
                f"Charity and community group working in {place}, {borough}.",
            )
            cross_border = CAREPLACE_ISLINGTON in sources and borough != "Islington"
            areas = (borough, "Islington") if cross_border else ()
            self.add(borough, activity, name, owner, (venue,), sources, areas)


def _add_specials(world: _World) -> None:
    """The hard cases a deduplicator must get right, in Camden and Islington."""
    specials = (  # borough, place, venue, organisation, activity, name, sources
        ("Camden", "Kentish Town", "", "Age UK Camden", "befriending", "Befriending Service",
         (CAREPLACE_CAMDEN,)),
        ("Islington", "Holloway", "", "Age UK Islington", "befriending", "Befriending Service",
         (CAREPLACE_ISLINGTON, ISLINGTON_ORUK)),
        ("Camden", "West Hampstead", "", "Camden Ramblers", "walking", "Walking Group",
         (CAREPLACE_CAMDEN, CAMDEN_SHEET)),
        ("Camden", "Kentish Town", "{place} Health Centre",
         "Kentish Town Health Centre Patient Group", "walking", "Walking Group",
         (CAREPLACE_CAMDEN,)),
        *(("Camden", "Gospel Oak", "Malden Road Community Centre", "Malden Road Community Centre",
           kind, name, sources) for kind, name, sources in (
            ("knit", "Knit and Natter", (CAREPLACE_CAMDEN,)),
            ("tai_chi", "Tai Chi for Beginners", (CAREPLACE_CAMDEN,)),
            ("lunch", "Lunch Club", (CAREPLACE_CAMDEN, CAMDEN_SHEET)),
            ("digital", "Digital Skills Drop-in", (CAREPLACE_CAMDEN,)))),
        ("Camden", "Swiss Cottage", "St {saint}'s Church Hall",
         "Camden & Islington Memory Services", "singing", "Singing for the Brain",
         (CAREPLACE_CAMDEN, CAREPLACE_ISLINGTON, LVSC)),
    )  # fmt: skip
    named: dict[tuple[str, str], Venue] = {}  # a named venue is one place, however often used
    for borough, place, venue, owner, kind, name, sources in specials:
        areas = ("Camden", "Islington") if owner.startswith("Camden & Islington") else ()
        if (place, venue) not in named or not venue:
            named[place, venue] = world.venue(borough, place, venue)
        venues = (named[place, venue],)
        world.add(
            borough, ACTIVITIES[kind], name, world.organisation(owner), venues, sources, areas
        )
    walks = (world.venue("Camden", "Belsize Park"), world.venue("Camden", "Camden Town"))
    owner = world.organisation("Camden Walking for Health", "Health walks across Camden.")
    world.add(
        "Camden", ACTIVITIES["walking"], "Camden Health Walks", owner, walks, (CAREPLACE_CAMDEN,)
    )


def build_world(seed: int = 2026, postcode_sample: Path = POSTCODE_SAMPLE) -> list[Service]:
    """Every service of the sample world, in a fixed order."""
    world = _World(seed, load_postcodes(postcode_sample))
    _add_specials(world)
    for borough, plan in PLANS.items():
        remaining = Counter({frozenset(sources): n for sources, n in plan.items()})
        remaining.subtract(frozenset(s.sources) for s in world.services if s.borough == borough)
        world.fill(borough, {tuple(sorted(k)): n for k, n in remaining.items() if n > 0})
    return world.services


def listings(services: list[Service], source: str, seed: int = 2026) -> list[Listing]:
    """The services `source` lists, each as that source writes it."""
    return [render(service, source, seed) for service in services if source in service.sources]


def render(service: Service, source: str, seed: int = 2026) -> Listing:
    """The service as `source` writes it: word for word where it is the first publisher.

    Variation is seeded by publisher and service (organisation, venue), so one publisher
    writes a venue or an organisation the same way in every service it lists.
    """
    by, organisation = publisher(source), service.organisation
    listing = Listing(
        service, service.name, organisation.name, service.description, organisation.phone,
        organisation.email, organisation.website, service.venues,
    )  # fmt: skip
    listing.venues = tuple(_venue(venue, by, service.homes, seed) for venue in service.venues)
    rng = random.Random(f"{seed}:{by}:{organisation.name}")
    if by != service.homes[organisation] and rng.random() < 0.3:
        listing.organisation = vary_name(organisation.name, rng)
    if by == publisher(service.sources[0]):
        return listing
    rng = random.Random(f"{seed}:{by}:{service.key}")
    listing.name = vary_name(service.name, rng)
    listing.description = rng.choice([service.description, first_sentence(service.description), ""])
    listing.phone = format_phone(organisation.phone, rng.randrange(4))
    listing.email = organisation.email if rng.random() < 0.7 else ""
    listing.url = organisation.website if rng.random() < 0.7 else ""
    return listing


def _venue(venue: Venue, by: str, homes: dict[object, str], seed: int) -> Venue:
    """A venue as publisher `by` writes it: exactly if it is the venue's home publisher."""
    if by == homes[venue]:
        return venue
    rng = random.Random(f"{seed}:{by}:{venue.name}:{venue.postcode}")
    latitude, longitude, chance = venue.latitude, venue.longitude, rng.random()
    if chance < 0.2 or latitude is None or longitude is None:
        latitude = longitude = None
    elif chance < 0.8:
        latitude, longitude = move(latitude, longitude, rng)
    return Venue(
        name=_swap_saint(venue.name) if rng.random() < 0.5 else venue.name,
        street=venue.street.replace("Road", "Rd") if rng.random() < 0.3 else venue.street,
        postcode=format_postcode(venue.postcode, rng.randrange(4)),
        latitude=latitude,
        longitude=longitude,
    )


def vary_name(name: str, rng: random.Random) -> str:
    """The name as another publisher might type it (or unchanged, one time in five)."""
    if rng.random() < 0.2:
        return name
    variants = [_typo(name, rng), name[:1] + name[1:].lower()]
    if " & " in name or " and " in name:
        variants.append(
            name.replace(" & ", " and ") if "&" in name else name.replace(" and ", " & ")
        )
    if _SAINT.search(name):
        variants.append(_swap_saint(name))
    if "'" in name or "é" in name:
        variants.append(name.replace("'", "").replace("é", "e"))
    return rng.choice(variants)


_SAINT = re.compile(r"\b(St|Saint)\b(?=\s+[A-Z])")
_WORD = re.compile(r"[A-Za-z]{5,}")


def _swap_saint(text: str) -> str:
    return _SAINT.sub(lambda m: "Saint" if m[1] == "St" else "St", text)


def _typo(name: str, rng: random.Random) -> str:
    """Two neighbouring letters swapped, or one left out, inside one long word."""
    words = list(_WORD.finditer(name))
    if not words:
        return name
    word = rng.choice(words)
    at = rng.randrange(word.start() + 1, word.end() - 2)
    if rng.random() < 0.5:
        return name[:at] + name[at + 1] + name[at] + name[at + 2 :]
    return name[:at] + name[at + 1 :]


def first_sentence(text: str) -> str:
    return text.split(". ")[0].rstrip(".") + "."


def format_phone(phone: str, style: int) -> str:
    """'020 7946 0123' as written (0), international (1), digits only (2), bracketed (3)."""
    digits = phone.replace(" ", "")
    international = f"+44 {digits[1:3]} {digits[3:7]} {digits[7:]}"
    return (phone, international, digits, f"({digits[:3]}) {digits[3:7]} {digits[7:]}")[style]


def format_postcode(postcode: str, style: int) -> str:
    """'NW5 2AA' as written (0), lower case (1), without its space (2), two spaces (3)."""
    variants = (postcode, postcode.lower(), postcode.replace(" ", ""), postcode.replace(" ", "  "))
    return variants[style]


def move(latitude: float, longitude: float, rng: random.Random) -> tuple[float, float]:
    """A point 50-200 m away in a random direction, rounded to 6 decimals (about 0.1 m)."""
    distance, bearing = rng.uniform(50, 200), rng.uniform(0, 2 * math.pi)
    north, east = distance * math.cos(bearing), distance * math.sin(bearing)
    metres_per_degree = 111_320
    return (
        round(latitude + north / metres_per_degree, 6),
        round(longitude + east / (metres_per_degree * math.cos(math.radians(latitude))), 6),
    )


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower().replace("&", "and").replace("'", "")).strip("-")
