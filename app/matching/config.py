"""Every threshold and weight of the matcher, in one place, with the reason for each.

Scores are sums of evidence in rough log-odds units: about +1 for "a little more likely
the same", +4 for "very likely the same", negative for evidence of difference. A pair is
a *match* at `match_threshold`, a *possible match* (shown for human review, never merged
automatically) from `possible_threshold`, otherwise a *non-match*. Precision matters more
than recall (a wrong merge hides a service; a missed one shows it twice), so
disagreement weighs more than agreement.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property


class Decision(StrEnum):
    """What a pair score means: merge, show a reviewer, or leave apart."""

    MATCH = "match"
    POSSIBLE = "possible"
    NON_MATCH = "non-match"


@dataclass(frozen=True)
class Weights:
    """Evidence weights. Name similarity is rapidfuzz's 0-100 token_set_ratio."""

    # Name tiers: (minimum similarity, weight), checked from the top; below all: `*_differs`.
    org_name_tiers: tuple[tuple[float, float], ...] = ((97, 3.0), (90, 2.5), (80, 1.0), (65, -1.0))
    org_name_differs: float = -4.0
    activity_tiers: tuple[tuple[float, float], ...] = ((95, 2.5), (85, 1.5), (70, -1.5))
    activity_differs: float = -5.0
    distinct_words_conflict: float = -3.0  # "Friends of Highbury Fields" / "... Clissold Park"
    extra_words: float = -1.5  # "Brentford Women's Group" / "Ghanaian Women's Group Brentford"
    borough_conflict: float = -5.0  # "Age UK Camden" / "Age UK Islington"
    # Exact keys: base weight minus log2(how many distinct services/organisations share the
    # key), so a community centre's phone, shared by twenty groups, counts for nothing.
    phone: float = 4.0
    email: float = 4.0
    domain: float = 3.0
    charity_number: float = 3.0
    company_number: float = 3.0
    charity_number_differs: float = -4.0  # two registered charities are two organisations
    other_keys_factor: float = 0.25  # keys after the strongest: correlated, so discounted
    # Place: (metres, weight) tiers. Near counts when even the greatest plausible distance
    # is within the tier; far when even the least plausible distance is beyond it.
    distance_near: tuple[tuple[float, float], ...] = ((150, 1.5), (500, 1.0))
    # A service is where it runs: one organisation's walking groups in two parks differ
    # only here, so being clearly apart outweighs all organisation-level evidence.
    distance_far: tuple[tuple[float, float], ...] = ((5000, -10.0), (1500, -7.0), (800, -4.0))
    same_postcode: float = 1.5
    different_postcode: float = -2.5  # a venue has one postcode
    different_district: float = -4.5
    # A source listing the same thing twice is usually listing two places or times:
    # its own two records count as one only where the place agrees too.
    same_source_unplaced: float = -6.0
    # ... but a record giving no place at all (a near-empty listing) is no sign of a
    # second place, only of a thin record.
    same_source_place_unknown: float = -2.0
    venue_name: float = 1.0  # only when coordinates and postcodes say nothing
    venue_conflict: float = -2.0  # "Highbury Library" / "Holloway Community Centre"
    org_in_name: float = 2.5  # the organisation written into the other's service name
    description_tiers: tuple[tuple[float, float], ...] = ((90, 1.5), (75, 0.5))
    # The same text (one copy may be a shorter extract) of some length: sources copy the
    # provider's own words, which name what the service is even when titles differ.
    same_description: float = 96
    same_description_words: int = 8
    same_description_weight: float = 3.0
    taxonomy_overlap: float = 0.5
    # A source's own service ID on two of its records (CarePlace's one row per venue,
    # "S12@N16AB" and "S12@N43XY") says they are one service: HSDS's one service at
    # several service_at_locations. Decisive; only a reviewer's cannot_link splits them.
    same_source_service_id: float = 20.0
    # Patient-facing and formal names ("Knit and natter" / "Knitting group") keep a key
    # word in some form: the activity is then not "clearly different", only unproven.
    activity_related: float = -0.5
    # A placeholder name ("The cafe", "Drop-in") is no clear difference, only unproven.
    activity_unnamed: float = -1.5
    # Different titles but the provider's same text, at the same place, by the same
    # organisation: one service under a patient-facing name ("Memory cafe" for
    # "Dementia cafe"). Capped, not cancelled: the names still disagree.
    activity_explained: float = -1.0
    # "Healthy Start Program" (the organisation's own name) / "Mom Care Program": a
    # service named after its organisation is its flagship, not the named one.
    activity_vs_org_name: float = -3.0
    # "Group counseling" / "Individual counseling": one name's extra distinctive word
    # names another service of the same kind (unless the text says otherwise).
    activity_extra_words: float = -2.5
    # "Junior youth club" / "Youth club", "Individual" / "Couples counselling": the extra
    # word says who the session is for, so one provider's two sessions, whatever its
    # phone, email and venue say (they say only whose and where).
    activity_qualified: float = -8.0
    # "Benefits advice" / "Debt advice": each names what the other does not.
    activity_words_conflict: float = -3.0
    # "Thrift store #1" / "Thrift store #4": numbered branches of one chain share its
    # phone, email, text and even its venue name; only the number and address differ.
    number_conflict: float = -10.0
    # A clear place difference is capped here when the rest says one service: the
    # provider's same text (a service at two venues, or one that moved, copied from
    # one description) or the same venue name (a wrong postcode in one source).
    place_explained: float = -1.5
    venue_name_similarity: float = 97  # the venue name as place evidence: near-exact only

    @cached_property
    def key_bases(self) -> dict[str, float]:
        """Base weight per exact-key kind, and the factor for keys after the strongest."""
        return {
            "phone": self.phone,
            "email": self.email,
            "domain": self.domain,
            "charity_number": self.charity_number,
            "company_number": self.company_number,
            "other_keys_factor": self.other_keys_factor,
        }

    @cached_property
    def remaining_bounds(self) -> tuple[float, float]:
        """Most that place + text, and text alone, can add to a service score: the bulk
        scorer stops early when even that could not reach the score it needs."""
        place = max(self.distance_near[0][1], self.same_postcode, self.venue_name)
        text = max(self.same_description_weight, self.description_tiers[0][1])
        # Explained differences of activity are lifted after the text is known.
        lift = self.activity_explained - self.activity_differs
        return place + text + self.taxonomy_overlap + lift, text + self.taxonomy_overlap + lift


