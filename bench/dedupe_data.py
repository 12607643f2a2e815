"""Labelled London services for the de-duplication benchmark, any size, fixed seed.

A synthetic world, then copies of it as four sources would list it:

- organisations: branches of national charities in every borough ("Age UK Camden",
  "Mind in Islington": the same activities, a shared website host), "Friends of <park>",
  "St <saint>'s Community Hub" (the same name in several boroughs), "<area> Men's Shed",
  community associations, "<adjective> <noun> Trust/CIC" ...;
- services: activities run by those organisations, some at the organisation's premises,
  many at shared community venues (one address and reception phone for up to ~20
  groups, often running the same kind of activity), walks in parks; one organisation
  may run the same activity at two places;
- source copies (CarePlace, LVSC map, council ORUK feed, spreadsheet), each with its
  own habits: typos, "&"/"and", "St"/"Saint", "Assoc."/"Comm.", "Ltd"/"CIC", reordered
  borough names, "Org - Activity" names with no organisation, phone and postcode
  formats, pins moved 50-300 m, missing coordinates and fields, reworded descriptions,
  different taxonomies; CarePlace lists some services twice (two boroughs).

Each record carries its true service entity and organisation. Postcodes and coordinates
come from the OS Code-Point Open sample in app/demo/data, jittered into new postcodes
of the same sector.
"""

# ruff: noqa: E501  (the word lists below are data tables, one entry per line)

from __future__ import annotations

import csv
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from app.records.normalise.boroughs import BOROUGH_GSS_CODES

POSTCODES = (
    Path(__file__).resolve().parents[1] / "app" / "demo" / "data" / "london_postcodes_sample.csv"
)
SOURCES = ("careplace", "lvsc", "council", "spreadsheet")
COPIES = ((1, 0.30), (2, 0.35), (3, 0.23), (4, 0.12))
_INWARD = "ABDEFGHJLNPQRSTUWXYZ"
_COSTS = ("Free.", "Free, donations welcome.", "£2 per session.", "£3, concessions £1.")
_AUDIENCES = (
    "All welcome.",
    "For adults aged 50 and over.",
    "Carers welcome.",
    "No need to book.",
    "Please call before your first visit.",
)

