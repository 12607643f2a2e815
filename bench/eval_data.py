"""Labelled evaluation data for the matcher, with each record tagged by what makes it hard.

bench/dedupe_data.py makes the matcher's own benchmark world; this module makes copies of
that world the way London directories really differ, and tags every record with the
phenomena it carries, so quality can be reported per phenomenon (bench/evaluate.py).
Tuning uses some seeds; the report is on other seeds never looked at while tuning.

Three sources (CarePlace CSV, LVSC map, council feed) list each service 1-3 times with
no random spelling noise of their own: every difference is one of these, applied
deliberately and recorded on the record:

- ``abbreviation``: St/Street, Rd/Road, &/and, Ctr/Centre, Comm./Community in names,
  venues and addresses (either way round);
- ``typo_reorder``: a keyboard slip, or the service name's words re-ordered;
- ``patient_name``: the patient-facing name ("Knit and natter" for "Knitting group",
  "The café" for "Dementia cafe");
- ``postcode_missing``: no postcode in one source; a CarePlace row without address line 1
  (its location is named after its postcode, as the importer does) is ``venue_postcode``;
- ``postcode_wrong``: a neighbouring venue's postcode and no coordinates in one source;
- ``phone_format`` / ``no_phone``: another way of writing the number, or none at all;
- ``org_renamed``: the organisation renamed or shortened in one source;
- ``in_source_dup``: one source lists the service twice under two keys;
- ``same_id_venues``: CarePlace's one row per venue with the same service ID
  (``S12@N16AB``, ``S12@N43XY``) for a service at two venues (``multi_venue``);
- ``multi_venue``: one service at two venues, sources listing either or both;
- ``moved``: the venue moved, one source still lists the old one;
- ``near_empty``: little more than the names and one contact or place.

And two must-not-merge cases, tagged on every record of their services:

- ``same_activity_other_org``: one activity name run by different organisations at one
  venue ("Coffee morning" by two churches at one community centre);
- ``hosted_groups``: a community centre hosting many groups, each giving only its
  reception phone.

- ``numbered_branches``: one charity's shops "Thrift store #1", "#4", "#5" at different
  street addresses, every branch's location named after the chain, with the chain's one
  phone and no coordinates or postcodes (the shape of a US 211 directory);
- ``subset_names``: one organisation's two services at one venue whose names differ by a
  word ("Group counselling" / "Individual counselling"), or one named after the
  organisation itself ("Healthy Start Programme" / "Mum care programme").

These last two are made after the rest, from a separate random stream, so adding them
left every earlier record of a seed unchanged.

Each record's ``group`` names the must-not-merge case it belongs to (a venue), so a
report can count wrong merges inside each case.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import Any

from dedupe_data import (
    ACTIVITIES,
    STYLES,
    TAXONOMIES,
    Entity,
    Org,
    Place,
    World,
    _offset,
    _phone,
    _postcode,
    _typo,
)

SOURCES = ("careplace", "lvsc", "council")
PHENOMENA = (
    "abbreviation",
    "typo_reorder",
    "patient_name",
    "postcode_missing",
    "venue_postcode",
    "postcode_wrong",
    "phone_format",
    "no_phone",
    "org_renamed",
    "in_source_dup",
    "same_id_venues",
    "multi_venue",
    "moved",
    "near_empty",
)
NEGATIVES = ("same_activity_other_org", "hosted_groups", "numbered_branches", "subset_names")
TUNING_SEEDS = (1, 2, 3)
HELD_OUT_SEEDS = (101, 102, 103, 104, 105)

# (pattern, replacement) either way round; applied to a random subset.
_ABBREVIATIONS = [
    (r"\bStreet\b", "St"),
    (r"\bRoad\b", "Rd"),
    (r"\band\b", "&"),
    (r"&", "and"),
    (r"\bCentre\b", "Ctr"),
    (r"\bCentre\b", "Center"),
    (r"\bCommunity\b", "Comm."),
    (r"\bSaint\b", "St"),
    (r"\bSt\b(?= [A-Z][a-z]+'s)", "Saint"),
    (r"\bAssociation\b", "Assoc."),
    (r"\bLane\b", "Ln"),
    (r"\bGroup\b", "Grp"),
]
# Names the public uses for some activities: not the directory's formal title.
_PATIENT_NAMES = {
    "Dementia cafe": ["The café", "Memory café"],
    "Carers support group": ["Carers café", "The carers' café"],
    "Coffee morning": ["The café", "Coffee & chat"],
    "Knit and natter": ["Knitting group", "Knit & natter"],
    "Lunch club": ["Community lunch", "Friday lunch"],
    "Stay and play": ["Parent and toddler group", "Toddler group"],
    "Men's shed": ["The shed", "Men's workshop"],
    "Singing for the brain": ["Singing group"],
}
# (formal name, category, description opening) pairs one organisation runs side by side.
_SUBSET_PAIRS = [
    (("Group counselling", "mental", "Counselling in a small group"),
     ("Individual counselling", "mental", "One-to-one sessions with a counsellor")),
    (("Counselling", "mental", "Short-term counselling with qualified counsellors"),
     ("Couples counselling", "mental", "Sessions for couples working through difficulties")),
    (("ESOL classes", "learning", "English lessons for speakers of other languages"),
     ("ESOL conversation club", "learning", "Practise speaking English over a cup of tea")),
    (("Parenting course", "family", "A ten-week course for parents of young children"),
     ("Teen parenting course", "family", "A course for parents of teenagers")),
    (("Youth club", "family", "Games, sport and music for young people"),
     ("Junior youth club", "family", "Games and crafts for 8 to 11 year olds")),
]  # fmt: skip
_BRANCH_CHAINS = ("Thrift store", "Charity shop", "Furniture store", "Food pantry")
_SHORT_FORMS = ("Trust", "CIC", "Project", "Network", "Collective", "Foundation", "Branch")
_RENAMES = ("Together", "Connect", "Alliance", "Partnership")


@dataclass
class EvalRecord:
    """One source record: its service dict, the truth, and what makes it hard."""

    source: str
    key: str
    entity: str
    org: str
    service: dict[str, Any]
    tags: set[str] = field(default_factory=set)
    group: str | None = None  # the must-not-merge case (a venue) it belongs to

    @property
    def record_id(self) -> str:
        return f"{self.source}/{self.key}"


@dataclass
class EvalEntity:
    """A true service, with where it (also) runs and its entity-level phenomena."""

    entity: Entity
    places: list[Place]  # where it runs now; two for multi_venue
    old_place: Place | None = None  # before it moved
    tags: set[str] = field(default_factory=set)
    group: str | None = None


def _abbreviate(text: str, rng: random.Random) -> tuple[str, bool]:
    options = [(p, r) for p, r in _ABBREVIATIONS if re.search(p, text)]
    if not options:
        return text, False
    for pattern, replacement in rng.sample(options, min(len(options), rng.randint(1, 2))):
        text = re.sub(pattern, replacement, text, count=1)
    return text, True


def _reorder(name: str, rng: random.Random) -> str:
    words = name.split()
    if len(words) < 3:
        return _typo(name, rng)
    if " at " in name:
        what, where = name.split(" at ", 1)
        return f"{where} - {what}"
    words = words[1:] + words[:1]
    return " ".join(words)


def _renamed(org: Org, rng: random.Random) -> str:
    words = org.name.split()
    if words[-1] in _SHORT_FORMS and len(words) > 2:
        return " ".join(words[:-1])  # shortened
    if len(words) > 3:
        return " ".join(words[:3])
    return f"{org.name} {rng.choice(_RENAMES)}"  # renamed


class Generator:
    """Builds one seed's evaluation records from a dedupe_data World."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.world = World(seed)
        self.rng = random.Random(seed * 7919 + 1)
        self.records: list[EvalRecord] = []
        self.counters = {source: 0 for source in SOURCES}
        self.entities: list[EvalEntity] = []

    # ---- the true services ----------------------------------------------------------

    def _plain(self) -> list[EvalEntity]:
        world, rng = self.world, self.rng
        org = world.organisation()
        big = org.home is not None and org.charity is not None
        made = world.services(org, rng.randint(2, 6) if big else rng.randint(1, 3))
        out = []
        for entity in made:
            item = EvalEntity(entity, [entity.place])
            roll = rng.random()
            if roll < 0.10:
                other = world.venue(org.borough, 40)
                if other.name != entity.place.name:
                    item.places.append(other)
                    item.tags.add("multi_venue")
            elif roll < 0.16:
                old = world.venue(org.borough, 40)
                if old.name != entity.place.name:
                    item.old_place = old
                    item.tags.add("moved")
            out.append(item)
        return out

    def _shared_venue(self, tag: str) -> list[EvalEntity]:
        """Several organisations' services at one venue: hard negatives."""
        world, rng = self.world, self.rng
        venue = world.place(rng.choice(list(world.venues)), "", phone=True)
        area = venue.postcode.split()[0]
        venue.name = rng.choice(
            [f"{area} Community Centre", "Oasis Community Centre", "St Jude's Church Hall"]
        )
        out = []
        if tag == "same_activity_other_org":
            activity = rng.choice(ACTIVITIES)
            count = rng.randint(2, 3)
            activities = [activity] * count
        else:
            count = rng.randint(6, 12)
            activities = rng.sample(ACTIVITIES, count)
        for activity in activities:
            org = world.organisation()
            org.borough = org.borough  # the organisation's own borough; the venue is shared
            entity = world.service(f"{org.id}v", org, activity, venue)
            entity.name = activity[0]
            if tag == "hosted_groups":
                entity.phones = [venue.phone]  # reception only
            item = EvalEntity(entity, [venue], tags={tag}, group=f"{tag}:{venue.name}:{area}")
            out.append(item)
        return out

    def _branches(self) -> list[EvalEntity]:
        """One charity's numbered shops at different street addresses (must not merge)."""
        world, rng = self.world, self.rng
        org = world.organisation()
        chain = rng.choice(_BRANCH_CHAINS)
        shop = f"{org.name} {chain.lower()}s"
        out = []
        for number in rng.sample(range(1, 9), rng.randint(2, 4)):
            place = world.place(org.borough, shop)
            activity = (f"{chain} #{number}", "volunteering", f"{chain} {number}", chain)
            entity = world.service(f"{org.id}b{number}", org, activity, place)
            entity.name = f"{chain} #{number}"
            entity.phones = [org.phone]
            group = f"numbered_branches:{org.id}"
            out.append(EvalEntity(entity, [place], tags={"numbered_branches"}, group=group))
        return out

    def _subsets(self) -> list[EvalEntity]:
        """One organisation's two services at one venue, names a word apart (must not
        merge); sometimes one is named after the organisation itself."""
        world, rng = self.world, self.rng
        org = world.organisation()
        venue = org.home or world.venue(org.borough, 40)
        first, second = rng.choice(_SUBSET_PAIRS)
        if rng.random() < 0.3:  # "Healthy Start Programme" / "Mum care programme"
            first = (org.name, "health", f"The work of {org.name}")
            second = ("Mum care programme", "health", "Support for new mothers")
        out = []
        for number, (title, category, opening) in enumerate((first, second)):
            activity = (title, category, title, opening)
            entity = world.service(f"{org.id}n{number}", org, activity, venue)
            entity.name = title
            entity.phones = [org.phone]
            group = f"subset_names:{org.id}"
            out.append(EvalEntity(entity, [venue], tags={"subset_names"}, group=group))
        return out

    # ---- source copies ---------------------------------------------------------------

    def _key(self, source: str) -> str:
        self.counters[source] += 1
        return f"{source[:2]}{self.counters[source]}"

    def _location(self, place: Place, source: str, rec: EvalRecord, wrong: Place | None) -> dict:
        rng, style = self.rng, STYLES[source]
        location: dict[str, Any] = {"name": place.name} if rng.random() < 0.9 else {}
        if location and "abbreviation" in rec.tags:
            location["name"], _ = _abbreviate(place.name, rng)
        postcode = place.postcode
        coords = rng.random() < style.coords
        if wrong is not None:
            postcode, coords = wrong.postcode, False
        if coords:
            lat, lon = _offset(place.lat, place.lon, rng.uniform(*style.move), rng.uniform(0, 360))
            location["latitude"], location["longitude"] = round(lat, 6), round(lon, 6)
        if "postcode_missing" not in rec.tags:
            address = place.address
            if "abbreviation" in rec.tags:
                address, _ = _abbreviate(address, rng)
            if source == "careplace" and rng.random() < 0.15:
                rec.tags.add("venue_postcode")  # no address line 1: named after its postcode
                location["name"] = _postcode(postcode, rng).upper()
                location["addresses"] = [{"postal_code": _postcode(postcode, rng)}]
            else:
                location["addresses"] = [
                    {"address_1": address, "postal_code": _postcode(postcode, rng)}
                ]
        return location

    def _copy(
        self,
        item: EvalEntity,
        source: str,
        key: str,
        places: list[Place],
        extra: set[str] = frozenset(),  # type: ignore[assignment]
    ) -> EvalRecord:
        rng, style, entity = self.rng, STYLES[source], item.entity
        org = entity.org
        rec = EvalRecord(source, key, entity.id, org.id, {}, set(item.tags) | set(extra))
        rec.group = item.group
        for tag, chance in (
            ("abbreviation", 0.30),
            ("typo_reorder", 0.15),
            ("patient_name", 0.12 if entity.activity[0] in _PATIENT_NAMES else 0.04),
            ("postcode_missing", 0.08),
            ("postcode_wrong", 0.04),
            ("no_phone", 0.12),
            ("org_renamed", 0.06),
            ("near_empty", 0.04),
        ):
            if rng.random() < chance:
                rec.tags.add(tag)
        name = entity.name
        if "patient_name" in rec.tags:
            options = _PATIENT_NAMES.get(entity.activity[0], [entity.activity[2]])
            name = rng.choice(options)
        if "abbreviation" in rec.tags:
            name, _ = _abbreviate(name, rng)
        if "typo_reorder" in rec.tags:
            name = _typo(name, rng) if rng.random() < 0.6 else _reorder(name, rng)
        org_name = org.name
        if "org_renamed" in rec.tags:
            org_name = _renamed(org, rng)
        elif "abbreviation" in rec.tags:
            org_name, _ = _abbreviate(org_name, rng)
        organization: dict[str, Any] = {}
        if rng.random() >= style.org_missing:
            organization["name"] = org_name
        elif rng.random() < style.joined_name:
            name = f"{org_name} - {name}"
        service: dict[str, Any] = {"name": name, "organization": organization}
        rec.service = service
        near_empty = "near_empty" in rec.tags
        if near_empty:
            if rng.random() < 0.5 and "no_phone" not in rec.tags:
                service["phones"] = [{"number": _phone(entity.phones[0], rng)}]
            else:
                place = places[0]
                service["service_at_locations"] = [
                    {"location": {"addresses": [{"postal_code": place.postcode}]}}
                ]
            return rec
        service["last_modified"] = f"{entity.modified}T{rng.randint(6, 22):02d}:00:00Z"
        if org.website and rng.random() < style.website:
            organization["website"] = org.website
        if org.email and rng.random() < style.email:
            service["email"] = org.email
        if org.charity and rng.random() < style.identifiers:
            organization["organization_identifiers"] = [
                {"identifier_scheme": "GB-CHC", "identifier_type": "Charity Number",
                 "identifier": org.charity}
            ]  # fmt: skip
        if "no_phone" not in rec.tags and rng.random() < max(style.phone, 0.85):
            phones = entity.phones[:1] if source == "careplace" else entity.phones[:2]
            formatted = [_phone(number, rng) for number in phones]
            if formatted != phones:
                rec.tags.add("phone_format")
            service["phones"] = [{"number": number} for number in formatted]
        if rng.random() < style.description:
            sentences = [s.strip() + "." for s in entity.description.split(".") if s.strip()]
            if source == "lvsc":
                service["description"] = sentences[0]
            elif source == "council":
                service["description"] = " ".join(sentences[1:] + sentences[:1])
            else:
                service["description"] = entity.description
        wrong = None
        if "postcode_wrong" in rec.tags:
            wrong = self.world.venue(org.borough, 40)
            if wrong.postcode == places[0].postcode:
                wrong = None
                rec.tags.discard("postcode_wrong")
        service["service_at_locations"] = [
            {"location": self._location(place, source, rec, wrong if i == 0 else None)}
            for i, place in enumerate(places)
        ]
        term = TAXONOMIES[source][entity.activity[1]]
        service["attributes"] = [{"taxonomy_term": {"name": term, "taxonomy": source}}]
        return rec

    def _copies(self, item: EvalEntity) -> list[EvalRecord]:
        rng = self.rng
        count = rng.choices([1, 2, 3], [0.3, 0.45, 0.25])[0]
        if item.tags & {"multi_venue", "moved", "same_activity_other_org", "hosted_groups"}:
            count = max(count, 2)
        sources = sorted(rng.sample(SOURCES, count))
        out: list[EvalRecord] = []
        for source in sources:
            key = self._key(source)
            places = item.places
            if "moved" in item.tags and source == sources[0]:
                places = [item.old_place]  # type: ignore[list-item]
            if "multi_venue" in item.tags:
                if source == "careplace":  # one row per venue, the same service ID
                    for place in item.places:
                        postcode = place.postcode.replace(" ", "")
                        out.append(
                            self._copy(item, source, f"{key}@{postcode}", [place],
                                       {"same_id_venues"})
                        )  # fmt: skip
                    continue
                if source == "lvsc":
                    places = [rng.choice(item.places)]
            if source == "careplace":
                key = f"{key}@{places[0].postcode.replace(' ', '')}"
            out.append(self._copy(item, source, key, places))
            if rng.random() < 0.05 and not item.group:  # listed twice under two keys
                again = self._key(source)
                if source == "careplace":
                    again = f"{again}@{places[0].postcode.replace(' ', '')}"
                out[-1].tags.add("in_source_dup")
                out.append(self._copy(item, source, again, places, {"in_source_dup"}))
        return out

    def generate(self, n_records: int) -> list[EvalRecord]:
        while len(self.records) < n_records:
            roll = self.rng.random()
            if roll < 0.06:
                items = self._shared_venue("same_activity_other_org")
            elif roll < 0.10:
                items = self._shared_venue("hosted_groups")
            else:
                items = self._plain()
            for item in items:
                self.entities.append(item)
                self.records.extend(self._copies(item))
        # The later must-not-merge cases, from their own stream (see the module docstring).
        self.rng = random.Random(f"{self.seed}-later-cases")
        self.world.rng = random.Random(f"{self.seed}-later-world")
        for _ in range(max(2, n_records // 150)):
            later = (("numbered_branches", self._branches), ("subset_names", self._subsets))
            for tag, make in later:
                for item in make():
                    self.entities.append(item)
                    copies = self._copies(item)
                    if tag == "numbered_branches":
                        for rec in copies:
                            _street_only(rec, item.places[0].name)
                    self.records.extend(copies)
        return self.records


def _street_only(record: EvalRecord, venue: str) -> None:
    """A 211-style location: the chain's name and a street address, no postcode or pin."""
    for link in record.service.get("service_at_locations", []):
        location = link["location"]
        location.pop("latitude", None)
        location.pop("longitude", None)
        location["name"] = venue
        for address in location.get("addresses", []):
            address.pop("postal_code", None)
        location["addresses"] = [a for a in location.get("addresses", []) if a]
    record.tags.discard("venue_postcode")


def generate(seed: int, n_records: int = 1100) -> list[EvalRecord]:
    """About `n_records` labelled, tagged records for one seed (whole services)."""
    return Generator(seed).generate(n_records)
