"""StoredIndex: the part of the matcher's index an incremental run reads, from the database.

An incremental run (app.matching.match_incremental) compares the changed records with
their candidates and re-clusters the clusters they touch. Its answers depend on the rest
of the data only through what the index works out from all records: which records share
a block (and, in a large block, which are nearest in name order), how widely an exact
key is shared, and where a postcode's records are. match_key and match_summary
(app.dedupe.summaries) hold exactly that for every active record, so this index reads:

- the changed records, and for each the candidates a full index would give it (block
  sizes and name order from match_key, the same window rule: `name_window`);
- the records of the clusters the run re-clusters, when it asks for them (`require`);
- for every record it scores, all records sharing one of its exact keys (key sharing is
  counted over them), and the centroid sums of its postcode and district.

The result is the one an index of every active record gives (tests/dedupe/
test_incremental.py holds it to that), in time that grows with the change, not the data.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from app.dedupe.state import State
from app.dedupe.summaries import (
    block_members,
    block_sizes,
    centroid_sums,
    key_hash,
    read_summarised,
    sorted_blocks,
)
from app.matching import MatchConfig, MatchRecord, RecordIndex
from app.matching.blocking import Key, exact_keys, lookup_keys, sort_name
from app.matching.index import LEVELS, centroid_areas, name_window


class StoredIndex(RecordIndex):
    """The records an incremental run touches, with what every record says about them."""

    def __init__(self, session: Session, state: State, config: MatchConfig) -> None:
        super().__init__(config)
        self.session = session
        self.state = state
        self._by_row = state.by_record_id()
        self._chosen: dict[tuple[str, str], set[str]] = {}  # (level, match ID) -> candidates
        self._counted: set[Key] = set()  # exact keys whose every record is here
        self._located: set[str] = set()  # postcodes and districts with their sums read

    def add_changed(self, records: list[MatchRecord]) -> None:
        """Index the changed records (their keys already written to match_key) with their
        candidates at both levels and what scoring them needs."""
        self.upsert(records)
        for level in LEVELS:
            self._choose(level, records)
        chosen = {m for candidates in self._chosen.values() for m in candidates}
        self._read(chosen)
        self._locate([*records, *(self.get(m) for m in chosen)])
        self._count_keys(records)

    def require(self, record_ids: Iterable[str]) -> None:
        """Read the active ones of these records, and all that sharing their exact keys."""
        wanted = [m for m in record_ids if m in self.state.records]
        self._read(m for m in wanted if self.state.records[m].active)
        records = [self.get(m) for m in wanted if m in self]
        self._locate(records)
        self._count_keys(records)

    def candidates(self, level: str, position: int) -> set[int]:
        """The positions of the candidates `add_changed` chose for a changed record."""
        record = self.records[position]
        assert record is not None
        return {self.positions[m] for m in self._chosen[(level, record.record_id)]}

    def names_organization(self, record_id: str) -> bool:
        stored = self.state.records.get(record_id)
        return stored is not None and stored.active and stored.names_organization

    def distinct(self, key: Key, level: str) -> int:
        if key not in self._counted:
            raise LookupError(f"key sharing of {key!r} asked before its records were read")
        return super().distinct(key, level)

    def filed_keys(self, level: str, record: MatchRecord) -> list[Key]:
        """Only the blocks whose sharing is counted (`distinct`): match_key stands in for
        the others."""
        if level != "services":
            return []
        return [key for key in exact_keys(record) if key[0] != "postcode"]

    def _count_place(self, record: MatchRecord, sign: int) -> None:
        """Nothing: the centroid sums come whole from the database (`_locate`)."""

    # -- reading ---------------------------------------------------------------------

    def _choose(self, level: str, records: list[MatchRecord]) -> None:
        """Each record's candidates, as RecordIndex.candidates would choose them from an
        index of every active record (positions there follow source_record.id)."""
        probes = {
            r.record_id: [key_hash(level, key) for key in lookup_keys(level, r)] for r in records
        }
        sizes = block_sizes(self.session, (h for hashes in probes.values() for h in hashes))
        cap, largest = self.config.block_cap, self.config.block_max
        blocks = sorted_blocks(self.session, (h for h, n in sizes.items() if n <= largest))
        for record in records:
            own_id = self.state.records[record.record_id].id
            found: set[str] = set()
            for h in probes[record.record_id]:
                ordered = blocks.get(h)
                if not ordered:
                    continue
                if len(ordered) <= cap:
                    found.update(row_id for _, row_id in ordered)
                else:
                    probe = (sort_name(level, record), own_id)
                    found.update(name_window(ordered, probe, self.config.block_window))
            found.discard(own_id)
            self._chosen[(level, record.record_id)] = {self._by_row[r].match_id for r in found}

    def _read(self, match_ids: Iterable[str]) -> None:
        """Index these records if they are not yet."""
        missing = [self.state.records[m] for m in set(match_ids) if m not in self]
        if missing:
            found = read_summarised(self.session, missing)
            if len(found) < len(missing):  # update_summaries wrote every active record's
                raise LookupError("an active record has no match summary")
            self.upsert(found.values())

    def _count_keys(self, records: list[MatchRecord]) -> None:
        """Read every record sharing an exact key of these (key sharing is counted over
        them); a block too large to keep counts as widely shared, as in RecordIndex."""
        keys = {
            key for record in records for key in exact_keys(record) if key[0] != "postcode"
        } - self._counted
        if not keys:
            return
        hashes = {key_hash("services", key): key for key in keys}
        sizes = block_sizes(self.session, hashes)
        for h, size in sizes.items():
            if size > self.config.block_max:
                self._overflow["services"].add(hashes[h])
                self.blocks["services"].pop(hashes[h], None)
                self._sorted.pop(("services", hashes[h]), None)
        small = [h for h, size in sizes.items() if size <= self.config.block_max]
        members = block_members(self.session, small)
        self._read(self._by_row[row_id].match_id for row_id in members)
        self._counted |= keys

    def _locate(self, records: list[MatchRecord]) -> None:
        """The centroid sums of the postcodes and districts of records without a point."""
        areas = {area for r in records if not r.points for area in centroid_areas(r)}
        areas -= self._located
        if areas:
            self._centroids.update(centroid_sums(self.session, areas))
            self._located |= areas