# Neighbourhoods; parks, per borough ("|" between names, ";" between the two lists).
_PLACES = """
Barking and Dagenham: Becontree|Chadwell Heath|Marks Gate|Thames View; Mayesbrook Park|Valence Park
Barnet: Finchley|Hendon|Edgware|Mill Hill|East Barnet; Friary Park|Oak Hill Park
Bexley: Erith|Sidcup|Welling|Crayford|Bexleyheath; Danson Park|Lesnes Abbey Woods
Brent: Wembley|Kilburn|Harlesden|Willesden|Kingsbury; Gladstone Park|Roundwood Park
Bromley: Beckenham|Orpington|Penge|Chislehurst|Hayes; Crystal Palace Park|Norman Park
Camden: Kentish Town|Gospel Oak|Somers Town|Belsize Park|West Hampstead; Hampstead Heath|Waterlow Park|Kilburn Grange Park
City of London: Barbican|Smithfield|Aldgate; Finsbury Circus|Postman's Park
Croydon: Thornton Heath|Norbury|Purley|Addiscombe|New Addington; Lloyd Park|Wandle Park
Ealing: Acton|Southall|Hanwell|Greenford|Northolt; Walpole Park|Gunnersbury Park
Enfield: Edmonton|Palmers Green|Ponders End|Southgate|Winchmore Hill; Broomfield Park|Forty Hall
Greenwich: Woolwich|Eltham|Charlton|Plumstead|Thamesmead; Greenwich Park|Charlton Park
Hackney: Dalston|Homerton|Stoke Newington|Clapton|Hoxton; Clissold Park|London Fields|Hackney Downs
Hammersmith and Fulham: Shepherd's Bush|White City|Parsons Green|Sands End; Ravenscourt Park|Bishop's Park
Haringey: Tottenham|Wood Green|Hornsey|Muswell Hill|Crouch End; Finsbury Park|Lordship Recreation Ground|Priory Park
Harrow: Wealdstone|Pinner|Stanmore|Rayners Lane|South Harrow; Canons Park|Harrow Recreation Ground
Havering: Romford|Hornchurch|Upminster|Harold Hill|Rainham; Raphael Park|Harrow Lodge Park
Hillingdon: Uxbridge|Hayes|Ruislip|West Drayton|Yiewsley; Ruislip Lido|Lake Farm Country Park
Hounslow: Feltham|Chiswick|Brentford|Isleworth|Cranford; Boston Manor Park|Lampton Park
Islington: Highbury|Holloway|Archway|Finsbury|Canonbury; Highbury Fields|Caledonian Park|Whittington Park
Kensington and Chelsea: North Kensington|Earls Court|Notting Hill|World's End; Holland Park|Kensington Memorial Park
Kingston upon Thames: Surbiton|New Malden|Tolworth|Chessington; Canbury Gardens|Fairfield Recreation Ground
Lambeth: Brixton|Streatham|Clapham|Stockwell|Kennington|Norwood; Brockwell Park|Ruskin Park|Kennington Park
Lewisham: Deptford|Catford|Sydenham|Brockley|Lee; Hilly Fields|Mountsfield Park|Ladywell Fields
Merton: Wimbledon|Mitcham|Morden|Colliers Wood|Raynes Park; Morden Hall Park|Cannizaro Park
Newham: Stratford|East Ham|Canning Town|Forest Gate|Plaistow; West Ham Park|Central Park East Ham
Redbridge: Ilford|Woodford|Wanstead|Barkingside|Seven Kings; Valentines Park|Wanstead Park
Richmond upon Thames: Twickenham|Teddington|Barnes|Hampton|Whitton; Bushy Park|Marble Hill Park
Southwark: Peckham|Bermondsey|Camberwell|Walworth|Rotherhithe|Dulwich; Burgess Park|Peckham Rye Park|Southwark Park
Sutton: Carshalton|Wallington|Cheam|Belmont|Worcester Park; Beddington Park|Nonsuch Park
Tower Hamlets: Bethnal Green|Bow|Poplar|Stepney|Whitechapel|Limehouse; Victoria Park|Mile End Park|Weavers Fields
Waltham Forest: Walthamstow|Leyton|Leytonstone|Chingford|Higham Hill; Lloyd Park|Leyton Jubilee Park
Wandsworth: Battersea|Tooting|Putney|Balham|Roehampton; Battersea Park|Tooting Common|Wandsworth Common
Westminster: Pimlico|Marylebone|Paddington|Soho|Maida Vale|Church Street; Paddington Recreation Ground|Victoria Embankment Gardens
"""
BOROUGH_PLACES: dict[str, tuple[list[str], list[str]]] = {
    line.split(":")[0]: tuple(part.strip().split("|") for part in line.split(":")[1].split(";"))  # type: ignore[misc]
    for line in _PLACES.strip().splitlines()
}
# (brand, name pattern, shared website host): one branch per borough, one website.
BRANDS = [
    ("Age UK", "Age UK {b}", "ageuk.org.uk"),
    ("Mind", "Mind in {b}", "mind.org.uk"),
    ("Citizens Advice", "Citizens Advice {b}", "citizensadvice.org.uk"),
    ("Home-Start", "Home-Start {b}", "home-start.org.uk"),
    ("Volunteer Centre", "Volunteer Centre {b}", "volunteeringmatters.org.uk"),
    ("Carers Centre", "{b} Carers Centre", "carers.org"),
    ("Foodbank", "{b} Foodbank", "trusselltrust.org"),
    ("Parkinson's UK", "Parkinson's UK {b} Branch", "parkinsons.org.uk"),
]
LOCAL_TYPES = (
    "Community Association|Men's Shed|Good Neighbours|Residents Association|Allotment Society|"
    "Community Garden|Ramblers|Women's Group|Tenants Association|Over 50s Club|Dementia Cafe|"
    "Lunch Club|Bowls Club|Community Choir|Pensioners Forum|Mums Network|Youth Club"
).split("|")
SAINTS = "Mary|John|Mark|Luke|Paul|Peter|Michael|Anne|James|Margaret|Stephen|Matthew|Andrew|George|Giles|Barnabas|Jude|Hilda|Aidan|Columba".split(
    "|"
)
COMMUNITIES = "Irish|Polish|Turkish|Bangladeshi|Caribbean|Chinese|Kurdish|Somali|Tamil|Ethiopian|Portuguese|Ghanaian".split(
    "|"
)
SURNAMES = "Abbott|Bellamy|Cartwright|Drummond|Fenwick|Goodall|Holloway|Iredale|Jarvis|Kingsley|Langford|Merriman|Ashworth|Baxter|Carrington|Dalton|Ellison|Fairbairn|Garnett|Hargreaves|Ingram|Jessop|Kendrick|Lomax|Marlowe|Norwood|Oakley|Pendleton|Quayle|Radcliffe|Sheridan|Thornbury|Underwood|Vickers|Whitfield|Yardley".split(
    "|"
)
ADJECTIVES = "Bright|Green|Open|New|Healthy|Golden|Silver|Rising|Kind|Hopeful|Together|Brave|Gentle|Friendly|Thriving|Blue|Bold|Steady|Wise|Warm|Little|Big|Clear|Shared|Common|True|Happy|Strong|Better|Active|Creative|Living|Local|Growing|Caring|Urban|Quiet|Evergreen|Sunny|Northern".split(
    "|"
)
NOUNS = "Futures|Shoots|Doors|Horizons|Minds|Years|Threads|Tide|Hearts|Roots|Steps|Hands|Voices|Bridges|Paths|Lights|Seeds|Wings|Waves|Gardens|Circles|Streets|Spaces|Kitchens|Journeys|Harbours|Lanterns|Orchards|Meadows|Rivers|Neighbours|Connections|Compass|Anchor|Beacon|Haven|Spark|Canopy|Footprints|Ladders".split(
    "|"
)
STREETS = "High Street|Church Road|Station Road|Park Lane|Victoria Road|Albert Road|Green Lane|Mill Lane|Queens Road|Kings Road|The Broadway|Manor Road|Grove Road|London Road|New Road|Springfield Road|York Road|Chapel Street|Market Street|Hall Lane".split(
    "|"
)
# (name, category, another name some sources use, description opening)
ACTIVITIES = [
    tuple(line.split("|"))
    for line in """
Walking group|activity|Walking club|A friendly, gentle walk for all abilities
Chair yoga|activity|Seated yoga|Gentle yoga exercises done sitting on a chair
Tai chi|activity|Tai chi class|Slow, flowing tai chi movements to improve balance
Coffee morning|social|Coffee and chat|Drop in for a cuppa, cake and a chat
Lunch club|food|Community lunch|A hot two-course lunch with good company
Knit and natter|arts|Knitting group|Bring your knitting or learn from others
Men's shed|social|Men's workshop|A workshop space to make, mend and chat
Carers support group|carers|Carers cafe|A space for unpaid carers to share and unwind
Dementia cafe|carers|Memory cafe|Activities and support for people living with dementia
Debt advice|advice|Money advice|Free, confidential help with debts and budgeting
Benefits advice|advice|Welfare benefits advice|Help to check and claim the benefits you are entitled to
Housing advice|advice|Housing help|Advice on tenancy, repairs and homelessness
Bereavement support|mental|Bereavement group|Support for anyone who has lost someone close
Peer support group|mental|Mental health peer support|Meet others with lived experience of mental ill health
Mindfulness course|mental|Mindfulness sessions|An eight-week introduction to mindfulness
Gardening club|nature|Community gardening|Grow fruit and vegetables together
Singing for the brain|arts|Singing group|Singing sessions for people with memory problems
Community choir|arts|Choir|No auditions, just come and sing
Art class|arts|Art group|Drawing and painting for beginners
Creative writing group|arts|Writing group|Write stories and poems in a supportive group
Book club|learning|Reading group|Read and discuss a book each month
English conversation class|learning|ESOL conversation club|Practise speaking English in a relaxed setting
Digital skills drop-in|learning|Computer help|Help with phones, tablets and getting online
Telephone befriending|social|Befriending service|A regular friendly phone call from a volunteer
Bingo afternoon|social|Bingo|A fun afternoon of bingo with small prizes
Tea dance|social|Afternoon tea dance|Ballroom and sequence dancing with tea and cake
Strength and balance class|activity|Falls prevention class|Exercises to build strength and prevent falls
Swimming for seniors|activity|Over 60s swim|Relaxed swimming sessions for older adults
Cycling club|activity|Bike rides|Led bike rides on quiet routes
Walking football|activity|Football for over 50s|Football at walking pace for older players
Bowls|activity|Lawn bowls|Try lawn bowls with friendly members
Food bank|food|Emergency food|Emergency food parcels for people in crisis
Cooking on a budget|food|Cookery class|Learn to cook healthy meals for less
Stay and play|family|Parent and toddler group|Play sessions for under-fives and their carers
Volunteering opportunities|volunteering|Volunteer with us|Find a volunteering role that suits you
Job club|advice|Employment support|Help with CVs, applications and interviews
Women's wellbeing group|social|Women's group|A relaxed group for women to meet and share
LGBTQ+ social|social|LGBTQ+ social group|A friendly social evening for LGBTQ+ people
Stop smoking support|health|Quit smoking service|Free support to help you stop smoking
Diabetes support group|health|Living with diabetes|Meet others managing type 2 diabetes
Hearing loss support|health|Hearing aid clinic|Hearing aid maintenance and advice
Counselling|mental|Low-cost counselling|Short-term counselling with qualified counsellors
""".strip().splitlines()
]
# Category -> term name in each source's taxonomy (council and CarePlace share one).
_CATEGORIES = (
    "activity social food arts carers advice mental nature learning family volunteering health"
)
TAXONOMIES = {
    source: dict(zip(_CATEGORIES.split(), terms.split("|"), strict=True))
    for source, terms in {
        "careplace": "Physical activity|Social activities|Food|Arts and crafts|Carers|Advice and guidance|Mental health|Nature and gardening|Learning|Families|Volunteering|Health",
        "lvsc": "Get active|Meet people|Food support|Be creative|Caring for someone|Money and housing|Feel better|Get outdoors|Learn something new|Families|Give back|Health",
        "spreadsheet": "exercise|social|food|arts|carers|advice|mental health|gardening|learning|family|volunteering|health",
    }.items()
}
TAXONOMIES["council"] = TAXONOMIES["careplace"]


