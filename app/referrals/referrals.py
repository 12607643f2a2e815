"""Making, finding and updating referrals; who may see and change which.

- anyone may make codes from a prescription (a signed-in referrer's are marked with
  their organisation, so they see the outcomes on their account page);
- whoever holds a code may read its status (the code is the capability);
- the service's editors (and staff) acknowledge it and record the outcome;
- the referrer's organisation (or, for a code made without signing in, its holder)
  records that the patient reported back.

Every change is a row in the change history, by `account:<id>` or `code-holder`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.errors import Conflict, Forbidden, NotFound, Unprocessable
from app.mail.queue import queue_message
from app.models import Service
from app.models.accounts import Account, AccountOrganization
from app.models.referrals import DECLINE_REASONS, OUTCOMES, REFERRAL_STATUSES, Referral
from app.referrals.codes import BATCH_LENGTH, new_code, normalise_code
from app.services.audit import record_change
from app.services.permissions import is_staff

MOST_PER_PRESCRIPTION = 10
NEW_REFERRALS_MAIL = "referral_new"
CODE_HOLDER = "code-holder"


def create_referrals(
    session: Session,
    service_ids: Iterable[str],
    now: dt.datetime,
    *,
    needs: Iterable[str] = (),
    organization_id: str | None = None,
    base_url: str = "",
) -> list[Referral]:
    """One referral per active service (in the order given), sharing one batch code;
    queues one "new referral" email per editor of each service's organisation."""
    ids = list(dict.fromkeys(service_ids))
    if not ids:
        raise Unprocessable("Choose at least one activity to refer to.")
    if len(ids) > MOST_PER_PRESCRIPTION:
        raise Unprocessable(f"At most {MOST_PER_PRESCRIPTION} activities on one prescription.")
    services = {
        s.id: s
        for s in session.scalars(
            select(Service).where(Service.id.in_(ids), Service.status == "active")
        )
    }
    missing = [i for i in ids if i not in services]
    if missing:
        raise Unprocessable(f"No active service with id '{missing[0]}'.")
    chosen = sorted({need.strip() for need in needs if need and need.strip()})
    batch = new_code(BATCH_LENGTH)
    referrals = [
        Referral(code=new_code(), batch=batch, position=n, service_id=i, needs=chosen,
                 status="new", referrer_organization_id=organization_id, created_at=now)
        for n, i in enumerate(ids)
    ]  # fmt: skip
    session.add_all(referrals)
    try:
        session.flush()
    except IntegrityError as exc:  # a 50-bit collision: vanishingly rare, never silent
        raise Conflict("Please try again: a code was already in use.") from exc
    for referral in referrals:
        record_change(session, "referral", referral.code, "create", actor_label(None), when=now)
        notify_editors(session, services[referral.service_id], [referral.code], now, base_url)
    return referrals


def editor_addresses(session: Session, organization_id: str | None) -> list[str]:
    """The active editors of an organisation (their addresses go only into the mail queue)."""
    if not organization_id:
        return []
    query = (
        select(Account.email)
        .join(AccountOrganization, AccountOrganization.account_id == Account.id)
        .where(
            AccountOrganization.organization_id == organization_id,
            Account.active.is_(True),
            Account.role == "editor",
        )
        .order_by(Account.email)
    )
    return list(session.scalars(query))


def notify_editors(
    session: Session, service: Service, codes: list[str], now: dt.datetime, base_url: str
) -> int:
    """Queue the "new referral" (or reminder) email to the service's editors."""
    queued = 0
    for address in editor_addresses(session, service.organization_id):
        payload = {"service_id": service.id, "codes": codes, "base_url": base_url}
        queued += queue_message(session, address, NEW_REFERRALS_MAIL, payload, now) is not None
    return queued


def get_referral(session: Session, text: str) -> Referral:
    """The referral with this code (as typed); 422 for what cannot be a code, 404 when
    there is none."""
    code = normalise_code(text)
    if code is None:
        raise Unprocessable(
            "A referral code has ten letters and digits, like 7KQ2M-XD4PA.",
            {"path": {"code": ["Not a referral code."]}},
        )
    referral = session.get(Referral, code)
    if referral is None:
        raise NotFound("There is no referral with that code.")
    return referral


