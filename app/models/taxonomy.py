"""Taxonomies, their terms, the attribute link table, and HSDS metadata (change history)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, UTCDateTime, fk, id_column, text


class Taxonomy(Base):
    __tablename__ = "taxonomy"

    id: Mapped[str] = id_column()
    name: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    uri: Mapped[str | None] = text()
    version: Mapped[str | None] = text()


class TaxonomyTerm(Base):
    __tablename__ = "taxonomy_term"

    id: Mapped[str] = id_column()
    code: Mapped[str | None] = mapped_column(Text, index=True)
    name: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    parent_id: Mapped[str | None] = fk("taxonomy_term.id", ondelete="SET NULL")
    taxonomy: Mapped[str | None] = text()
    language: Mapped[str | None] = text()
    taxonomy_id: Mapped[str | None] = fk("taxonomy.id")
    term_uri: Mapped[str | None] = text()

    taxonomy_detail: Mapped[Taxonomy | None] = relationship()


class Attribute(Base):
    """Links any HSDS object (link_entity, link_id) to a taxonomy term, with a value."""

    __tablename__ = "attribute"
    __table_args__ = (
        # "Is this service tagged with one of these terms?" and "which services are?",
        # each answered from an index alone (place searches, app/search/nearby.py). Their
        # leading columns also serve a service's attributes (link_entity, link_id) and the
        # foreign key (taxonomy_term_id): no separate indexes for those, one fewer each
        # for every attribute an import writes.
        Index("ix_attribute_link_term", "link_entity", "link_id", "taxonomy_term_id"),
        Index("ix_attribute_term_link", "taxonomy_term_id", "link_entity", "link_id"),
    )

    id: Mapped[str] = id_column()
    link_id: Mapped[str] = mapped_column(String(36))
    taxonomy_term_id: Mapped[str | None] = fk("taxonomy_term.id", index=False)
    link_type: Mapped[str | None] = text()
    link_entity: Mapped[str] = mapped_column(Text)
    value: Mapped[str | None] = text()

    taxonomy_term: Mapped[TaxonomyTerm | None] = relationship()


class MetadataEntry(Base):
    """One HSDS `metadata` row: a change to one field of one resource, by whom, when."""

    __tablename__ = "metadata"
    __table_args__ = (Index("ix_metadata_resource", "resource_type", "resource_id"),)

    id: Mapped[str] = id_column()
    resource_id: Mapped[str] = mapped_column(String(36))
    resource_type: Mapped[str] = mapped_column(Text)
    last_action_date: Mapped[datetime] = mapped_column(UTCDateTime)
    last_action_type: Mapped[str] = mapped_column(Text)
    field_name: Mapped[str] = mapped_column(Text, default="")
    previous_value: Mapped[str] = mapped_column(Text, default="")
    replacement_value: Mapped[str] = mapped_column(Text, default="")
    updated_by: Mapped[str] = mapped_column(Text)


class MetaTableDescription(Base):
    __tablename__ = "meta_table_description"

    id: Mapped[str] = id_column()
    name: Mapped[str | None] = text()
    language: Mapped[str | None] = text()
    character_set: Mapped[str | None] = text()
