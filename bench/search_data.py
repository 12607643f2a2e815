"""Generated London services for bench/search.py, written straight into a database.

Points fall inside the 33 borough polygons, spread by area, inner London three times as
dense as outer London; names come from social prescribing activities; every service gets
a schedule, a cost, an age range, built-in taxonomy terms, a language, often a service
area, sometimes step-free access notes. A tenth as many postcodes as services are spread
the same way. Everything is seeded: the same N gives the same database.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import uuid
from collections.abc import Iterator
from pathlib import Path

import shapely
from shapely.geometry import shape
from sqlalchemy import insert
from sqlalchemy.orm import Session

from app.models import (
    Accessibility,
    Address,
    Attribute,
    CostOption,
    Language,
    Location,
    Organization,
    Postcode,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
)
from app.taxonomy import all_terms, builtin_term_id

NAMESPACE = uuid.UUID("6a4ef0a4-4a9b-4f5e-9a51-0d1f3b2f8e77")
ACTIVITIES = [
    ("Walking group", "activity:walking-groups", "Gentle led walks in the park."),
    ("Knit and natter", "activity:knit-and-natter", "Knitting, crochet and a cuppa."),
    ("Men's shed", "activity:mens-sheds", "Woodwork, repairs and company."),
    ("Community garden", "activity:gardening", "Growing food and flowers together."),
    ("Lunch club", "activity:food-clubs", "A hot two-course lunch and a chat."),
    ("Dementia café", "activity:dementia-cafes", "A friendly café for people with dementia."),
    ("Tai chi", "activity:tai-chi", "Slow movement for strength and balance."),
    ("Singing group", "activity:singing", "Sing for fun, no experience needed."),
    ("Art class", "activity:arts", "Drawing and painting for beginners."),
    ("Tea dance", "activity:dance", "Afternoon dancing with live music."),
    ("Peer support group", "activity:peer-support", "Meet people who understand."),
    ("Befriending", "activity:befriending", "A weekly call or visit from a volunteer."),
    ("Digital skills drop-in", "activity:digital-skills", "Help with phones and tablets."),
    ("Time bank", "activity:time-banks", "Swap skills and time with neighbours."),
    ("Volunteering", "activity:volunteering", "Give your time to a local project."),
    ("English class", "activity:adult-learning", "ESOL classes for adults."),
]
NEEDS = [t.code for t in all_terms() if t.code.startswith("need:")]
FIVE_WAYS = [t.code for t in all_terms() if t.code.startswith("five-ways:")]
PLACES = ["Community Centre", "Library", "Church Hall", "Park", "Leisure Centre", "Hub"]
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
ROUTES = ["Drop in, no need to book.", "Ask your GP to refer you.",
          "Referral from a social prescribing link worker.", "Call to book a place."]  # fmt: skip
POSTAL_AREAS = ["E", "N", "W", "SE", "SW", "NW", "EC", "WC", "BR", "CR", "DA", "EN", "HA",
                "IG", "KT", "RM", "SM", "TW", "UB"]  # fmt: skip
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
MODIFIED = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)


def uid(*parts: object) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(map(str, parts))))


class Sampler:
    """Random points inside the boroughs, by area, inner London (ons_inner T) weighted 3:1."""

    def __init__(self, boroughs_geojson: Path, rng: random.Random) -> None:
        features = json.loads(boroughs_geojson.read_text())["features"]
        self.rng = rng
        self.boroughs = [f["properties"]["name"] for f in features]
        self.shapes = [shape(f["geometry"]) for f in features]
        for geometry in self.shapes:
            shapely.prepare(geometry)
        # Spread over the boroughs' extent (weight by area), three times as dense in inner
        # London: a small borough (the City) is not as full as a big one.
        self.weights = [
            geometry.area * (3 if f["properties"].get("ons_inner") == "T" else 1)
            for geometry, f in zip(self.shapes, features, strict=True)
        ]

    def point(self) -> tuple[str, float, float]:
        index = self.rng.choices(range(len(self.shapes)), self.weights)[0]
        geometry = self.shapes[index]
        min_lon, min_lat, max_lon, max_lat = geometry.bounds
        while True:
            lon, lat = self.rng.uniform(min_lon, max_lon), self.rng.uniform(min_lat, max_lat)
            if shapely.contains_xy(geometry, lon, lat):
                return self.boroughs[index], round(lat, 6), round(lon, 6)


def postcode_rows(sampler: Sampler, count: int) -> list[dict]:
    """Made-up but well-formed postcodes; the outward code is a 0.02 x 0.03 degree cell."""
    rows, seen = [], set()
    while len(rows) < count:
        _, lat, lon = sampler.point()
        cell = int((lat - 51.28) / 0.02) * 40 + int((lon + 0.52) / 0.03)
        outward = f"{POSTAL_AREAS[cell % len(POSTAL_AREAS)]}{cell // len(POSTAL_AREAS) % 99 + 1}"
        n = len(rows)
        inward = f"{n % 10}{INWARD_LETTERS[n // 10 % 20]}{INWARD_LETTERS[n // 200 % 20]}"
        postcode = f"{outward} {inward}"
        if postcode not in seen:
            seen.add(postcode)
            rows.append({"postcode": postcode, "district": outward, "latitude": lat,
                         "longitude": lon, "admin_district": None, "admin_ward": None})  # fmt: skip
    return rows


def service_rows(i: int, sampler: Sampler, rng: random.Random) -> dict[type, list[dict]]:
    """Every row of service i: the service, its organization, venue, schedule, cost, ..."""
    borough, lat, lon = sampler.point()
    activity, term, blurb = rng.choice(ACTIVITIES)
    sid, org_id, loc_id, sal_id = uid("s", i), uid("o", i // 4), uid("l", i), uid("sal", i)
    minimum = rng.choice([None, None, 18, 50, 60, 65, 11])
    rows: dict[type, list[dict]] = {model: [] for model in TABLES}
    rows[Service].append({
        "id": sid, "organization_id": org_id, "name": f"{borough} {activity}",
        "description": f"{blurb} Everyone welcome in {borough}.",
        "status": "inactive" if rng.random() < 0.03 else "active",
        "minimum_age": minimum, "maximum_age": 18 if minimum == 11 else None,
        "application_process": rng.choice(ROUTES), "last_modified": MODIFIED,
        "fees_description": None,
    })  # fmt: skip
    if i % 4 == 0:
        rows[Organization].append({"id": org_id, "name": f"{borough} Together {i // 4}",
                                   "description": "A local charity."})  # fmt: skip
    online = rng.random() < 0.03
    if not online:
        rows[Location].append({"id": loc_id, "location_type": "physical", "latitude": lat,
                               "longitude": lon, "borough": borough,
                               "name": f"{borough} {rng.choice(PLACES)}"})  # fmt: skip
        rows[Address].append({"id": uid("a", i), "location_id": loc_id, "address_1": f"{i} High St",
                              "city": "London", "state_province": borough, "postal_code": "",
                              "country": "GB", "address_type": "physical"})  # fmt: skip
        rows[ServiceAtLocation].append({"id": sal_id, "service_id": sid, "location_id": loc_id})
        if rng.random() < 0.4:
            rows[Accessibility].append({"id": uid("acc", i), "location_id": loc_id,
                                        "description": "Step-free access throughout"})  # fmt: skip
    start = rng.choice([9, 10, 11, 13, 14, 18])
    owner = {"service_id": sid} if online else {"service_at_location_id": sal_id}
    days = ",".join(sorted(rng.sample(DAYS, rng.choice([1, 1, 2, 5])), key=DAYS.index))
    rows[Schedule].append({"id": uid("sch", i), "freq": "WEEKLY", "wkst": "MO", "byday": days,
                           "opens_at": f"{start:02d}:00", "closes_at": f"{start + 2:02d}:00",
                           **owner})  # fmt: skip
    cost = rng.random()
    if cost < 0.6:
        rows[CostOption].append({"id": uid("c", i), "service_id": sid, "option": "free",
                                 "amount": 0.0, "currency": "GBP"})  # fmt: skip
    elif cost < 0.9:
        price = float(rng.choice([2, 3, 5]))
        rows[CostOption].append({"id": uid("c", i), "service_id": sid, "option": "per session",
                                 "amount": price, "currency": "GBP"})  # fmt: skip
    for code in (term, rng.choice(NEEDS), rng.choice(FIVE_WAYS)):
        rows[Attribute].append({"id": uid("at", i, code), "link_id": sid, "link_entity": "service",
                                "taxonomy_term_id": builtin_term_id(code)})  # fmt: skip
    area = "online" if online else borough if rng.random() < 0.4 else None
    area = "pan-London" if rng.random() < 0.04 else area
    if area:
        rows[ServiceArea].append({"id": uid("sa", i), "service_id": sid, "name": area})
    rows[Language].append({"id": uid("lang", i), "service_id": sid, "code": "en",
                           "name": "English"})  # fmt: skip
    return rows


TABLES = [Organization, Service, Location, Address, ServiceAtLocation, Accessibility,
          Schedule, CostOption, Attribute, ServiceArea, Language]  # fmt: skip


def batches(count: int, sampler: Sampler, rng: random.Random, size: int = 2000) -> Iterator:
    for start in range(0, count, size):
        merged: dict[type, list[dict]] = {model: [] for model in TABLES}
        for i in range(start, min(start + size, count)):
            for model, rows in service_rows(i, sampler, rng).items():
                merged[model] += rows
        yield merged


def generate(session: Session, count: int, boroughs: Path, seed: int = 5) -> list[str]:
    """Write `count` services and count/10 postcodes; returns the postcodes."""
    rng = random.Random(seed)
    sampler = Sampler(boroughs, rng)
    for merged in batches(count, sampler, rng):
        for model in TABLES:
            rows = merged[model]
            for shape_rows in _by_keys(rows):
                session.execute(insert(model), shape_rows)
    postcodes = postcode_rows(sampler, max(10, count // 10))
    session.execute(insert(Postcode), postcodes)
    return [row["postcode"] for row in postcodes]


def _by_keys(rows: list[dict]) -> list[list[dict]]:
    """executemany needs the same keys in every row: group rows by their key set."""
    groups: dict[tuple, list[dict]] = {}
    for row in rows:
        groups.setdefault(tuple(sorted(row)), []).append(row)
    return list(groups.values())
