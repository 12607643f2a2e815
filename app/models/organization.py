"""HSDS organization and the objects only an organization owns."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Integer, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, fk, id_column, text

if TYPE_CHECKING:
    from app.models.contact import Contact, Phone
    from app.models.location import Location
    from app.models.service import Funding, Service
    from app.models.taxonomy import Attribute


class Organization(Base):
    __tablename__ = "organization"

    id: Mapped[str] = id_column()
    name: Mapped[str] = mapped_column(Text, index=True)
    alternate_name: Mapped[str | None] = text()
    description: Mapped[str] = mapped_column(Text, default="")
    email: Mapped[str | None] = text()
    website: Mapped[str | None] = text()
    tax_status: Mapped[str | None] = text()
    tax_id: Mapped[str | None] = text()
    year_incorporated: Mapped[int | None] = mapped_column(Integer)
    legal_status: Mapped[str | None] = text()
    logo: Mapped[str | None] = text()
    uri: Mapped[str | None] = text()
    parent_organization_id: Mapped[str | None] = fk("organization.id", ondelete="SET NULL")

    services: Mapped[list[Service]] = relationship(back_populates="organization")
    locations: Mapped[list[Location]] = relationship(back_populates="organization")
    programs: Mapped[list[Program]] = relationship(
        back_populates="organization", cascade="all, delete-orphan"
    )
    organization_identifiers: Mapped[list[OrganizationIdentifier]] = relationship(
        cascade="all, delete-orphan"
    )
    funding: Mapped[list[Funding]] = relationship(
        primaryjoin="and_(Funding.organization_id == Organization.id, "
        "Funding.service_id.is_(None))",
        viewonly=True,
    )
    contacts: Mapped[list[Contact]] = relationship(
        primaryjoin="and_(Contact.organization_id == Organization.id, "
        "Contact.service_id.is_(None), Contact.is_public.is_(True))",
        viewonly=True,
    )
    phones: Mapped[list[Phone]] = relationship(
        primaryjoin="and_(Phone.organization_id == Organization.id, Phone.contact_id.is_(None))",
        viewonly=True,
    )
    attributes: Mapped[list[Attribute]] = relationship(
        primaryjoin="and_(foreign(Attribute.link_id) == Organization.id, "
        "Attribute.link_entity == 'organization')",
        viewonly=True,
        order_by="Attribute.id",
    )


class OrganizationIdentifier(Base):
    """A third-party identifier: a charity number, company number, 360Giving org-id."""

    __tablename__ = "organization_identifier"

    id: Mapped[str] = id_column()
    organization_id: Mapped[str | None] = fk("organization.id")
    identifier_scheme: Mapped[str | None] = text()
    identifier_type: Mapped[str] = mapped_column(Text)
    identifier: Mapped[str] = mapped_column(Text)


class Program(Base):
    __tablename__ = "program"

    id: Mapped[str] = id_column()
    organization_id: Mapped[str | None] = fk("organization.id")
    name: Mapped[str] = mapped_column(Text)
    alternate_name: Mapped[str | None] = text()
    description: Mapped[str] = mapped_column(Text, default="")

    organization: Mapped[Organization | None] = relationship(back_populates="programs")
