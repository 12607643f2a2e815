"""HSDS location, its addresses and accessibility.

Coordinates are plain latitude/longitude columns on both engines. The spatial index
lives beside them and is created by the migration for each engine: an R*Tree virtual
table kept in step by triggers on SQLite, a generated `geog` geography column with a
GiST index on PostGIS. The ORM never writes either, so there is one code path.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Float, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, fk, id_column, text

if TYPE_CHECKING:
    from app.models.contact import Contact, Language, Phone, Schedule
    from app.models.organization import Organization
    from app.models.service import ServiceAtLocation
    from app.models.taxonomy import Attribute

LOCATION_TYPES = ("physical", "postal", "virtual")


class Location(Base):
    __tablename__ = "location"

    id: Mapped[str] = id_column()
    location_type: Mapped[str] = mapped_column(Text, default="physical")
    url: Mapped[str | None] = text()
    organization_id: Mapped[str | None] = fk("organization.id", ondelete="SET NULL")
    name: Mapped[str | None] = text()
    alternate_name: Mapped[str | None] = text()
    description: Mapped[str | None] = text()
    transportation: Mapped[str | None] = text()
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    external_identifier: Mapped[str | None] = text()
    external_identifier_type: Mapped[str | None] = text()
    # Not HSDS: how the coordinates were found ("source", "postcode", "district"), so a
    # link worker can tell an exact venue from a postcode centroid.
    geocode_precision: Mapped[str | None] = text()
    # Not HSDS: the London borough (local authority name) the point falls in.
    borough: Mapped[str | None] = mapped_column(Text, index=True)

    organization: Mapped[Organization | None] = relationship(back_populates="locations")
    service_at_locations: Mapped[list[ServiceAtLocation]] = relationship(back_populates="location")
    addresses: Mapped[list[Address]] = relationship(cascade="all, delete-orphan")
    accessibility: Mapped[list[Accessibility]] = relationship(cascade="all, delete-orphan")
    phones: Mapped[list[Phone]] = relationship(
        primaryjoin="and_(Phone.location_id == Location.id, Phone.contact_id.is_(None))",
        viewonly=True,
    )
    schedules: Mapped[list[Schedule]] = relationship(
        primaryjoin="and_(Schedule.location_id == Location.id, "
        "Schedule.service_at_location_id.is_(None), Schedule.service_id.is_(None))",
        viewonly=True,
    )
    contacts: Mapped[list[Contact]] = relationship(
        primaryjoin="and_(Contact.location_id == Location.id, Contact.is_public.is_(True))",
        viewonly=True,
    )
    languages: Mapped[list[Language]] = relationship(
        primaryjoin="Language.location_id == Location.id", viewonly=True
    )
    attributes: Mapped[list[Attribute]] = relationship(
        primaryjoin="and_(foreign(Attribute.link_id) == Location.id, "
        "Attribute.link_entity == 'location')",
        viewonly=True,
        order_by="Attribute.id",
    )


class Address(Base):
    __tablename__ = "address"

    id: Mapped[str] = id_column()
    location_id: Mapped[str | None] = fk("location.id")
    attention: Mapped[str | None] = text()
    address_1: Mapped[str] = mapped_column(Text, default="")
    address_2: Mapped[str | None] = text()
    city: Mapped[str] = mapped_column(Text, default="")
    region: Mapped[str | None] = text()
    state_province: Mapped[str] = mapped_column(Text, default="")
    postal_code: Mapped[str] = mapped_column(Text, default="", index=True)
    country: Mapped[str] = mapped_column(Text, default="GB")
    address_type: Mapped[str] = mapped_column(Text, default="physical")


class Accessibility(Base):
    __tablename__ = "accessibility"

    id: Mapped[str] = id_column()
    location_id: Mapped[str | None] = fk("location.id")
    description: Mapped[str | None] = text()
    details: Mapped[str | None] = text()
    url: Mapped[str | None] = text()
