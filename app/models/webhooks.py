"""Not HSDS: webhook subscriptions, so a mirror learns of changes without polling.

A `WebhookSubscription` belongs to one API token (revoking the token ends it). Its
cursor is the (last_modified, id) of the last service change it was told of; the
delivery worker (`signpost webhooks deliver`) posts the changes after the cursor, signed
with the subscription's secret, and moves the cursor only when the receiver answers 2xx.
Each attempt is a `WebhookDelivery` row: the delivery log a subscriber can read.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UTCDateTime, id_column, text


class WebhookSubscription(Base):
    __tablename__ = "webhook_subscription"

    id: Mapped[str] = id_column()
    token_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("api_token.id", ondelete="CASCADE"), index=True
    )
    url: Mapped[str] = mapped_column(Text)
    secret: Mapped[str] = mapped_column(Text)  # the HMAC key; shown once, never served again
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    cursor_modified: Mapped[datetime] = mapped_column(UTCDateTime)
    cursor_id: Mapped[str] = mapped_column(String(36), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)  # in a row
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = text()


class WebhookDelivery(Base):
    __tablename__ = "webhook_delivery"
    __table_args__ = (Index("ix_webhook_delivery_recent", "subscription_id", "attempted_at"),)

    id: Mapped[str] = id_column()
    subscription_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("webhook_subscription.id", ondelete="CASCADE")
    )
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    changes: Mapped[int] = mapped_column(Integer)
    status_code: Mapped[int | None] = mapped_column(Integer)
    ok: Mapped[bool] = mapped_column(Boolean)
    error: Mapped[str | None] = text()
