"""HSDS objects that hang off several parents: contact, phone, schedule, language.

Each carries one nullable foreign key per possible parent, exactly as HSDS's tables do;
the parent's relationship selects the rows that belong to it directly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Boolean, Float, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, fk, id_column, text
from app.weekdays import DAY_CODES

if TYPE_CHECKING:
    from app.models.taxonomy import Attribute

SCHEDULE_FREQS = ("WEEKLY", "MONTHLY")
WEEKDAYS = DAY_CODES


class Contact(Base):
    __tablename__ = "contact"

    id: Mapped[str] = id_column()
    organization_id: Mapped[str | None] = fk("organization.id")
    service_id: Mapped[str | None] = fk("service.id")
    service_at_location_id: Mapped[str | None] = fk("service_at_location.id")
    location_id: Mapped[str | None] = fk("location.id")
    name: Mapped[str | None] = text()
    title: Mapped[str | None] = text()
    department: Mapped[str | None] = text()
    email: Mapped[str | None] = text()
    # Not HSDS: a private contact (a volunteer's own mobile) never leaves the API or a dump.
    is_public: Mapped[bool] = mapped_column(Boolean, default=True)

    phones: Mapped[list[Phone]] = relationship(
        primaryjoin="Phone.contact_id == Contact.id", viewonly=True
    )


class Phone(Base):
    __tablename__ = "phone"

    id: Mapped[str] = id_column()
    location_id: Mapped[str | None] = fk("location.id")
    service_id: Mapped[str | None] = fk("service.id")
    organization_id: Mapped[str | None] = fk("organization.id")
    contact_id: Mapped[str | None] = fk("contact.id")
    service_at_location_id: Mapped[str | None] = fk("service_at_location.id")
    number: Mapped[str] = mapped_column(Text)
    extension: Mapped[int | None] = mapped_column(Integer)
    type: Mapped[str | None] = text()
    description: Mapped[str | None] = text()

    languages: Mapped[list[Language]] = relationship(
        primaryjoin="Language.phone_id == Phone.id", viewonly=True
    )


class Schedule(Base):
    """When a service runs, as an iCalendar-style recurrence (HSDS 3.0)."""

    __tablename__ = "schedule"

    id: Mapped[str] = id_column()
    service_id: Mapped[str | None] = fk("service.id")
    location_id: Mapped[str | None] = fk("location.id")
    service_at_location_id: Mapped[str | None] = fk("service_at_location.id")
    valid_from: Mapped[str | None] = text()
    valid_to: Mapped[str | None] = text()
    dtstart: Mapped[str | None] = text()
    timezone: Mapped[float | None] = mapped_column(Float)
    until: Mapped[str | None] = text()
    count: Mapped[int | None] = mapped_column(Integer)
    wkst: Mapped[str | None] = text()
    freq: Mapped[str | None] = text()
    interval: Mapped[int | None] = mapped_column(Integer)
    byday: Mapped[str | None] = text()
    byweekno: Mapped[str | None] = text()
    bymonthday: Mapped[str | None] = text()
    byyearday: Mapped[str | None] = text()
    description: Mapped[str | None] = text()
    opens_at: Mapped[str | None] = text()
    closes_at: Mapped[str | None] = text()
    schedule_link: Mapped[str | None] = text()
    attending_type: Mapped[str | None] = text()
    notes: Mapped[str | None] = text()

    attributes: Mapped[list[Attribute]] = relationship(
        primaryjoin="and_(foreign(Attribute.link_id) == Schedule.id, "
        "Attribute.link_entity == 'schedule')",
        viewonly=True,
        order_by="Attribute.id",
    )


class Language(Base):
    __tablename__ = "language"

    id: Mapped[str] = id_column()
    service_id: Mapped[str | None] = fk("service.id")
    location_id: Mapped[str | None] = fk("location.id")
    phone_id: Mapped[str | None] = fk("phone.id")
    name: Mapped[str | None] = text()
    code: Mapped[str | None] = text()
    note: Mapped[str | None] = text()
