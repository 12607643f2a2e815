"""Pair scores with their reasons: is this pair one service (or one organisation)?

A service is its organisation + what it is + where it runs, so a service score adds:

- organisation: name similarity, with strong penalties when the names each carry a word
  the other lacks ("Friends of Highbury Fields" / "Friends of Clissold Park") or name
  different boroughs ("Age UK Camden" / "Age UK Islington"). A source that leaves the
  organisation out but writes it into the service name ("Age UK Camden - Walking
  group") gets credit when all the organisation's distinctive words are there;
- activity: the service name without the organisation's words ("walking group"),
  compared whole and without form words ("bereavement group" = "bereavement support").
  Two clearly different activities of one organisation are two services, whatever
  else they share, so a clear difference outweighs all contact evidence;
- exact keys (phone, email, web/mail domain, charity and company number), each worth
  its base weight minus log2 of how many distinct services share it in the whole data
  set: a community centre's reception number shared by twenty groups is worth nothing.
  Keys are correlated (one organisation's phone, email and website move together), so
  only the strongest counts in full and the others at a quarter;
- place: distance between the nearest locations; where a record has no coordinates,
  the mean point of other records with its postcode (or district) stands in, and only
  what that uncertainty allows is counted. One organisation's walking groups in two
  parks differ only here, so being far apart is strong evidence. Venue names decide
  only when nothing better is known;
- description and taxonomy overlap: positive-only evidence (sources reword descriptions
  and use different taxonomies). The same text is strong evidence of the same service
  even under a reworded title, unless that very text is pasted into many services
  (organisation boilerplate): then it is discounted like a shared phone number.

Every contribution is recorded under its name, so a reviewer sees why a pair scored
what it did. `prune_below` lets the bulk scorer stop once even the best remaining
evidence could not lift a pair to that score; the score is then an upper bound.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from rapidfuzz import fuzz

from app.matching.config import Decision, LevelConfig, MatchConfig, OrgWeights, Weights
from app.matching.geo import Point, min_distance_m
from app.matching.names import (
    QUALIFIER_WORDS,
    boroughs_conflict,
    distinctive_words,
    has_counterpart,
    is_generic_name,
    one_sided_extra,
    shares_stem,
    words_conflict,
)
from app.matching.record import MatchRecord

Key = tuple[str, ...]
_PLACE_KEYS = ("distance", "distance_estimated", "postcode", "venue_name")
Tiers = tuple[tuple[float, float], ...]


class DatasetStats(Protocol):
    """What the scorer needs to know about the whole data set (RecordIndex provides it)."""

    def distinct(self, key: Key, level: str) -> int:
        """How many distinct services or organisations share an exact key."""
        ...

    def place_of(self, record: MatchRecord) -> tuple[tuple[Point, ...], float] | None:
        """The record's points and their uncertainty in metres, if anything is known."""
        ...


@dataclass(frozen=True, slots=True)
class PairScore:
    """Two record IDs, their score, its named contributions and the decision."""

    a: str
    b: str
    score: float
    contributions: dict[str, float]
    decision: Decision


def decide(score: float, level: LevelConfig) -> Decision:
    """Match, possible match or non-match by the level's thresholds."""
    if score >= level.match_threshold:
        return Decision.MATCH
    if score >= level.possible_threshold:
        return Decision.POSSIBLE
    return Decision.NON_MATCH


def _tier(value: float, tiers: Tiers, below: float) -> float:
    """Weight of the first (minimum, weight) tier `value` reaches, else `below`."""
    for minimum, weight in tiers:
        if value >= minimum:
            return weight
    return below


def _similarity(first: Sequence[str], second: Sequence[str]) -> float:
    """Best token_set_ratio between any name of one record and any of the other."""
    if len(first) == 1 and len(second) == 1:  # the usual case, kept cheap
        return fuzz.token_set_ratio(first[0], second[0]) if first[0] and second[0] else 0.0
    return max((fuzz.token_set_ratio(x, y) for x in first for y in second if x and y), default=0.0)


def _key_evidence(
    pairs: list[tuple[str, Key]], stats: DatasetStats, level: str, bases: dict[str, float]
) -> dict[str, float]:
    """Weights of shared keys: base - log2(sharers), strongest in full, others discounted."""
    if not pairs:
        return {}
    best: dict[str, float] = {}
    for kind, key in pairs:
        weight = max(0.0, bases[kind] - math.log2(max(1, stats.distinct(key, level))))
        best[kind] = max(best.get(kind, 0.0), weight)
    ordered = sorted(best.items(), key=lambda item: -item[1])
    factor = bases["other_keys_factor"]
    return {kind: weight * (1.0 if i == 0 else factor) for i, (kind, weight) in enumerate(ordered)}