def batch_referrals(session: Session, batch_text: str) -> list[Referral]:
    """The referrals printed together under one short link, in the order made."""
    batch = normalise_code(batch_text, BATCH_LENGTH)
    if batch is None:
        return []
    query = select(Referral).where(Referral.batch == batch).order_by(Referral.position)
    return list(session.scalars(query))


def may_update(
    session: Session, account: Account | None, own: set[str], referral: Referral
) -> bool:
    """Staff, or an editor of the organisation that runs the service."""
    if account is None:
        return False
    if is_staff(account):
        return True
    if account.role == "referrer":
        return False
    service = session.get(Service, referral.service_id)
    return service is not None and service.organization_id in own


def may_report_back(account: Account | None, own: set[str], referral: Referral) -> bool:
    """The referrer's organisation; for a code made without signing in, its holder."""
    if referral.referrer_organization_id is None:
        return True
    return account is not None and (is_staff(account) or referral.referrer_organization_id in own)


def actor_label(account: Account | None) -> str:
    return f"account:{account.id}" if account is not None else CODE_HOLDER


def update_referral(
    session: Session,
    account: Account | None,
    own: set[str],
    referral: Referral,
    now: dt.datetime,
    *,
    status: str | None = None,
    reason: str | None = None,
    reported_back: bool | None = None,
) -> Referral:
    """Set the status (the service's editors) and/or "patient reported back" (the
    referrer); 403 for anyone else, 422 for a step that does not exist."""
    before = {"status": referral.status, "reason": referral.reason,
              "reported_back_at": referral.reported_back_at}  # fmt: skip
    if status is not None:
        if not may_update(session, account, own, referral):
            raise Forbidden("Only the editors of the service referred to may change its status.")
        set_status(referral, status, reason, now)
    elif reason is not None:
        raise Unprocessable("A reason goes with the status 'declined'.")
    if reported_back is not None:
        if not may_report_back(account, own, referral):
            raise Forbidden("Only the referrer may record that the patient reported back.")
        referral.reported_back_at = now if reported_back else None
    after = {"status": referral.status, "reason": referral.reason,
             "reported_back_at": referral.reported_back_at}  # fmt: skip
    changes = {name: (before[name], after[name]) for name in before if before[name] != after[name]}
    if changes:
        record_change(
            session, "referral", referral.code, "update", actor_label(account), changes, now
        )
    return referral


def set_status(referral: Referral, status: str, reason: str | None, now: dt.datetime) -> None:
    """contacted, then an outcome; an outcome may be corrected, never undone to "new"."""
    if status not in REFERRAL_STATUSES or status == "new":
        steps = ", ".join(s for s in REFERRAL_STATUSES if s != "new")
        raise Unprocessable(f"Unknown status '{status}': use one of {steps}.")
    if status == "declined":
        if reason not in DECLINE_REASONS:
            raise Unprocessable(f"Say why it was declined: one of {', '.join(DECLINE_REASONS)}.")
    elif reason:
        raise Unprocessable("A reason goes only with the status 'declined'.")
    if status == "contacted" and referral.status in OUTCOMES:
        raise Unprocessable(f"This referral is already closed ({referral.status}).")
    referral.status, referral.reason = status, reason if status == "declined" else None
    if referral.contacted_at is None and status != "withdrawn":
        referral.contacted_at = now
    referral.closed_at = now if status in OUTCOMES else None


def incoming_referrals(
    session: Session, organization_ids: set[str], limit: int = 100
) -> list[Referral]:
    """Referrals to the services of these organisations: open ones first, newest first."""
    if not organization_ids:
        return []
    query = (
        select(Referral)
        .join(Service, Service.id == Referral.service_id)
        .where(Service.organization_id.in_(organization_ids))
        .order_by(Referral.created_at.desc())
        .limit(limit)
    )
    rows = list(session.scalars(query))
    return sorted(rows, key=lambda r: r.status not in ("new", "contacted"))


def referrals_made_by(
    session: Session, organization_ids: set[str], limit: int = 200
) -> list[Referral]:
    """The referrals these organisations made, newest first."""
    if not organization_ids:
        return []
    query = (
        select(Referral)
        .where(Referral.referrer_organization_id.in_(organization_ids))
        .order_by(Referral.created_at.desc())
        .limit(limit)
    )
    return list(session.scalars(query))