@dataclass(frozen=True)
class Style:
    """How one source lists a service: probabilities of keeping or mangling each field."""

    org_missing: float
    typo: float
    variant: float
    phone: float
    email: float
    website: float
    postcode: float
    coords: float
    move: tuple[int, int]  # metres a pin is off the venue
    description: float
    identifiers: float
    joined_name: float  # "Org - Activity" as the service name, organisation left out


STYLES = {
    "careplace": Style(0.02, 0.05, 0.3, 0.9, 0.75, 0.7, 0.95, 0.8, (0, 40), 0.95, 0.3, 0.0),
    "lvsc": Style(0.1, 0.1, 0.4, 0.6, 0.5, 0.5, 0.4, 0.97, (50, 300), 0.8, 0.0, 0.4),
    "council": Style(0.05, 0.05, 0.6, 0.85, 0.7, 0.8, 0.9, 0.6, (0, 80), 0.9, 0.7, 0.0),
    "spreadsheet": Style(0.15, 0.3, 0.5, 0.7, 0.4, 0.3, 0.7, 0.2, (0, 150), 0.5, 0.1, 0.1),
}


@dataclass
class LabelledRecord:
    """One source record with the truth: its service entity and organisation."""

    source: str
    key: str
    entity: str
    org: str
    service: dict[str, Any]

    @property
    def record_id(self) -> str:
        return f"{self.source}/{self.key}"


