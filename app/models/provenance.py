"""What HSDS lacks for a merged directory: where every record came from.

A `Source` is a directory we import from; a `SourceRecord` is one record exactly as that
source gave it (raw payload kept), with the source's own ID and the merged HSDS objects
it maps to. Every later feature (dedupe, survivorship, dumps, licences) reads these.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, UTCDateTime, fk, text

if TYPE_CHECKING:
    from app.models.service import Service

# Fixed namespace so the same source name and record key give the same IDs everywhere.
SIGNPOST_NAMESPACE = uuid.UUID("5b0f6d1e-8f3c-4e52-9a47-51c2a7e0d3b1")


_NAMESPACE_SHA1 = hashlib.sha1(SIGNPOST_NAMESPACE.bytes)


def stable_id(*parts: str) -> str:
    """A uuid5 of the parts: the same source record always gets the same merged IDs.

    Exactly `str(uuid.uuid5(SIGNPOST_NAMESPACE, "\x1f".join(parts)))`, without building
    a UUID object: an import derives ten of these per record.
    """
    digest = _NAMESPACE_SHA1.copy()
    digest.update("\x1f".join(parts).encode())
    raw = bytearray(digest.digest()[:16])
    raw[6] = (raw[6] & 0x0F) | 0x50  # version 5
    raw[8] = (raw[8] & 0x3F) | 0x80  # RFC 4122 variant
    text = raw.hex()
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


class Source(Base):
    __tablename__ = "source"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(Text, unique=True)  # slug: "careplace-camden"
    title: Mapped[str | None] = text()  # "CarePlace (Camden)"
    format: Mapped[str | None] = text()  # careplace, lvsc, hsds, oruk, datapackage, csv
    url: Mapped[str | None] = text()
    licence: Mapped[str | None] = text()  # "OGL-UK-3.0", "CC-BY-4.0", "not for redistribution"
    attribution: Mapped[str | None] = text()
    redistributable: Mapped[bool] = mapped_column(Boolean, default=True)
    priority: Mapped[int] = mapped_column(Integer, default=100)  # lower wins in survivorship
    last_imported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    records: Mapped[list[SourceRecord]] = relationship(back_populates="source")


class SourceRecord(Base):
    __tablename__ = "source_record"
    __table_args__ = (UniqueConstraint("source_id", "key", name="uq_source_record_key"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    # Indexed by uq_source_record_key, whose leading column it is.
    source_id: Mapped[str] = mapped_column(String(36), ForeignKey("source.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(Text)  # the source's own ID for the record
    position: Mapped[str | None] = text()  # where it was last read: "line 12"
    raw: Mapped[dict[str, Any]] = mapped_column(JSON)  # as the source gave it
    record: Mapped[dict[str, Any]] = mapped_column(JSON)  # normalised HSDS service dict
    content_hash: Mapped[str] = mapped_column(String(64))
    # content_hash when deduplication last matched the record; differs (or is null) when
    # the record is new or changed since, which is what an incremental run compares.
    matched_hash: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(Text, default="active")  # active | withdrawn
    service_id: Mapped[str | None] = fk("service.id", ondelete="SET NULL")
    organization_id: Mapped[str | None] = fk("organization.id", ondelete="SET NULL")
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    source: Mapped[Source] = relationship(back_populates="records")
    service: Mapped[Service | None] = relationship()


class KeptId(Base):
    """An ID a source published as its own (HSDS feeds and data packages keep their
    UUIDs), and who holds it: the source (for an organization or location, which the
    source's records share) or one source_record. A second source, or another record,
    sending the same ID gets an ID of its own instead (app.records.ids.IdClaims), so two
    sources publishing the same example service neither collide nor overwrite each other.
    """

    __tablename__ = "kept_id"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    holder: Mapped[str] = mapped_column(String(36))  # a source.id or a source_record.id
