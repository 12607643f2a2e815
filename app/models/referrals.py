"""Not HSDS: referrals from a social prescription, and nothing about the person referred.

A `Referral` is one activity on one printed prescription: an unguessable `code` the person
carries to the group, the service, when it was made, the referrer's organisation (a
practice, PCN or link-worker team) when a signed-in referrer made it, the need(s) the
link worker chose, and how it went (`status`, `reason`, and when each step happened).
There is deliberately no column for a name, date of birth, postcode, NHS number, email
or phone: the loop is closed with the code alone. `batch` groups the codes printed
together, so the prescription's short link `/p/<batch>` opens the same list.

`ReferralTally` is what retention leaves of old referrals (`signpost referrals prune`):
counts per month, service, borough, need and outcome, with the whole days to first
contact, so uptake and its median stay exact after the rows are gone.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UTCDateTime, id_column, text

REFERRAL_STATUSES = ("new", "contacted", "attended", "did_not_attend", "declined", "withdrawn")
OUTCOMES = ("attended", "did_not_attend", "declined", "withdrawn")
DECLINE_REASONS = ("full", "not_eligible", "could_not_reach")


class Referral(Base):
    __tablename__ = "referral"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    batch: Mapped[str] = mapped_column(String(16), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)  # its place on the prescription
    service_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("service.id", ondelete="CASCADE"), index=True
    )
    referrer_organization_id: Mapped[str | None] = mapped_column(
        String(36), ForeignKey("organization.id", ondelete="SET NULL"), index=True
    )
    needs: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(Text, default="new", index=True)
    reason: Mapped[str | None] = text()  # declined: full | not_eligible | could_not_reach
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    contacted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reported_back_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ReferralTally(Base):
    __tablename__ = "referral_tally"

    id: Mapped[str] = id_column()
    month: Mapped[str] = mapped_column(String(7), index=True)  # "2026-01", when made
    service_id: Mapped[str] = mapped_column(String(36), index=True)  # kept if it goes
    borough: Mapped[str | None] = text()
    need: Mapped[str | None] = text()  # None: no need chosen
    status: Mapped[str] = mapped_column(Text)
    reason: Mapped[str | None] = text()
    contact_days: Mapped[int | None] = mapped_column(Integer)  # None: never contacted
    count: Mapped[int] = mapped_column(Integer)