def _shared_keys(a: MatchRecord, b: MatchRecord) -> list[tuple[str, Key]]:
    """(kind, key) of every exact key the two records share."""
    return [(key[0], key) for key in a.contact_keys & b.contact_keys]


def _organization(a: MatchRecord, b: MatchRecord, w: Weights) -> dict[str, float]:
    if a.organization and b.organization:
        similarity = _similarity(
            (a.organization, *a.org_alternate_names), (b.organization, *b.org_alternate_names)
        )
        out = {"org_name": _tier(similarity, w.org_name_tiers, w.org_name_differs)}
        if words_conflict(a.org_words, b.org_words):
            out["org_words_conflict"] = w.distinct_words_conflict
        elif one_sided_extra(a.org_words, b.org_words):
            out["org_extra_words"] = w.extra_words
        return out
    named, other = (a, b) if a.organization else (b, a)
    words = named.org_words
    if words and other.name and all(has_counterpart(word, other.name_words) for word in words):
        return {"org_in_name": w.org_in_name}
    return {}


def _activity(a: MatchRecord, b: MatchRecord, w: Weights) -> dict[str, float]:
    """What the service is; compared on whole names when either lacks an organisation."""
    both = bool(a.organization and b.organization)
    first, second = (a.activity, b.activity) if both else (a.full_name, b.full_name)
    similarity = _similarity((first, *a.alternate_names), (second, *b.alternate_names))
    if not both:  # the named side's activity against the other's whole name
        named, other = (a, b) if a.organization or not b.organization else (b, a)
        similarity = max(similarity, fuzz.token_set_ratio(named.activity, other.full_name))
    core_a, core_b = a.activity_core, b.activity_core
    if both and core_a and core_b:
        similarity = max(similarity, fuzz.token_sort_ratio(core_a, core_b))
    out = {"activity": _tier(similarity, w.activity_tiers, w.activity_differs)}
    if out["activity"] < 0:
        if is_generic_name(a.activity) or is_generic_name(b.activity):
            out["activity"] = w.activity_unnamed
        elif shares_stem(a.activity_words, b.activity_words):
            out["activity"] = max(out["activity"], w.activity_related)
        elif (
            both
            and words_conflict(a.activity_words, b.activity_words)
            and not a.activity_words & b.activity_words
        ):
            # "benefits advice" / "debt advice": alike only in a kind word, and each
            # names what the other does not: two of the provider's services, whatever its
            # phone, email and venue say (they say only whose and where)
            out["activity"] = w.activity_differs + w.activity_words_conflict
    # Names that read alike overall ("parsons green debt advice" / "parsons green housing
    # advice") but each name what the other does not are two activities.
    if both and out["activity"] > 0 and not shares_stem(a.activity_words, b.activity_words):
        if words_conflict(a.activity_words, b.activity_words):
            out["activity_words_conflict"] = w.activity_words_conflict
    if "activity_words_conflict" in out or out["activity"] < 0:
        pass
    elif both and a.named_after_org != b.named_after_org:
        named = b if a.named_after_org else a
        if named.activity_words - a.org_words - b.org_words:
            # token_set_ratio finds "programme" inside "mom care programme": no
            # agreement to keep, the names differ
            del out["activity"]
            out["activity_vs_org_name"] = w.activity_vs_org_name
    elif _qualifier(extra := _one_sided_extra_activity(a, b)):
        # "youth club" inside "junior youth club" is no agreement to keep: the extra
        # word says which of the provider's sessions (names.QUALIFIER_WORDS)
        del out["activity"]
        out["activity_qualified"] = w.activity_qualified
    elif both and extra:
        out["activity_extra_words"] = w.activity_extra_words
    elif not both and _named_after_other_org(a, b):
        # "Warm Hands Project" (no organisation given: the provider's own name) /
        # "Mum care programme" by Warm Hands Project: the flagship, not the programme
        del out["activity"]
        out["activity_vs_org_name"] = w.activity_vs_org_name
    if a.numbers and b.numbers and not a.numbers & b.numbers:
        out["number_conflict"] = w.number_conflict
    if not both:  # the organisation's words are expected to be missing on one side
        named, other = (a, b) if a.organization or not b.organization else (b, a)
        if words_conflict(named.activity_words, other.name_words):
            out["name_words_conflict"] = w.distinct_words_conflict
    if boroughs_conflict(a.boroughs, b.boroughs):
        out["borough_conflict"] = w.borough_conflict
    return out


