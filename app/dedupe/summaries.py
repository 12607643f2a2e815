"""What the matcher keeps of each record between runs, so an incremental run finds the
records a change touches without reading the others (app.dedupe.stored_index).

- match_summary, one row per record the runs read: its own service and organisation IDs,
  whether it names an organisation, its point when it gives exactly one (what postcode
  centroids are made of), and its MatchRecord's own fields (rebuilding a candidate from
  them takes a tenth of the time of normalising its service again);
- match_key, one row per block an active record is filed in at either level, and per
  postcode or district its point counts towards: a 64-bit hash of level and key (two
  keys would have to collide in 2^64 to share a block), the record's sort name at that
  level (the order of large blocks), `copies` when its keys name one block twice (the
  index counts it twice).

Rows follow the record: rewritten when it is new or changed (or has no summary yet, as
after upgrading), key rows dropped when it is withdrawn. A full run rewrites every row,
so a change to the blocking rules takes effect with `signpost dedupe --full`.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from app.chunks import chunks
from app.dedupe.state import State, Stored, read_records
from app.matching import MatchRecord
from app.matching.blocking import Key, block_keys, sort_name
from app.matching.index import LEVELS, centroid_areas, centroid_point
from app.models import MatchKey, MatchSummary

AREAS = "areas"  # the level of a postcode or district a point counts towards
_BATCH = 5000


def key_hash(level: str, key: Key) -> int:
    """The stored form of a block: a signed 64-bit hash of its level and key."""
    digest = hashlib.blake2b("\x1f".join((level, *key)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def area_hash(area: str) -> int:
    return key_hash(AREAS, (area,))


def update_summaries(session: Session, state: State, full: bool) -> dict[str, MatchRecord]:
    """Bring match_summary and match_key up to date before a run matches (a full run
    rewrites them all); return the records read for it, by match ID."""
    if full:
        drop_all(session)
        fresh = read_records(session, state.records.values())
    else:
        drop_keys(session, (state.records[m].id for m in state.removed()))
        fresh = read_records(session, state.unsummarised())
    write_summaries(session, state.records, fresh)
    return fresh


def _summary(stored: Stored, record: MatchRecord) -> dict[str, object]:
    point = centroid_point(record)
    return {
        "record_id": stored.id,
        "content_hash": stored.content_hash,
        "own_service_id": stored.own_service_id,
        "own_organization_id": stored.own_organization_id,
        "names_organization": bool(record.organization),
        "latitude": point[0] if point else None,
        "longitude": point[1] if point else None,
        "fields": record.stored_fields(),
    }


def _keys(stored: Stored, record: MatchRecord) -> list[dict[str, object]]:
    rows = []
    for level in LEVELS:
        name = sort_name(level, record)
        hashes = Counter(key_hash(level, key) for key in block_keys(level, record))
        rows += [(h, name, n) for h, n in hashes.items()]
    if centroid_point(record):
        rows += [(area_hash(area), "", 1) for area in centroid_areas(record)]
    return [
        {"record_id": stored.id, "key_hash": h, "sort_name": name, "copies": n}
        for h, name, n in rows
    ]


def write_summaries(
    session: Session, state_records: Mapping[str, Stored], records: Mapping[str, MatchRecord]
) -> None:
    """Replace the summaries (and, for active records, the keys) of `records`, by match ID."""
    ids = [state_records[match_id].id for match_id in records]
    for batch in chunks(ids):
        session.execute(delete(MatchSummary).where(MatchSummary.record_id.in_(batch)))
    summaries: list[dict[str, object]] = []
    keys: list[dict[str, object]] = []
    for match_id, record in records.items():
        stored = state_records[match_id]
        summaries.append(_summary(stored, record))
        if stored.active:
            keys += _keys(stored, record)
        if len(keys) >= _BATCH:
            _insert(session, summaries, keys)
            summaries, keys = [], []
    _insert(session, summaries, keys)


def _insert(session: Session, summaries: list, keys: list) -> None:
    """Plain executemany: the ORM's bulk insert takes twice as long over a full run's
    key rows (about 18 per record)."""
    connection = session.connection()
    if summaries:
        connection.execute(insert(MatchSummary.__table__), summaries)
    if keys:
        connection.execute(insert(MatchKey.__table__), keys)


def read_summarised(session: Session, records: Iterable[Stored]) -> dict[str, MatchRecord]:
    """The MatchRecords of records whose summaries are current, by match ID (rebuilt from
    the summary: a tenth of the time of normalising the record again)."""
    by_id = {stored.id: stored for stored in records}
    found: dict[str, MatchRecord] = {}
    for batch in chunks(sorted(by_id)):
        query = select(MatchSummary.record_id, MatchSummary.fields).where(
            MatchSummary.record_id.in_(batch)
        )
        for record_id, fields in session.execute(query):
            found[by_id[record_id].match_id] = MatchRecord.from_stored_fields(fields)
    return found


def drop_keys(session: Session, record_ids: Iterable[str]) -> None:
    """Take withdrawn records out of every block."""
    for batch in chunks(record_ids):
        session.execute(delete(MatchKey).where(MatchKey.record_id.in_(batch)))


def drop_all(session: Session) -> None:
    """Before a full run rewrites them all."""
    session.execute(delete(MatchKey))
    session.execute(delete(MatchSummary))


def block_sizes(session: Session, hashes: Iterable[int]) -> dict[int, int]:
    """How many records each block holds (a record filed twice counts twice)."""
    sizes: dict[int, int] = {}
    for batch in chunks(sorted(set(hashes))):
        query = (
            select(MatchKey.key_hash, func.sum(MatchKey.copies))
            .where(MatchKey.key_hash.in_(batch))
            .group_by(MatchKey.key_hash)
        )
        sizes.update((h, int(n)) for h, n in session.execute(query))
    return sizes


def block_members(session: Session, hashes: Iterable[int]) -> set[str]:
    """The source_record.id of every record in these blocks."""
    members: set[str] = set()
    for batch in chunks(sorted(set(hashes))):
        query = select(MatchKey.record_id).where(MatchKey.key_hash.in_(batch))
        members.update(session.scalars(query))
    return members


def sorted_blocks(session: Session, hashes: Iterable[int]) -> dict[int, list[tuple[str, str]]]:
    """Each block's (sort name, source_record.id), sorted: the order large blocks are
    read in (record positions follow source_record.id), a record filed twice twice."""
    blocks: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for batch in chunks(sorted(set(hashes))):
        query = select(
            MatchKey.key_hash, MatchKey.sort_name, MatchKey.record_id, MatchKey.copies
        ).where(MatchKey.key_hash.in_(batch))
        for h, name, record_id, copies in session.execute(query):
            blocks[h] += [(name, record_id)] * copies
    for members in blocks.values():
        members.sort()
    return blocks


def centroid_sums(session: Session, areas: Iterable[str]) -> dict[str, list[int]]:
    """[sum of latitudes, sum of longitudes, count] of the single points in each postcode
    or district (in 1e-7 degrees), over every active record."""
    by_hash = {area_hash(area): area for area in areas}
    sums: dict[str, list[int]] = {}
    for batch in chunks(sorted(by_hash)):
        query = (
            select(
                MatchKey.key_hash,
                func.sum(MatchSummary.latitude),
                func.sum(MatchSummary.longitude),
                func.count(),
            )
            .join(MatchSummary, MatchSummary.record_id == MatchKey.record_id)
            .where(MatchKey.key_hash.in_(batch))
            .group_by(MatchKey.key_hash)
        )
        for h, lat, lon, count in session.execute(query):
            sums[by_hash[h]] = [int(lat), int(lon), int(count)]
    return sums
