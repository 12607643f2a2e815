"""RecordIndex: every record, its blocks, and how widely each exact key is shared.

Built once for a full run and updated in place for incremental runs, so an update costs
time proportional to the records changed, not to the data set. Records live in a list
(positions are cheap to store in blocks and to send to worker processes); a removed
record leaves a hole rather than renumbering the rest.

What the index works out from its records depends only on which records it holds, not on
the order they came in: key sharing is counted over a block's members in record ID order,
and postcode centroids are sums of whole 1e-7 degrees (floats summed in another order
differ in their last bits). So an index updated in place equals one built from scratch,
and an index holding only the records a change touches (app.dedupe) can be given the
counts and sums the whole data set has.

Key sharing is counted as *distinct* services and organisations, not records: one
walking group listed by four sources is one user of its phone number; a community
centre's number used by twenty groups has twenty. Distinctness is decided greedily by
name similarity (token_sort_ratio >= 85, which does not treat "coffee morning" as the
same as "st johns coffee morning", so shared keys are, if anything, over-counted and
under-weighted: the safe side) and, for services, place: one organisation's walking
groups in two parks are two users of its phone number.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, TypeVar

from rapidfuzz import fuzz

from app.matching.blocking import Key, block_keys, exact_keys, lookup_keys, sort_name
from app.matching.geo import Point, min_distance_m
from app.matching.record import MatchRecord

if TYPE_CHECKING:
    from app.matching.config import MatchConfig

LEVELS = ("services", "organizations")
_SAME_NAME = 85
_MAX_DISTINCT = 64
_SAME_PLACE_M = 1000.0
T = TypeVar("T")
DEGREE_UNITS = 10_000_000  # centroid sums are kept in whole 1e-7 degrees (about 1 cm)


def _same(name: str, points: tuple[Point, ...], other: tuple[str, tuple[Point, ...]]) -> bool:
    """One service: alike names, and places (when both are known) within a kilometre."""
    if fuzz.token_sort_ratio(name, other[0]) < _SAME_NAME:
        return False
    distance = min_distance_m(points, other[1])
    return distance is None or distance <= _SAME_PLACE_M


def name_window(ordered: Sequence[tuple[str, T]], probe: tuple[str, T], width: int) -> list[T]:
    """The members of a block sorted by (sort name, position) that sit nearest to `probe`:
    `width` before it and `width` + 1 from it on (the probe itself, when a member)."""
    at = bisect_left(ordered, probe)  # type: ignore[arg-type]
    return [member for _, member in ordered[max(0, at - width) : at + width + 1]]


def centroid_point(record: MatchRecord) -> tuple[int, int] | None:
    """The record's point in DEGREE_UNITS if it gives exactly one (only then does it say
    where its postcode is)."""
    if len(record.points) != 1:
        return None
    lat, lon = record.points[0]
    return round(lat * DEGREE_UNITS), round(lon * DEGREE_UNITS)


def centroid_areas(record: MatchRecord) -> list[str]:
    """The postcodes and districts whose centroids the record's point counts towards."""
    return [*record.postcodes, *record.districts]