def _qualifier(words: frozenset[str]) -> bool:
    """True if one of `words` is (a typo of) a word saying who a session is for."""
    return any(has_counterpart(word, QUALIFIER_WORDS) for word in words)


def _named_after_other_org(a: MatchRecord, b: MatchRecord) -> bool:
    """One record gives no organisation and is named after the other's organisation,
    which names a distinct activity of its own."""
    named, bare = (a, b) if a.organization else (b, a)
    if not named.organization or bare.organization or not named.activity_words:
        return False
    bare_words = frozenset(bare.name.split())
    return bool(named.org_words) and bare_words == frozenset(named.organization.split())


def _one_sided_extra_activity(a: MatchRecord, b: MatchRecord) -> frozenset[str]:
    """One side's activity has a distinctive word found nowhere in the other's names
    ("individual counseling" / "group counseling"); a mistyped generic word ("grup")
    or a word moved into the venue part ("Stepney Library telephone befriending" /
    "Telephone befriending at Stepney Library") is no extra word."""
    words_a = frozenset(a.name.split()) | a.org_words
    words_b = frozenset(b.name.split()) | b.org_words
    extra_a = frozenset(w for w in a.activity_words if not has_counterpart(w, words_b))
    extra_b = frozenset(w for w in b.activity_words if not has_counterpart(w, words_a))
    return (extra_a or extra_b) if bool(extra_a) != bool(extra_b) else frozenset()


def _contacts(a: MatchRecord, b: MatchRecord, stats: DatasetStats, w: Weights) -> dict[str, float]:
    out = _key_evidence(_shared_keys(a, b), stats, "services", w.key_bases)
    if a.charity_numbers and b.charity_numbers and not a.charity_numbers & b.charity_numbers:
        out["charity_number_differs"] = w.charity_number_differs
    return out


def distance_bounds(
    a: MatchRecord, b: MatchRecord, stats: DatasetStats
) -> tuple[float, float, bool] | None:
    """(least, greatest) plausible distance in metres between the two records' places,
    and whether both are exact points; None when either place is unknown."""
    where_a, where_b = stats.place_of(a), stats.place_of(b)
    if where_a is None or where_b is None:
        return None
    distance = min_distance_m(where_a[0], where_b[0])
    assert distance is not None
    slack = where_a[1] + where_b[1]
    return max(0.0, distance - slack), distance + slack, slack == 0


def _place(a: MatchRecord, b: MatchRecord, stats: DatasetStats, w: Weights) -> dict[str, float]:
    """Exact distance if both have points; else postcodes, then estimated distance; venue
    names only when nothing else is known."""
    bounds = distance_bounds(a, b, stats)
    out: dict[str, float] = {}
    if bounds and bounds[2]:
        out["distance"] = _distance_weight(bounds, w)
    elif a.postcodes & b.postcodes:
        out["postcode"] = w.same_postcode
    else:
        if a.postcodes and b.postcodes:
            same = bool(a.districts & b.districts)
            weight = w.different_postcode if same else w.different_district
            if not (a.points and b.points):
                # without a pin on both sides the postcode is the only claim, and a source
                # may have written a neighbouring venue's: a doubt, not another place
                weight = max(weight, w.different_postcode)
            out["postcode_differs"] = weight
        # Where postcodes differ, the distance estimated from them is the same evidence
        # again; and without a point on both sides it is a claim a source may have got
        # wrong (a neighbouring venue's postcode): it counts once, at the postcode's
        # weight, not as a measured distance.
        estimate = _distance_weight(bounds, w) if bounds and not out else 0.0
        if estimate:
            out["distance_estimated"] = estimate
    if a.location_names and b.location_names:
        # A location named after the organisation says whose premises, not which:
        # its words are no venue conflict (the postcode or the pin tells the place).
        venues_a = _venue_words(a) - b.org_words
        venues_b = _venue_words(b) - a.org_words
        if words_conflict(venues_a, venues_b):
            out["venue_conflict"] = w.venue_conflict
        elif not out and _same_venue(a, b, w):
            out["venue_name"] = w.venue_name
    return out


