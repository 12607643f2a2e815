"""What deduplication keeps between runs (the clusters themselves are source_record's
service_id and organization_id: the merged objects each record ended in).

- `MatchDecision`: a reviewer's "these are one" / "these are not one" on two source
  records; the matcher never undoes it.
- `MatchReview`: the possible matches of the last run, for the review queue.
- `MergedService`: which source record each field of a merged service came from.
- `MergedAlias`: the ID a merged-away service or organisation had, and the ID that
  holds its records now, so old links and synced copies can follow it.
- `MatchSummary` and `MatchKey`: what the matcher knows of each record without reading
  it (its own IDs, its point, its matchable fields) and the blocks it is filed in, so an
  incremental run reads only the records a change touches (app.dedupe.summaries).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UTCDateTime, id_column, text

DECISIONS = ("must_link", "cannot_link")


def _record_fk() -> Mapped[str]:
    return mapped_column(String(36), ForeignKey("source_record.id", ondelete="CASCADE"), index=True)


class MatchDecision(Base):
    __tablename__ = "match_decision"
    __table_args__ = (
        UniqueConstraint("record_a_id", "record_b_id", name="uq_match_decision_pair"),
    )

    id: Mapped[str] = id_column()
    record_a_id: Mapped[str] = _record_fk()  # the smaller of the two ids
    record_b_id: Mapped[str] = _record_fk()
    decision: Mapped[str] = mapped_column(Text)  # must_link | cannot_link
    decided_by: Mapped[str] = mapped_column(Text)  # "alice@example.org" or "cli"
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = text()


class MatchReview(Base):
    __tablename__ = "match_review"
    __table_args__ = (UniqueConstraint("record_a_id", "record_b_id", name="uq_match_review_pair"),)

    id: Mapped[str] = id_column()
    record_a_id: Mapped[str] = _record_fk()
    record_b_id: Mapped[str] = _record_fk()
    score: Mapped[float] = mapped_column(Float)
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # the score's contributions
    found_at: Mapped[datetime] = mapped_column(UTCDateTime)


class MergedService(Base):
    __tablename__ = "merged_service"

    service_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("service.id", ondelete="CASCADE"), primary_key=True
    )
    field_sources: Mapped[dict[str, str]] = mapped_column(JSON)  # field -> source_record.id
    merged_at: Mapped[datetime] = mapped_column(UTCDateTime)


class MergedAlias(Base):
    __tablename__ = "merged_alias"

    old_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(Text)  # service | organization
    new_id: Mapped[str] = mapped_column(String(36), index=True)
    merged_at: Mapped[datetime] = mapped_column(UTCDateTime)


class MatchSummary(Base):
    """A source record as the matcher last read it (content_hash says which version)."""

    __tablename__ = "match_summary"

    record_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("source_record.id", ondelete="CASCADE"), primary_key=True
    )
    content_hash: Mapped[str] = mapped_column(String(64))
    own_service_id: Mapped[str] = mapped_column(String(36))  # as the importer published it
    own_organization_id: Mapped[str | None] = mapped_column(String(36))
    names_organization: Mapped[bool] = mapped_column(Boolean)  # takes part in org matching
    # Its point, when it gives exactly one, in 1e-7 degrees: what postcode centroids add up.
    latitude: Mapped[int | None] = mapped_column(BigInteger)
    longitude: Mapped[int | None] = mapped_column(BigInteger)
    fields: Mapped[dict[str, Any]] = mapped_column(JSON)  # MatchRecord.stored_fields()


class MatchKey(Base):
    """One block an active record is filed in (a hash of level and blocking key), or one
    postcode area its point counts towards; `copies` when its keys name a block twice.
    The record's sort name at the block's level rides along, so that a block's members,
    in name order, are read from one index."""

    __tablename__ = "match_key"
    __table_args__ = (Index("ix_match_key_block", "key_hash", "sort_name", "record_id", "copies"),)

    record_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("match_summary.record_id", ondelete="CASCADE"), primary_key=True
    )
    key_hash: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    sort_name: Mapped[str] = mapped_column(Text)  # "" for a postcode area
    copies: Mapped[int] = mapped_column(Integer)
