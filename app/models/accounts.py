"""Not HSDS: who may change the directory, and the record of what they asked to change.

An `Account` is a person (admin, moderator, organisation editor, or referrer: a
link worker, practice or PCN making referrals for its organisation); `AccountOrganization`
links an editor to the organisations they keep current. `ApiToken` holds only the
sha256 of a machine client's token. `ChangeRequest` is the moderation queue: edits
waiting for a moderator, claims, problem reports and import conflicts. `FieldLock`
remembers the fields a person changed, so an import never silently overwrites them.
`FollowUp` flags a listing nobody has confirmed for a long time.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UTCDateTime, id_column, text

ROLES = ("admin", "moderator", "editor", "referrer")
TOKEN_SCOPES = ("read", "write")
CHANGE_KINDS = ("edit", "claim", "report", "import_conflict")
CHANGE_STATUSES = ("pending", "approved", "rejected", "superseded")


def _account_fk(ondelete: str) -> Mapped[str | None]:
    return mapped_column(String(36), ForeignKey("account.id", ondelete=ondelete), index=True)


class Account(Base):
    __tablename__ = "account"

    id: Mapped[str] = id_column()
    email: Mapped[str] = mapped_column(Text, unique=True)  # stored lower-cased
    name: Mapped[str | None] = text()
    password_hash: Mapped[str | None] = text()  # None: cannot sign in with a password
    role: Mapped[str] = mapped_column(Text, default="editor")
    # A trusted editor's changes go live at once; a moderator marks an editor trusted.
    trusted: Mapped[bool] = mapped_column(Boolean, default=False)
    # Only a verified address may claim an organisation by its email domain.
    email_verified: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Part of every session cookie's fingerprint: signing out or a new password bumps
    # it, so a copied or replayed cookie of an earlier session no longer signs anyone in.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class AccountOrganization(Base):
    """An editor may change this organisation and everything it owns."""

    __tablename__ = "account_organization"

    account_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("account.id", ondelete="CASCADE"), primary_key=True
    )
    organization_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("organization.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ApiToken(Base):
    """A machine client's bearer token: only its sha256 is kept; shown once, revocable."""

    __tablename__ = "api_token"

    id: Mapped[str] = id_column()
    account_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("account.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str | None] = text()
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scope: Mapped[str] = mapped_column(Text, default="read")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ChangeRequest(Base):
    """One item in the moderation queue.

    kind "edit": an editor's proposed create/update/delete of one HSDS object
    (`proposed` holds the validated values, `diff` the fields as they were and would be);
    "claim": an account asks to manage an organisation; "report": someone reports a
    problem with a listing; "import_conflict": an import's value for a field a person
    changed, kept back for a moderator to decide.
    """

    __tablename__ = "change_request"

    id: Mapped[str] = id_column()
    kind: Mapped[str] = mapped_column(Text, index=True)
    status: Mapped[str] = mapped_column(Text, default="pending", index=True)
    action: Mapped[str] = mapped_column(Text)  # create | update | delete | claim | report
    resource_type: Mapped[str] = mapped_column(Text)
    resource_id: Mapped[str] = mapped_column(String(36), index=True)
    organization_id: Mapped[str | None] = mapped_column(String(36), index=True)
    proposed: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    diff: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    message: Mapped[str | None] = text()
    contact_email: Mapped[str | None] = text()
    submitted_by: Mapped[str | None] = _account_fk("SET NULL")
    submitted_by_label: Mapped[str] = mapped_column(Text)  # account:<id>, import:<source>
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_by: Mapped[str | None] = _account_fk("SET NULL")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = text()


class FieldLock(Base):
    """A field a person set, which a later import must not silently overwrite.

    `field_name` "*" marks an object a person created (an import keeps it), "-" one a
    person deleted (an import does not bring it back). The key includes the resource
    type: an id is unique only within its table (issue 19, H1).
    """

    __tablename__ = "field_lock"

    resource_type: Mapped[str] = mapped_column(Text, primary_key=True)
    resource_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    field_name: Mapped[str] = mapped_column(Text, primary_key=True)
    account_id: Mapped[str | None] = _account_fk("SET NULL")
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class FollowUp(Base):
    """A listing flagged for follow-up (`signpost stale --mark`); cleared when confirmed."""

    __tablename__ = "follow_up"

    service_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("service.id", ondelete="CASCADE"), primary_key=True
    )
    reason: Mapped[str] = mapped_column(Text)
    flagged_at: Mapped[datetime] = mapped_column(UTCDateTime)
