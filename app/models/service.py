"""HSDS service and the objects that describe one service."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Float, Index, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, UTCDateTime, fk, id_column, text

if TYPE_CHECKING:
    from app.models.contact import Contact, Language, Phone, Schedule
    from app.models.location import Location
    from app.models.organization import Organization, Program
    from app.models.taxonomy import Attribute, MetadataEntry

SERVICE_STATUSES = ("active", "inactive", "defunct", "temporarily closed")


class Service(Base):
    __tablename__ = "service"

    id: Mapped[str] = id_column()
    organization_id: Mapped[str | None] = fk("organization.id", ondelete="SET NULL")
    program_id: Mapped[str | None] = fk("program.id", ondelete="SET NULL")
    name: Mapped[str] = mapped_column(Text)
    alternate_name: Mapped[str | None] = text()
    description: Mapped[str | None] = text()
    url: Mapped[str | None] = text()
    email: Mapped[str | None] = text()
    status: Mapped[str] = mapped_column(Text, default="active", index=True)
    interpretation_services: Mapped[str | None] = text()
    application_process: Mapped[str | None] = text()
    fees_description: Mapped[str | None] = text()
    wait_time: Mapped[str | None] = text()
    fees: Mapped[str | None] = text()
    accreditations: Mapped[str | None] = text()
    eligibility_description: Mapped[str | None] = text()
    minimum_age: Mapped[int | None] = mapped_column(Integer)
    maximum_age: Mapped[int | None] = mapped_column(Integer)
    assured_date: Mapped[str | None] = text()
    assurer_email: Mapped[str | None] = text()
    licenses: Mapped[str | None] = text()
    alert: Mapped[str | None] = text()
    last_modified: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # Not HSDS: the editor-kept capacity (app/search/capacity.py), published as an HSDS
    # attribute of the signpost-capacity taxonomy and as wait_time (app/services/capacity.py).
    capacity_status: Mapped[str | None] = text()  # taking, waiting_list, full, paused
    capacity_wait_weeks: Mapped[int | None] = mapped_column(Integer)
    capacity_until: Mapped[str | None] = text()  # YYYY-MM-DD: paused until
    capacity_stated: Mapped[str | None] = text()  # YYYY-MM-DD: when the editor said it

    organization: Mapped[Organization | None] = relationship(back_populates="services")
    program: Mapped[Program | None] = relationship()
    service_at_locations: Mapped[list[ServiceAtLocation]] = relationship(
        back_populates="service", cascade="all, delete-orphan"
    )
    phones: Mapped[list[Phone]] = relationship(
        primaryjoin="and_(Phone.service_id == Service.id, Phone.contact_id.is_(None), "
        "Phone.service_at_location_id.is_(None))",
        viewonly=True,
    )
    schedules: Mapped[list[Schedule]] = relationship(
        primaryjoin="and_(Schedule.service_id == Service.id, "
        "Schedule.service_at_location_id.is_(None))",
        viewonly=True,
    )
    contacts: Mapped[list[Contact]] = relationship(
        primaryjoin="and_(Contact.service_id == Service.id, "
        "Contact.service_at_location_id.is_(None), Contact.is_public.is_(True))",
        viewonly=True,
    )
    languages: Mapped[list[Language]] = relationship(
        primaryjoin="Language.service_id == Service.id", viewonly=True
    )
    service_areas: Mapped[list[ServiceArea]] = relationship(cascade="all, delete-orphan")
    cost_options: Mapped[list[CostOption]] = relationship(cascade="all, delete-orphan")
    funding: Mapped[list[Funding]] = relationship(
        primaryjoin="Funding.service_id == Service.id", viewonly=True
    )
    required_documents: Mapped[list[RequiredDocument]] = relationship(cascade="all, delete-orphan")
    attributes: Mapped[list[Attribute]] = relationship(
        primaryjoin="and_(foreign(Attribute.link_id) == Service.id, "
        "Attribute.link_entity == 'service')",
        viewonly=True,
        order_by="Attribute.id",
    )
    metadata_entries: Mapped[list[MetadataEntry]] = relationship(
        primaryjoin="and_(foreign(MetadataEntry.resource_id) == Service.id, "
        "MetadataEntry.resource_type == 'service')",
        viewonly=True,
        order_by="MetadataEntry.last_action_date",
    )


class ServiceAtLocation(Base):
    __tablename__ = "service_at_location"

    id: Mapped[str] = id_column()
    service_id: Mapped[str | None] = fk("service.id")
    location_id: Mapped[str | None] = fk("location.id")
    description: Mapped[str | None] = text()

    service: Mapped[Service | None] = relationship(back_populates="service_at_locations")
    location: Mapped[Location | None] = relationship(back_populates="service_at_locations")
    phones: Mapped[list[Phone]] = relationship(
        primaryjoin="and_(Phone.service_at_location_id == ServiceAtLocation.id, "
        "Phone.contact_id.is_(None))",
        viewonly=True,
    )
    schedules: Mapped[list[Schedule]] = relationship(
        primaryjoin="Schedule.service_at_location_id == ServiceAtLocation.id", viewonly=True
    )
    contacts: Mapped[list[Contact]] = relationship(
        primaryjoin="and_(Contact.service_at_location_id == ServiceAtLocation.id, "
        "Contact.is_public.is_(True))",
        viewonly=True,
    )
    attributes: Mapped[list[Attribute]] = relationship(
        primaryjoin="and_(foreign(Attribute.link_id) == ServiceAtLocation.id, "
        "Attribute.link_entity == 'service_at_location')",
        viewonly=True,
        order_by="Attribute.id",
    )


class ServiceArea(Base):
    __tablename__ = "service_area"
    # A place search asks which services cover the boroughs around a point.
    __table_args__ = (Index("ix_service_area_name", "name", "service_id"),)

    id: Mapped[str] = id_column()
    service_id: Mapped[str | None] = fk("service.id")
    name: Mapped[str | None] = text()
    description: Mapped[str | None] = text()
    extent: Mapped[str | None] = text()
    extent_type: Mapped[str | None] = text()
    uri: Mapped[str | None] = text()


class CostOption(Base):
    __tablename__ = "cost_option"

    id: Mapped[str] = id_column()
    service_id: Mapped[str | None] = fk("service.id")
    valid_from: Mapped[str | None] = text()
    valid_to: Mapped[str | None] = text()
    option: Mapped[str | None] = text()
    currency: Mapped[str | None] = text()
    amount: Mapped[float | None] = mapped_column(Float)
    amount_description: Mapped[str | None] = text()


class Funding(Base):
    __tablename__ = "funding"

    id: Mapped[str] = id_column()
    organization_id: Mapped[str | None] = fk("organization.id")
    service_id: Mapped[str | None] = fk("service.id")
    source: Mapped[str | None] = text()


class RequiredDocument(Base):
    __tablename__ = "required_document"

    id: Mapped[str] = id_column()
    service_id: Mapped[str | None] = fk("service.id")
    document: Mapped[str | None] = text()
    uri: Mapped[str | None] = text()