def _venue_words(record: MatchRecord) -> frozenset[str]:
    """Distinctive words of the record's venue names, without its organisation's."""
    return frozenset().union(*map(distinctive_words, record.location_names)) - record.org_words


def _same_venue(a: MatchRecord, b: MatchRecord, w: Weights) -> bool:
    """The same venue by name: near-exact names with a distinctive word and no differing
    numbers ("Thrift store 1" / "Thrift store 4" are two shops)."""
    if not a.location_names or not b.location_names:
        return False
    if _similarity(tuple(a.location_names), tuple(b.location_names)) < w.venue_name_similarity:
        return False
    words_a = frozenset().union(*map(distinctive_words, a.location_names))
    numbers_a = {x for name in a.location_names for x in name.split() if x.isdigit()}
    numbers_b = {x for name in b.location_names for x in name.split() if x.isdigit()}
    return bool(words_a) and not (numbers_a and numbers_b and not numbers_a & numbers_b)


def _distance_weight(bounds: tuple[float, float, bool], w: Weights) -> float:
    """Near weight if even the greatest plausible distance is near; far weight if even
    the least plausible distance is far; else nothing."""
    least, greatest, _ = bounds
    near = next((v for metres, v in w.distance_near if greatest <= metres), None)
    return near if near is not None else next((v for m, v in w.distance_far if least > m), 0.0)


def _text_evidence(
    a: MatchRecord, b: MatchRecord, stats: DatasetStats, w: Weights
) -> dict[str, float]:
    """Description similarity (the same text counts most, less when that very text is
    pasted into many services: organisation boilerplate) and taxonomy overlap."""
    out: dict[str, float] = {}
    if a.description and b.description:
        similarity = fuzz.token_set_ratio(a.description, b.description)
        shorter = min(a.description.count(" "), b.description.count(" ")) + 1
        if similarity >= w.same_description and shorter >= w.same_description_words:
            weight = w.same_description_weight
            if a.description == b.description:
                sharers = stats.distinct(("description", a.description), "services")
                weight = max(0.0, weight - math.log2(max(1, sharers)))
            out["description"] = weight
        elif weight := _tier(similarity, w.description_tiers, 0.0):
            out["description"] = weight
    if a.taxonomy & b.taxonomy:
        out["taxonomy"] = w.taxonomy_overlap
    return out


def score_services(
    a: MatchRecord,
    b: MatchRecord,
    stats: DatasetStats,
    config: MatchConfig,
    prune_below: float | None = None,
) -> PairScore:
    """Score whether two records describe one service (see the module docstring)."""
    w = config.weights
    if a.source == b.source and a.service_id == b.service_id and a.key != b.key:
        contributions = {"same_source_service_id": w.same_source_service_id}
        total = w.same_source_service_id
        return PairScore(
            a.record_id, b.record_id, total, contributions, decide(total, config.services)
        )
    after_names, after_place = w.remaining_bounds
    contributions = _contacts(a, b, stats, w) | _organization(a, b, w) | _activity(a, b, w)
    if _worth_going_on(contributions, after_names, prune_below):
        contributions |= _place(a, b, stats, w)
        place_lift = max(0.0, w.place_explained - _place_penalty(contributions))
        if _worth_going_on(contributions, after_place + place_lift, prune_below):
            contributions |= _text_evidence(a, b, stats, w)
            _explain_differences(a, b, contributions, w)
    if a.source == b.source and not any(contributions.get(k, 0) > 0 for k in _PLACE_KEYS):
        if "place_explained" not in contributions:
            placed = (a.points or a.postcodes) and (b.points or b.postcodes)
            contributions["same_source_unplaced"] = (
                w.same_source_unplaced if placed else w.same_source_place_unknown
            )
    total = round(sum(contributions.values()), 3)
    return PairScore(a.record_id, b.record_id, total, contributions, decide(total, config.services))


_PLACE_PENALTIES = ("distance", "distance_estimated", "postcode_differs", "venue_conflict")


def _place_penalty(contributions: dict[str, float]) -> float:
    """The place evidence against, summed (0 when none)."""
    return sum(min(0.0, contributions.get(key, 0.0)) for key in _PLACE_PENALTIES)


