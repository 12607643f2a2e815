"""Not HSDS: the review cycle that keeps listings true (`signpost freshness run`).

`ReviewState` is where one listing is in its cycle: which reminder went last (1 first,
2 second, 3 urgent) and when, and the answer a one-use link gave. `ReviewLink` is the
one-use token of one reminder email: only its sha256 is stored, with its expiry and
when (and how) it was used.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UTCDateTime, id_column, text

REVIEW_ACTIONS = ("confirm", "changed", "closed")


class ReviewState(Base):
    __tablename__ = "review_state"

    service_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("service.id", ondelete="CASCADE"), primary_key=True
    )
    stage: Mapped[int] = mapped_column(Integer)
    reminded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answer: Mapped[str | None] = text()
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ReviewLink(Base):
    __tablename__ = "review_link"

    id: Mapped[str] = id_column()
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    service_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("service.id", ondelete="CASCADE"), index=True
    )
    # The editor it was sent to (None: the organisation's public email).
    account_id: Mapped[str | None] = mapped_column(
        String(36), ForeignKey("account.id", ondelete="SET NULL"), index=True
    )
    # sha256 of the address it went to, so its unsubscribe link knows whom to stop mailing.
    address_hash: Mapped[str] = mapped_column(String(64))
    stage: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    used_action: Mapped[str | None] = mapped_column(Text)
