"""Not HSDS: outgoing mail waiting to be sent, and addresses that asked for no more.

A `MailMessage` is queued in the same transaction as the change that wants it sent, and a
worker (`signpost mail send`) sends it later with retries, so a mail server outage loses
nothing. Its body is rendered only when it is sent (see app.mail.queue): links holding a
one-use token exist in the sent mail alone, never in the database. Once sent, the
recipient's address is erased from the row. `MailSuppression` keeps only the sha256 of
an address that unsubscribed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UTCDateTime, id_column, text

MAIL_STATUSES = ("queued", "sending", "sent", "failed")


class MailMessage(Base):
    __tablename__ = "mail_message"
    __table_args__ = (Index("ix_mail_message_due", "status", "next_attempt_at"),)

    id: Mapped[str] = id_column()
    kind: Mapped[str] = mapped_column(Text)  # which renderer builds the body
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    to_address: Mapped[str | None] = text()  # erased once sent
    status: Mapped[str] = mapped_column(Text, default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = text()


class MailSuppression(Base):
    """An address that unsubscribed: only its sha256 (of the lower-cased address)."""

    __tablename__ = "mail_suppression"

    address_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