@dataclass
class Place:
    name: str
    address: str
    postcode: str
    lat: float
    lon: float
    phone: str | None = None


@dataclass
class Org:
    id: str
    name: str
    borough: str
    phone: str
    email: str | None
    website: str | None
    charity: str | None
    company: str | None
    home: Place | None


@dataclass
class Entity:
    id: str
    org: Org
    activity: tuple[str, ...]  # (name, category, another name, description opening)
    name: str
    place: Place
    phones: list[str]
    description: str
    modified: str


class World:
    """The true organisations, venues and services, built from one seeded RNG."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.postcodes = _load_postcodes()
        self.used_names: set[str] = set()
        self.used_domains: set[str] = set()
        self.used_numbers: set[str] = set()
        self.venues: dict[str, list[Place]] = {b: [] for b in BOROUGH_GSS_CODES}
        self.hosted: dict[str, int] = {}
        self.orgs = 0

    def number(self, mobile: bool = False) -> str:
        while True:
            if mobile:
                number = f"07{self.rng.randint(100, 999)} {self.rng.randint(100000, 999999)}"
            else:
                number = f"020 {self.rng.choice('378')}{self.rng.randint(100, 999)} "
                number += f"{self.rng.randint(1000, 9999)}"
            if number not in self.used_numbers:
                self.used_numbers.add(number)
                return number

    def unique(self, make: Callable[[], str], eligible: bool, share: float) -> str | None:
        """A registration number for `share` of eligible organisations, never reused."""
        if not eligible or self.rng.random() >= share:
            return None
        while (number := make()) in self.used_numbers:
            pass
        self.used_numbers.add(number)
        return number

    def place(self, borough: str, name: str, phone: bool = False) -> Place:
        postcode, lat, lon = self.rng.choice(self.postcodes[borough])
        outward, inward = postcode.split()
        unit = inward[0] + "".join(self.rng.choice(_INWARD) for _ in range(2))
        lat, lon = _offset(lat, lon, self.rng.uniform(0, 250), self.rng.uniform(0, 360))
        street = f"{self.rng.randint(1, 240)} {self.rng.choice(STREETS)}"
        return Place(name, street, f"{outward} {unit}", lat, lon, self.number() if phone else None)

    def venue(self, borough: str, hosted: int) -> Place:
        """A shared community venue of the borough; the pool grows with the services."""
        pool = self.venues[borough]
        if not pool or len(pool) < hosted // 12:
            area = self.rng.choice(BOROUGH_PLACES[borough][0])
            kind = self.rng.choice(
                [
                    f"{area} Community Centre",
                    f"{area} Library",
                    f"St {self.rng.choice(SAINTS)}'s Church Hall",
                    f"{area} Methodist Church",
                    f"{area} Neighbourhood Centre",
                ]
            )
            pool.append(self.place(borough, kind, phone=True))
        return self.rng.choice(pool)

    def service_place(self, org: Org, title: str) -> Place:
        """Walks in a park, others at the organisation's premises or a shared venue."""
        if "walk" in title.lower() or self.rng.random() < 0.05:
            return self.place(org.borough, self.rng.choice(BOROUGH_PLACES[org.borough][1]))
        if org.home and self.rng.random() < 0.45:
            return org.home
        self.hosted[org.borough] = self.hosted.get(org.borough, 0) + 1
        return self.venue(org.borough, self.hosted[org.borough])

    def org_name(self, borough: str) -> tuple[str, str, str | None]:
        """(name, kind, website host for brands) of a new organisation in `borough`.

        Names are unique once legal words are ignored ("Bright Roots Trust" and "Bright
        Roots CIC" would be one charity), except St <saint>'s, which repeat across London.
        """
        rng = self.rng
        areas, parks = BOROUGH_PLACES[borough]
        for _ in range(100):
            roll, host = rng.random(), None
            if roll < 0.05:
                brand, pattern, host = rng.choice(BRANDS)
                name, kind = pattern.format(b=borough), "branch"
            elif roll < 0.10:
                name, kind = f"Friends of {rng.choice(parks)}", "friends"
            elif roll < 0.17:
                hub = rng.choice(["Community Hub", "Church", "Community Centre", "Parish"])
                name, kind = f"St {rng.choice(SAINTS)}'s {hub}", "saint"
                if rng.random() < 0.5:
                    return name, kind, None  # the same name in several boroughs is real
            elif roll < 0.35:
                name, kind = f"{rng.choice(areas)} {rng.choice(LOCAL_TYPES)}", "local"
            elif roll < 0.45:
                group = rng.choice(["Community Association", "Women's Group", "Elders Club"])
                place = rng.choice([borough, rng.choice(areas)])
                name, kind = f"{rng.choice(COMMUNITIES)} {group} {place}", "community"
            elif roll < 0.50:
                name, kind = f"The {rng.choice(SURNAMES)} Foundation", "foundation"
            elif roll < 0.70:
                name, kind = f"{rng.choice(areas)} {rng.choice(NOUNS)}", "charity"
            else:
                name, kind = f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}", "charity"
            base = name.lower()
            if base not in self.used_names:
                self.used_names.add(base)
                if kind == "charity" and rng.random() < 0.8:
                    name += " " + rng.choice(["Trust", "CIC", "Project", "Network", "Collective"])
                return name, kind, host
        return f"{name} of {rng.choice(areas)} {self.orgs}", kind, host

    def organisation(self) -> Org:
        rng = self.rng
        borough = rng.choice(list(BOROUGH_GSS_CODES))
        name, kind, host = self.org_name(borough)
        self.orgs += 1
        slug = "".join(ch for ch in name.lower() if ch.isalnum())[:40]
        website = email = None
        if host:
            website = f"https://www.{host}/{borough.lower().replace(' ', '-')}/"
            email = f"info.{borough.lower().replace(' ', '')}@{host}"
        elif kind in ("charity", "foundation", "community") or rng.random() < 0.3:
            domain = f"{slug}.org.uk"
            if domain in self.used_domains:
                domain = f"{slug}{borough.lower().replace(' ', '')}.org.uk"
            self.used_domains.add(domain)
            website, email = f"https://www.{domain}", f"{rng.choice(['info', 'hello'])}@{domain}"
        elif rng.random() < 0.6:
            email = f"{slug}{rng.randint(1, 99)}@gmail.com"
            website = f"https://www.facebook.com/{slug}" if rng.random() < 0.4 else None
        big = kind in ("branch", "charity", "foundation", "community")
        charity = self.unique(lambda: str(rng.randint(1000000, 1199999)), big, 0.7)
        company = self.unique(lambda: f"{rng.randint(1, 13999999):08d}", big, 0.4)
        home = self.place(borough, name) if big or rng.random() < 0.3 else None
        phone = self.number(mobile=not big and rng.random() < 0.6)
        org_id = f"org{self.orgs}"
        return Org(org_id, name, borough, phone, email, website, charity, company, home)

    def services(self, org: Org, count: int) -> list[Entity]:
        """`count` services of `org`; a quarter of multi-service organisations run one
        activity twice, at two different places (a hard negative)."""
        activities = self.rng.sample(ACTIVITIES, min(count, len(ACTIVITIES)))
        if count > 1 and self.rng.random() < 0.25:
            activities[-1] = activities[0]
        places: dict[str, Place] = {}
        entities = []
        for number, activity in enumerate(activities):
            title = activity[0]
            place = self.service_place(org, title)
            while title in places and place.name == places[title].name:
                place = self.service_place(org, title)
            places[title] = place
            entities.append(self.service(f"{org.id}s{number}", org, activity, place))
        return entities

    def service(self, entity_id: str, org: Org, activity: tuple[str, ...], place: Place) -> Entity:
        """One true service: its name as the organisation writes it, contacts, text."""
        rng, title = self.rng, activity[0]
        name = rng.choices(
            [
                title,
                f"{org.name} {title}",
                f"{title} at {place.name}",
                f"{rng.choice(BOROUGH_PLACES[org.borough][0])} {title}",
            ],
            [0.55, 0.15, 0.15, 0.15],
        )[0]
        phones = [org.phone]
        if rng.random() < 0.35:
            phones.insert(0, self.number(mobile=True))  # the group leader's mobile
        if place.phone and rng.random() < 0.5:
            phones.append(place.phone)  # the venue's reception
        day = rng.choice(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"])
        hour = rng.randint(9, 18)
        description = (
            f"{activity[3]} run by {org.name} at {place.name}. "
            f"Every {day}, {hour}:00 to {hour + rng.randint(1, 3)}:00. "
            f"{rng.choice(_COSTS)} {rng.choice(_AUDIENCES)}"
        )
        modified = f"202{rng.randint(3, 5)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        return Entity(entity_id, org, activity, name, place, phones, description, modified)


def _load_postcodes() -> dict[str, list[tuple[str, float, float]]]:
    names = {code: name for name, code in BOROUGH_GSS_CODES.items()}
    by_borough: dict[str, list[tuple[str, float, float]]] = {name: [] for name in names.values()}
    with POSTCODES.open(newline="") as handle:
        for row in csv.DictReader(handle):
            borough = names[row["admin_district"]]
            by_borough[borough].append(
                (row["postcode"], float(row["latitude"]), float(row["longitude"]))
            )
    return by_borough


def _offset(lat: float, lon: float, metres: float, bearing: float) -> tuple[float, float]:
    """The point `metres` away from (lat, lon) towards `bearing` degrees."""
    north = metres * math.cos(math.radians(bearing)) / 111_320
    east = metres * math.sin(math.radians(bearing)) / (111_320 * math.cos(math.radians(lat)))
    return lat + north, lon + east


# ---- source copies -------------------------------------------------------------------------

_VARIANTS = [
    (" and ", " & "),
    (" & ", " and "),
    ("St ", "Saint "),
    ("St ", "St. "),
    ("Centre", "Center"),
    ("Community", "Comm."),
    ("Community", "Cmty"),
    ("Association", "Assoc."),
    ("Association", "Assn"),
    ("Neighbours", "Neighbors"),
    ("The ", ""),
    ("'s", "s"),
]
_SUFFIXES = (" Ltd", " CIC", " (Registered Charity)", " Trust", " Limited")


def _typo(text: str, rng: random.Random) -> str:
    """One keyboard slip in one longer word: a swap, a drop, a double or a wrong key."""
    words = text.split(" ")
    long_words = [i for i, word in enumerate(words) if len(word) >= 4 and word.isalpha()]
    if not long_words:
        return text
    i = rng.choice(long_words)
    word, at = words[i], rng.randint(1, len(words[i]) - 2)
    op = rng.randrange(4)
    if op == 0:
        word = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    elif op == 1:
        word = word[:at] + word[at + 1 :]
    elif op == 2:
        word = word[:at] + word[at] + word[at:]
    else:
        word = word[:at] + rng.choice("aeiounrst") + word[at + 1 :]
    words[i] = word
    return " ".join(words)


def _move_borough(name: str, borough: str) -> str:
    """ "Camden Carers Centre" <-> "Carers Centre Camden", "Mind in Camden" -> "Camden Mind"."""
    if name.startswith(borough + " "):
        return f"{name[len(borough) + 1 :]} {borough}"
    for tail in (f" in {borough}", f" {borough}"):
        if name.endswith(tail):
            return f"{borough} {name[: -len(tail)]}"
    return name


def vary(name: str, borough: str, style: Style, rng: random.Random) -> str:
    """A source's spelling of a name."""
    if rng.random() < style.variant:
        options = [(old, new) for old, new in _VARIANTS if old in name]
        if options:
            old, new = rng.choice(options)
            name = name.replace(old, new, 1)
    if rng.random() < style.variant * 0.3:
        name += rng.choice(_SUFFIXES)
    if rng.random() < style.variant * 0.3:
        name = _move_borough(name, borough)
    if rng.random() < style.typo:
        name = _typo(name, rng)
    if rng.random() < style.variant * 0.15:
        name = name.upper() if rng.random() < 0.5 else name.lower()
    return name


def _phone(number: str, rng: random.Random) -> str:
    groups = number.split()
    return rng.choice(
        [
            number,
            "+44 " + number[1:],
            f"({groups[0]}) {''.join(groups[1:])}",
            "".join(groups),
            "-".join(groups),
            "+44 (0)" + number[1:],
        ]
    )


def _postcode(postcode: str, rng: random.Random) -> str:
    return rng.choice(
        [postcode, postcode.replace(" ", "").lower(), postcode.replace(" ", "  "), postcode.lower()]
    )


def _description(entity: Entity, source: str, rng: random.Random) -> str:
    sentences = [s.strip() + "." for s in entity.description.split(".") if s.strip()]
    if source == "lvsc":
        return sentences[0]
    if source == "council":
        rng.shuffle(sentences)
        return " ".join(sentences)
    if source == "spreadsheet":
        return entity.description[:80]
    return entity.description


def _service_name(entity: Entity, org_name: str | None, style: Style, rng: random.Random) -> str:
    title, _, alternative, _ = entity.activity
    name = entity.name
    if rng.random() < 0.05:
        name = name.replace(title, alternative)
    if org_name is None and rng.random() < style.joined_name:
        shown = vary(entity.org.name, entity.org.borough, style, rng)
        name = rng.choice([f"{shown} - {name}", f"{name} ({shown})", f"{shown}: {name}"])
    return vary(name, entity.org.borough, style, rng)


def _organization(entity: Entity, source: str, style: Style, rng: random.Random) -> dict[str, Any]:
    org = entity.org
    result: dict[str, Any] = {}
    if rng.random() >= style.org_missing:
        result["name"] = vary(org.name, org.borough, style, rng)
    if org.website and rng.random() < style.website:
        result["website"] = org.website if rng.random() < 0.7 else org.website.split("://")[1]
    if org.email and rng.random() < style.email:
        result["email"] = org.email if rng.random() < 0.8 else org.email.upper()
    identifiers = []
    if org.charity and rng.random() < style.identifiers:
        identifiers.append(
            {
                "identifier_scheme": "GB-CHC",
                "identifier_type": "Charity Number",
                "identifier": org.charity,
            }
        )
    if org.company and rng.random() < style.identifiers:
        number = org.company.lstrip("0") if rng.random() < 0.3 else org.company
        identifiers.append(
            {
                "identifier_scheme": "GB-COH",
                "identifier_type": "Company Number",
                "identifier": number,
            }
        )
    if identifiers:
        result["organization_identifiers"] = identifiers
    return result


def _location(entity: Entity, style: Style, rng: random.Random) -> dict[str, Any] | None:
    place = entity.place
    location: dict[str, Any] = {"name": place.name} if rng.random() < 0.85 else {}
    if rng.random() < style.coords:
        lat, lon = _offset(place.lat, place.lon, rng.uniform(*style.move), rng.uniform(0, 360))
        location["latitude"], location["longitude"] = round(lat, 6), round(lon, 6)
    if rng.random() < style.postcode:
        location["addresses"] = [
            {"address_1": place.address, "postal_code": _postcode(place.postcode, rng)}
        ]
    return location or None


def copy_record(entity: Entity, source: str, key: str, rng: random.Random) -> LabelledRecord:
    """The record `source` publishes for `entity`."""
    style = STYLES[source]
    organization = _organization(entity, source, style, rng)
    service: dict[str, Any] = {
        "name": _service_name(entity, organization.get("name"), style, rng),
        "organization": organization,
        "last_modified": f"{entity.modified}T{rng.randint(6, 22):02d}:00:00Z",
    }
    phones = (
        entity.phones[:1]
        if source == "careplace"
        else rng.sample(entity.phones, rng.randint(1, min(2, len(entity.phones))))
    )
    if rng.random() < style.phone:
        service["phones"] = [{"number": _phone(number, rng)} for number in phones]
    if rng.random() < style.description:
        service["description"] = _description(entity, source, rng)
    if organization.get("email") and rng.random() < 0.5:
        service["email"] = organization.pop("email")
    location = _location(entity, style, rng)
    if location:
        service["service_at_locations"] = [{"location": location}]
    term = TAXONOMIES[source][entity.activity[1]]
    service["attributes"] = [{"taxonomy_term": {"name": term, "taxonomy": source}}]
    return LabelledRecord(source, key, entity.id, entity.org.id, service)


@dataclass
class Dataset:
    """Labelled records plus the world that made them, for later changes."""

    records: list[LabelledRecord]
    world: World
    entities: list[Entity]
    counters: dict[str, int]


def _copies(entity: Entity, dataset: Dataset) -> list[LabelledRecord]:
    rng = dataset.world.rng
    count = rng.choices([c for c, _ in COPIES], [w for _, w in COPIES])[0]
    records = []
    for source in sorted(rng.sample(SOURCES, count)):
        dataset.counters[source] += 1
        key = f"{source[:2]}{dataset.counters[source]}"
        records.append(copy_record(entity, source, key, rng))
        if source == "careplace" and rng.random() < 0.04:  # listed again for another borough
            again = replace(records[-1], key=f"{key}-2")
            records.append(again)
    return records


def _more_entities(dataset: Dataset) -> list[Entity]:
    world = dataset.world
    org = world.organisation()
    big = org.home is not None and org.charity is not None
    count = world.rng.randint(2, 7) if big else world.rng.randint(1, 3)
    return world.services(org, count)


def generate(n_records: int, seed: int = 42) -> Dataset:
    """At least `n_records` labelled records (whole entities, so a few more)."""
    dataset = Dataset([], World(seed), [], {source: 0 for source in SOURCES})
    while len(dataset.records) < n_records:
        for entity in _more_entities(dataset):
            dataset.entities.append(entity)
            dataset.records.extend(_copies(entity, dataset))
    return dataset


def change(
    dataset: Dataset, fraction: float, seed: int = 7
) -> tuple[list[LabelledRecord], list[str]]:
    """Change `fraction` of the records in place: 60% edited, 20% removed, 20% added
    (new services, or a new source listing an existing one). Returns (changed or added
    records, removed record IDs); `dataset.records` is updated to the new truth."""
    rng = random.Random(seed)
    count = max(3, int(len(dataset.records) * fraction))
    picked = rng.sample(range(len(dataset.records)), count * 4 // 5)
    edit, drop = picked[: count * 3 // 5], set(picked[count * 3 // 5 :])
    changed = []
    for i in edit:
        record = dataset.records[i]
        entity = (
            next(e for e in dataset.entities if e.id == record.entity)
            if rng.random() < 0.5
            else None
        )
        if entity:  # the source re-exported it with fresh noise
            new = copy_record(entity, record.source, record.key, rng)
        else:
            new = replace(record, service=dict(record.service))
            new.service["description"] = (
                new.service.get("description") or ""
            ) + " Updated this month."
        new.service["last_modified"] = "2025-11-01T09:00:00Z"
        dataset.records[i] = new
        changed.append(new)
    removed = [dataset.records[i].record_id for i in sorted(drop)]
    dataset.records = [r for i, r in enumerate(dataset.records) if i not in drop]
    added: list[LabelledRecord] = []
    while len(added) < count // 5:
        if rng.random() < 0.5:
            for entity in _more_entities(dataset):
                dataset.entities.append(entity)
                added.extend(_copies(entity, dataset))
        else:
            entity = rng.choice(dataset.entities)
            added.extend(_copies(entity, dataset))
    dataset.records.extend(added)
    return changed + added, removed