def _explain_differences(
    a: MatchRecord, b: MatchRecord, contributions: dict[str, float], w: Weights
) -> None:
    """Lift a clear difference of place or of title that the rest explains, in place.

    Only where the organisation agrees and the description is the provider's same text
    (one service at two venues, one that moved, a patient-facing title), or, for place,
    where the venue's name agrees (a wrong postcode in one source).
    """
    org = contributions.get("org_name", contributions.get("org_in_name", 0.0))
    if org < 2.5 or "org_words_conflict" in contributions or "borough_conflict" in contributions:
        return
    same_text = contributions.get("description", 0.0) >= w.same_description_weight
    activity = contributions.get("activity", 0.0)
    place = _place_penalty(contributions)
    if (
        activity < w.activity_explained
        and same_text
        and place == 0
        and any(contributions.get(key, 0) > 0 for key in ("postcode", "distance", "venue_name"))
    ):
        contributions["activity_explained"] = w.activity_explained - activity
        activity = w.activity_explained
    if place < w.place_explained and activity >= 1.5 and "number_conflict" not in contributions:
        if _same_venue_words(a, b):
            contributions["place_explained"] = w.place_explained - place


def _same_venue_words(a: MatchRecord, b: MatchRecord) -> bool:
    """Both name their venue, with the same distinctive words (a typo allowed)."""
    if not a.location_names or not b.location_names:
        return False
    words_a = frozenset().union(*map(distinctive_words, a.location_names))
    words_b = frozenset().union(*map(distinctive_words, b.location_names))
    return (
        bool(words_a)
        and bool(words_b)
        and not (one_sided_extra(words_a, words_b) or words_conflict(words_a, words_b))
        and _similarity(tuple(a.location_names), tuple(b.location_names)) >= 90
    )


def _worth_going_on(
    contributions: dict[str, float], remaining: float, prune_below: float | None
) -> bool:
    """False (noting the bound) when even `remaining` more could not reach prune_below."""
    if prune_below is None or sum(contributions.values()) + remaining >= prune_below:
        return True
    contributions["pruned_upper_bound"] = remaining
    return False


def _org_identifiers(a: MatchRecord, b: MatchRecord, w: OrgWeights) -> dict[str, float]:
    out: dict[str, float] = {}
    for kind, first, second, weight in (
        ("charity_number", a.charity_numbers, b.charity_numbers, w.charity_number),
        ("company_number", a.company_numbers, b.company_numbers, w.company_number),
    ):
        if first and second:
            out[kind] = weight if first & second else w.identifier_differs
    return out


def _org_place(a: MatchRecord, b: MatchRecord, stats: DatasetStats, w: OrgWeights) -> float:
    """One organisation's services lie close together; the same name far apart is
    usually another organisation (there are many St Mary's churches)."""
    bounds = distance_bounds(a, b, stats)
    if bounds is None:
        return 0.0
    least, greatest, _ = bounds
    if greatest <= w.near_m:
        return w.near
    return next((v for metres, v in w.distance_far if least > metres), 0.0)


def score_organizations(
    a: MatchRecord, b: MatchRecord, stats: DatasetStats, config: MatchConfig
) -> PairScore:
    """Score whether two records' organisations are one organisation."""
    w = config.org_weights
    similarity = _similarity(
        (a.organization, *a.org_alternate_names), (b.organization, *b.org_alternate_names)
    )
    contributions = {"org_name": _tier(similarity, w.name_tiers, w.name_differs)}
    if words_conflict(a.org_words, b.org_words):
        contributions["org_words_conflict"] = w.distinct_words_conflict
    elif one_sided_extra(a.org_words, b.org_words):
        contributions["org_extra_words"] = w.extra_words
    if boroughs_conflict(a.org_boroughs, b.org_boroughs):
        contributions["borough_conflict"] = w.borough_conflict
    contributions |= _org_identifiers(a, b, w)
    bases = {"phone": w.phone, "email": w.email, "domain": w.domain}
    bases["other_keys_factor"] = w.other_keys_factor
    shared = [pair for pair in _shared_keys(a, b) if pair[0] in bases]
    contributions |= _key_evidence(shared, stats, "organizations", bases)
    place = _org_place(a, b, stats, w)
    if place:
        contributions["distance"] = place
    total = round(sum(contributions.values()), 3)
    return PairScore(
        a.record_id, b.record_id, total, contributions, decide(total, config.organizations)
    )