class RecordIndex:
    """All current records with their blocks per level and key-sharing counts."""

    def __init__(self, config: MatchConfig) -> None:
        self.config = config
        self.records: list[MatchRecord | None] = []
        self.positions: dict[str, int] = {}
        self.blocks: dict[str, dict[Key, list[int]]] = {level: {} for level in LEVELS}
        self._distinct: dict[tuple[Key, str], int] = {}
        self._sorted: dict[tuple[str, Key], list[tuple[str, int]]] = {}
        # Blocks that outgrew block_max: they say nothing, so their members are not kept.
        self._overflow: dict[str, set[Key]] = {level: set() for level in LEVELS}
        # Postcode / district -> [sum of latitudes, sum of longitudes, count] of records
        # that give both a single point and the postcode: a geocoder learnt from the data.
        # Sums in DEGREE_UNITS, so they are exact whatever the order records come in.
        self._centroids: dict[str, list[int]] = {}

    @classmethod
    def build(cls, records: Iterable[MatchRecord], config: MatchConfig) -> RecordIndex:
        """Index `records`; a later record with the same ID replaces an earlier one."""
        index = cls(config)
        index.upsert(records)
        return index

    def __len__(self) -> int:
        return len(self.positions)

    def get(self, record_id: str) -> MatchRecord:
        """The current record with this ID (KeyError if there is none)."""
        record = self.records[self.positions[record_id]]
        assert record is not None
        return record

    def __contains__(self, record_id: object) -> bool:
        return record_id in self.positions

    def ids(self) -> list[str]:
        """IDs of all current records."""
        return list(self.positions)

    def names_organization(self, record_id: str) -> bool:
        """Whether a current record names its organisation (only those are matched as
        organisations; the others join their service cluster's)."""
        return record_id in self and bool(self.get(record_id).organization)

    def require(self, record_ids: Iterable[str]) -> None:
        """Records an incremental run is about to read, with the counts and centroids
        their scores need. This index holds every record already; one holding only the
        records a change touches (app.dedupe.StoredIndex) loads them here."""

    def upsert(self, records: Iterable[MatchRecord]) -> list[str]:
        """Add new records and replace changed ones; return their IDs."""
        changed = []
        for record in records:
            position = self.positions.get(record.record_id)
            if position is None:
                position = len(self.records)
                self.records.append(record)
                self.positions[record.record_id] = position
            else:
                self._unfile(position)
                self.records[position] = record
            self._file(position)
            changed.append(record.record_id)
        return changed

    def remove(self, record_ids: Iterable[str]) -> None:
        """Drop records (unknown IDs are ignored)."""
        for record_id in record_ids:
            position = self.positions.pop(record_id, None)
            if position is not None:
                self._unfile(position)
                self.records[position] = None

    def filed_keys(self, level: str, record: MatchRecord) -> list[Key]:
        """The blocks this index keeps `record` in at `level`: all its block keys (an
        index that only counts key sharing keeps fewer)."""
        return block_keys(level, record)

    def _file(self, position: int) -> None:
        record = self.records[position]
        assert record is not None
        largest = self.config.block_max
        for level in LEVELS:
            blocks, overflow = self.blocks[level], self._overflow[level]
            for key in self.filed_keys(level, record):
                if key in overflow:
                    continue
                members = blocks.setdefault(key, [])
                members.append(position)
                ordered = self._sorted.get((level, key))
                if ordered is not None:  # keep a sorted large block sorted
                    insort(ordered, (sort_name(level, record), position))
                if len(members) > largest:
                    overflow.add(key)
                    del blocks[key]
                    self._sorted.pop((level, key), None)
        for key in exact_keys(record):
            for level in LEVELS:
                self._distinct.pop((key, level), None)
        self._count_place(record, 1)

    def _unfile(self, position: int) -> None:
        record = self.records[position]
        assert record is not None
        for level in LEVELS:
            for key in self.filed_keys(level, record):
                members = self.blocks[level].get(key, [])
                if position in members:
                    members.remove(position)
                if not members:
                    self.blocks[level].pop(key, None)
                ordered = self._sorted.get((level, key))
                if ordered is not None:
                    at = bisect_left(ordered, (sort_name(level, record), position))
                    if at < len(ordered) and ordered[at][1] == position:
                        del ordered[at]
        for key in exact_keys(record):
            for level in LEVELS:
                self._distinct.pop((key, level), None)
        self._count_place(record, -1)

    def _count_place(self, record: MatchRecord, sign: int) -> None:
        point = centroid_point(record)
        if point is None:
            return
        for area in centroid_areas(record):
            sums = self._centroids.setdefault(area, [0, 0, 0])
            sums[0] += sign * point[0]
            sums[1] += sign * point[1]
            sums[2] += sign

    def place_of(self, record: MatchRecord) -> tuple[tuple[Point, ...], float] | None:
        """Where a record is, with an uncertainty in metres: its own points (0), else the
        mean point of other records with its postcode (300) or district (3000)."""
        if record.points:
            return record.points, 0.0
        for areas, uncertainty in ((record.postcodes, 300.0), (record.districts, 3000.0)):
            points = []
            for area in sorted(areas):
                sums = self._centroids.get(area)
                if sums and sums[2] > 0:
                    count = sums[2] * DEGREE_UNITS
                    points.append((sums[0] / count, sums[1] / count))
            if points:
                return tuple(points), uncertainty
        return None

    def distinct(self, key: Key, level: str) -> int:
        """How many distinct services (or organisations) use this exact key (at least 1)."""
        cached = self._distinct.get((key, level))
        if key in self._overflow["services"]:
            return _MAX_DISTINCT
        if cached is None:
            members = self.blocks["services"].get(key, [])
            if key[0] == "description":
                cached = self._count_per_source(members)
            else:
                cached = self._count_distinct(members, level)
            self._distinct[(key, level)] = cached
        return cached

    def _count_per_source(self, members: list[int]) -> int:
        """How many times one source uses a description text: a text one source pastes
        into several services is boilerplate; the same text from several sources is one
        service's own words, however its title is written."""
        sources = Counter(self.records[p].source for p in members)  # type: ignore[union-attr]
        return max(sources.values(), default=1)

    def _count_distinct(self, members: list[int], level: str) -> int:
        """Greedy count of distinct services (name and place) or organisations (name)
        among the records holding a key."""
        if len(members) <= 1:
            return 1
        records = sorted(
            (self.records[p] for p in members),
            key=lambda record: record.record_id,  # type: ignore[union-attr]
        )
        seen: list[tuple[str, tuple[Point, ...]]] = []
        for record in records:
            assert record is not None
            if level == "organizations":
                name, points = record.organization or record.full_name, ()
            else:
                name, points = record.full_name, record.points
            if not any(_same(name, points, other) for other in seen):
                seen.append((name, points))
                if len(seen) >= _MAX_DISTINCT:
                    break
        return max(1, len(seen))

    def candidates(self, level: str, position: int) -> set[int]:
        """Positions worth comparing with the record at `position` (never itself).

        Blocks up to `block_cap` give all their members; up to `block_max`, the
        `block_window` members either side in name order; larger blocks nothing.
        """
        record = self.records[position]
        assert record is not None
        cap, largest = self.config.block_cap, self.config.block_max
        found: set[int] = set()
        blocks = self.blocks[level]
        for key in lookup_keys(level, record):
            members = blocks.get(key)
            if not members:
                continue
            if len(members) <= cap:
                found.update(members)
            elif len(members) <= largest:
                found.update(self._window(level, key, record, position))
        found.discard(position)
        return found

    def _window(self, level: str, key: Key, record: MatchRecord, position: int) -> list[int]:
        """The block's members nearest to `record` in name order."""
        ordered = self._sorted.get((level, key))
        if ordered is None:
            ordered = sorted(
                (sort_name(level, self.records[p]), p)  # type: ignore[arg-type]
                for p in self.blocks[level][key]
            )
            self._sorted[(level, key)] = ordered
        return name_window(ordered, (sort_name(level, record), position), self.config.block_window)

    def prepare(self) -> None:
        """Sort every large block now, so forked workers share the work instead of
        repeating it."""
        cap, largest = self.config.block_cap, self.config.block_max
        for level in LEVELS:
            for key, members in self.blocks[level].items():
                if cap < len(members) <= largest and (level, key) not in self._sorted:
                    self._sorted[(level, key)] = sorted(
                        (sort_name(level, self.records[p]), p)  # type: ignore[arg-type]
                        for p in members
                    )