@dataclass(frozen=True)
class OrgWeights:
    """Evidence that two records name the same organisation (whatever the service)."""

    name_tiers: tuple[tuple[float, float], ...] = ((97, 4.0), (90, 3.0), (80, 1.0), (65, -1.0))
    name_differs: float = -4.0
    distinct_words_conflict: float = -3.0
    extra_words: float = -1.5
    borough_conflict: float = -5.0
    phone: float = 3.0
    email: float = 3.0
    domain: float = 3.0
    charity_number: float = 5.0
    company_number: float = 5.0
    identifier_differs: float = -6.0
    other_keys_factor: float = 0.25
    near_m: float = 3000.0
    near: float = 0.5
    distance_far: tuple[tuple[float, float], ...] = ((8000, -4.0), (4000, -2.0))


@dataclass(frozen=True)
class LevelConfig:
    """Decision thresholds and clustering guards for one level (services or organisations)."""

    match_threshold: float
    possible_threshold: float
    # Two records of one source with different keys are merged only at this score: sources
    # do list one service twice, but far more often list two similar services. None: no
    # such rule (a source lists many services of one organisation).
    same_source_threshold: float | None
    # Merging two clusters needs every cross pair at or above this (no strong negative
    # evidence) and their average at or above average_threshold: A~B and B~C never drag
    # in a C that clearly differs from A.
    cluster_floor: float
    average_threshold: float
    max_cluster_size: int
    # A record matching, within this margin, two records that clearly differ (their own
    # pair scores below ambiguity_conflict) is ambiguous and merged with neither (it is
    # left for review); None switches the check off.
    ambiguity_margin: float | None
    ambiguity_conflict: float = -1.0


@dataclass(frozen=True)
class MatchConfig:
    """Thresholds, weights and blocking limits; defaults tuned on bench/dedupe_data.py and
    bench/evaluate.py's tuning seeds (1-3), never on its held-out ones."""

    services: LevelConfig = LevelConfig(
        match_threshold=5.0,
        possible_threshold=2.0,
        # A directory lists one service twice often enough (issue #18: at 10 such
        # duplicates stayed apart, and a cluster refused the record joining two of them).
        same_source_threshold=6.0,
        cluster_floor=0.0,
        average_threshold=4.0,
        max_cluster_size=40,
        # 1 (was 2): a thin listing a little likelier one service than another was left
        # apart too often (tuning seeds: recall 0.933 -> 0.936, no must-not pair merged).
        ambiguity_margin=1.0,
    )
    # One organisation runs many services, listed by one source under many keys, so no
    # same-source rule; its records need not all resemble each other strongly (services
    # at far-apart venues), only none may clearly differ.
    organizations: LevelConfig = LevelConfig(
        match_threshold=4.5,
        possible_threshold=2.0,
        same_source_threshold=None,
        cluster_floor=0.0,
        average_threshold=2.0,
        max_cluster_size=400,
        ambiguity_margin=None,
    )
    weights: Weights = field(default_factory=Weights)
    org_weights: OrgWeights = field(default_factory=OrgWeights)
    block_cap: int = 20  # blocks up to this size: every pair is compared
    block_window: int = 3  # larger blocks: each record meets this many neighbours each side
    block_max: int = 2000  # blocks larger than this say nothing (a borough, "group")
    workers: int = 2  # processes scoring candidate pairs in a full run

    def level(self, name: str) -> LevelConfig:
        """The LevelConfig of "services" or "organizations"."""
        return self.services if name == "services" else self.organizations
