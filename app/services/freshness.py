"""Keeping listings current: an editor confirms "still running, details correct" in one
step (assured_date and assurer_email), and `signpost stale` finds the listings nobody
has confirmed or changed for months, per borough, flagging them for follow-up.

The review cycle (`signpost freshness run`, daily) emails a listing's editors, or its
organisation's public email, a reminder when it is due, then a second and an urgent one;
each carries one-use links ("still running", "something changed", "it has closed") that
work without signing in. Tokens are stored only as sha256 and expire.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import secrets
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from app.chunks import chunks
from app.errors import NotFound
from app.models import Location, Organization, Service, ServiceAtLocation, new_id
from app.models.accounts import Account, AccountOrganization, FollowUp
from app.models.mail import MailMessage, MailSuppression
from app.models.review import REVIEW_ACTIONS, ReviewLink, ReviewState
from app.resources import row_values
from app.services.editing import LIVE_SERVICE_STATUSES, Change, apply_change
from app.services.permissions import require_may_edit

UNKNOWN_BOROUGH = "unknown"
STALE_REASON = "stale"


def confirm_service(session: Session, account: Account, own: set[str], service_id: str) -> Service:
    """Record that the service still runs as listed: assured today by this account.
    Goes live at once (it changes no details) and clears any follow-up flag.

    The public assurer_email is the organisation's public contact email, or none: never
    the account's sign-in address, which is private (issue 19, M2)."""
    service = session.get(Service, service_id)
    if service is None:
        raise NotFound(f"No service with id '{service_id}'.")
    require_may_edit(session, account, own, "service", row_values(service))
    now = dt.datetime.now(dt.UTC)
    values = {
        "assured_date": now.date().isoformat(),
        "assurer_email": public_email(session, service),
    }
    apply_change(
        session,
        Change("service", "update", service_id, values),
        updated_by=f"account:{account.id}",
        account_id=account.id,
        now=now,
    )
    # Confirming is news even when the values are today's already.
    service.last_modified = now
    session.execute(delete(FollowUp).where(FollowUp.service_id == service_id))
    session.flush()
    return service


def public_email(session: Session, service: Service) -> str | None:
    """The organisation's published contact email, the one address fit to name as assurer."""
    organization = session.get(Organization, service.organization_id or "")
    return (organization.email or None) if organization is not None else None


@dataclass
class StaleListing:
    service_id: str
    name: str
    organization_id: str | None
    last_seen: dt.datetime  # the later of last_modified and assured_date
    flagged: bool


def months_before(moment: dt.datetime, months: int) -> dt.datetime:
    """The same day `months` calendar months earlier (clamped to the month's last day)."""
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def last_seen(service: Service) -> dt.datetime:
    seen = service.last_modified
    if service.assured_date:
        try:
            assured = dt.date.fromisoformat(service.assured_date[:10])
        except ValueError:
            return seen
        assured_at = dt.datetime(assured.year, assured.month, assured.day, tzinfo=dt.UTC)
        seen = max(seen, assured_at)
    return seen


def list_stale(
    session: Session, months: int, now: dt.datetime | None = None
) -> dict[str, list[StaleListing]]:
    """Live listings neither changed nor confirmed in `months`, by borough ("unknown"
    when none of its locations has one); a listing in two boroughs is under both."""
    cutoff = months_before(now or dt.datetime.now(dt.UTC), months)
    candidates = session.scalars(
        select(Service)
        .where(Service.status.in_(LIVE_SERVICE_STATUSES), Service.last_modified < cutoff)
        .order_by(Service.name, Service.id)
    )
    stale = [s for s in candidates if last_seen(s) < cutoff]
    ids = [s.id for s in stale]
    boroughs: dict[str, set[str]] = defaultdict(set)
    flagged: set[str] = set()
    if ids:
        rows = session.execute(
            select(ServiceAtLocation.service_id, Location.borough)
            .join(Location, Location.id == ServiceAtLocation.location_id)
            .where(ServiceAtLocation.service_id.in_(ids), Location.borough.is_not(None))
        )
        for service_id, borough in rows:
            boroughs[service_id].add(borough)
        flagged = set(
            session.scalars(select(FollowUp.service_id).where(FollowUp.service_id.in_(ids)))
        )
    grouped: dict[str, list[StaleListing]] = defaultdict(list)
    for service in stale:
        listing = StaleListing(
            service.id,
            service.name,
            service.organization_id,
            last_seen(service),
            service.id in flagged,
        )
        for borough in sorted(boroughs[service.id]) or [UNKNOWN_BOROUGH]:
            grouped[borough].append(listing)
    return dict(sorted(grouped.items(), key=lambda item: (item[0] == UNKNOWN_BOROUGH, item[0])))


def mark_stale(session: Session, grouped: dict[str, list[StaleListing]]) -> int:
    """Flag these listings for follow-up (once each); returns how many were newly flagged."""
    now = dt.datetime.now(dt.UTC)
    ids = {listing.service_id for listings in grouped.values() for listing in listings}
    existing = set(session.scalars(select(FollowUp.service_id).where(FollowUp.service_id.in_(ids))))
    new = sorted(ids - existing)
    session.add_all(FollowUp(service_id=i, reason=STALE_REASON, flagged_at=now) for i in new)
    session.flush()
    return len(new)


def is_flagged(session: Session, service_id: str) -> bool:
    return session.get(FollowUp, service_id) is not None


# The review cycle (issue #22): reminders by email with one-use links ------------------------

REVIEW_MONTHS = 12
SECOND_AFTER = dt.timedelta(days=14)  # after the first reminder
URGENT_AFTER = dt.timedelta(days=14)  # after the second
LINK_LIFETIME = dt.timedelta(days=42)  # outlives the cycle's last reminder by two weeks
STAGE_NAMES = {1: "reminder", 2: "second reminder", 3: "urgent reminder"}
REVIEW_MAIL = "review"
BULK = 5000  # rows per bulk statement of a review run


def seen_at(last_modified: dt.datetime, assured_date: str | None) -> dt.datetime:
    """`last_seen` from the two column values (the run reads columns, not objects)."""
    seen = last_modified
    if assured_date:
        try:
            assured = dt.date.fromisoformat(assured_date[:10])
        except ValueError:
            return seen
        seen = max(seen, dt.datetime(assured.year, assured.month, assured.day, tzinfo=dt.UTC))
    return seen


def next_stage(state: ReviewState | None, seen: dt.datetime, now: dt.datetime) -> int | None:
    """Which reminder is due now for a listing not seen since `seen`, or None.

    A reminder sent before the listing was last confirmed or changed belongs to an old
    cycle: this one starts again at 1. A listing reported closed waits for moderation."""
    if state is None or state.reminded_at < seen:
        return 1
    if state.answer == "closed" and state.answered_at and state.answered_at >= seen:
        return None
    if state.stage == 1 and now >= state.reminded_at + SECOND_AFTER:
        return 2
    if state.stage == 2 and now >= state.reminded_at + URGENT_AFTER:
        return 3
    return None


@dataclass
class ReviewRun:
    due: int = 0
    queued: dict[int, int] = field(default_factory=lambda: {1: 0, 2: 0, 3: 0})
    messages: int = 0
    no_address: int = 0

    def summary(self) -> str:
        stages = ", ".join(f"{n} {STAGE_NAMES[s]}s" for s, n in self.queued.items())
        text = (
            f"{self.due} listings due for review: {stages}; {self.messages} messages queued "
            "(`signpost mail send` sends them)."
        )
        if self.no_address:
            text += f" {self.no_address} listings have no editor or public email to remind."
        return text


def recipients_by_organization(session: Session) -> dict[str, list[tuple[str | None, str]]]:
    """(account id, address) to remind per organisation: its active editors' sign-in
    addresses, else the organisation's public email (account id None)."""
    found: dict[str, list[tuple[str | None, str]]] = defaultdict(list)
    rows = session.execute(
        select(AccountOrganization.organization_id, Account.id, Account.email)
        .join(Account, Account.id == AccountOrganization.account_id)
        .where(Account.active.is_(True))
        .order_by(AccountOrganization.organization_id, Account.email)
    )
    for organization_id, account_id, email in rows:
        found[organization_id].append((account_id, email))
    public = session.execute(
        select(Organization.id, Organization.email).where(Organization.email.is_not(None))
    )
    for organization_id, email in public:
        if organization_id not in found and email and "@" in email:
            found[organization_id].append((None, email.strip()))
    return found


def run_review(
    session: Session,
    now: dt.datetime,
    months: int = REVIEW_MONTHS,
    base_url: str = "",
) -> ReviewRun:
    """Queue the reminders due today for every listing not confirmed or changed in
    `months`: the first, 14 days later the second, 14 more the urgent one (which also
    flags the listing for follow-up). Safe to run more than once a day: a reminder is
    queued once per stage. Bulk statements, as a directory may hold 100,000 listings."""
    from app.mail.queue import address_hash

    cutoff = months_before(now, months)
    rows = session.execute(
        select(
            Service.id, Service.organization_id, Service.last_modified, Service.assured_date,
            ReviewState,
        )
        .outerjoin(ReviewState, ReviewState.service_id == Service.id)
        .where(
            Service.status.in_(LIVE_SERVICE_STATUSES),
            Service.last_modified < cutoff,
            (Service.assured_date.is_(None)) | (Service.assured_date < cutoff.date().isoformat()),
        )
        .order_by(Service.id)
    ).all()  # fmt: skip
    recipients = recipients_by_organization(session)
    suppressed = set(session.scalars(select(MailSuppression.address_hash)))
    report = ReviewRun()
    messages: list[dict] = []
    new_states: list[dict] = []
    changed_states: list[dict] = []
    urgent: list[str] = []
    for service_id, organization_id, last_modified, assured_date, state in rows:
        seen = seen_at(last_modified, assured_date)
        if seen >= cutoff:
            continue
        report.due += 1
        stage = next_stage(state, seen, now)
        if stage is None:
            continue
        to = [
            (account_id, address)
            for account_id, address in recipients.get(organization_id or "", [])
            if address_hash(address) not in suppressed
        ]
        if not to:
            report.no_address += 1
            continue
        values = {"service_id": service_id, "stage": stage, "reminded_at": now,
                  "answer": None, "answered_at": None}  # fmt: skip
        (new_states if state is None else changed_states).append(values)
        report.queued[stage] += 1
        if stage == 3:
            urgent.append(service_id)
        for account_id, address in to:
            payload = {"service_id": service_id, "stage": stage, "account_id": account_id,
                       "base_url": base_url}  # fmt: skip
            messages.append(
                {"id": new_id(), "kind": REVIEW_MAIL, "payload": payload, "to_address": address,
                 "status": "queued", "attempts": 0, "created_at": now, "next_attempt_at": now}
            )  # fmt: skip
    for chunk in chunks(new_states, BULK):
        session.execute(insert(ReviewState), chunk)
    for chunk in chunks(changed_states, BULK):
        session.execute(update(ReviewState), chunk)
    for chunk in chunks(messages, BULK):
        session.execute(insert(MailMessage), chunk)
    if urgent:
        flagged = set()
        for chunk in chunks(urgent, BULK):
            flagged |= set(
                session.scalars(select(FollowUp.service_id).where(FollowUp.service_id.in_(chunk)))
            )
        follow = [{"service_id": i, "reason": STALE_REASON, "flagged_at": now}
                  for i in urgent if i not in flagged]  # fmt: skip
        for chunk in chunks(follow, BULK):
            session.execute(insert(FollowUp), chunk)
    report.messages = len(messages)
    session.flush()
    return report


# One-use links ------------------------------------------------------------------------------


def new_link(
    session: Session,
    service_id: str,
    account_id: str | None,
    address: str,
    stage: int,
    now: dt.datetime,
) -> str:
    """A new one-use token for one reminder: returns it; stores only its sha256."""
    from app.mail.queue import address_hash

    plain = secrets.token_urlsafe(32)
    session.add(
        ReviewLink(
            id=new_id(), token_hash=token_hash(plain), service_id=service_id,
            account_id=account_id, address_hash=address_hash(address), stage=stage,
            created_at=now, expires_at=now + LINK_LIFETIME,
        )
    )  # fmt: skip
    session.flush()
    return plain


class LinkProblem(Exception):
    """Why a link cannot be used: unknown, used or expired (the message says which)."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind, self.message = kind, message


def find_link(session: Session, plain: str, now: dt.datetime, *, any_state: bool = False):
    """The link for a presented token, or LinkProblem saying clearly why not."""
    row = session.scalar(select(ReviewLink).where(ReviewLink.token_hash == token_hash(plain)))
    if row is None:
        raise LinkProblem("unknown", "This link is not one we sent, or it was copied incompletely.")
    if any_state:
        return row
    if row.used_at is not None:
        raise LinkProblem(
            "used",
            f"This link was already used, on {row.used_at:%d %B %Y}: each link in a reminder "
            "works once. Sign in to your account to make further changes.",
        )
    if row.expires_at <= now:
        raise LinkProblem(
            "expired",
            f"This link expired on {row.expires_at:%d %B %Y}. A newer reminder has a "
            "working link, or sign in to your account to confirm the listing.",
        )
    return row


def use_link(session: Session, link: ReviewLink, action: str, now: dt.datetime) -> Service:
    """Do what the link's button says, once: "confirm" assures the listing today;
    "changed" only spends the link (the page then sends the person to the edit form);
    "closed" reports the closure to the moderators, who withdraw it."""
    from app.services.moderation import report_problem

    if action not in REVIEW_ACTIONS:
        raise NotFound(f"No such review action '{action}'.")
    service = session.get(Service, link.service_id)
    if service is None:
        raise NotFound("This listing is no longer in the directory.")
    link.used_at, link.used_action = now, action
    if action == "confirm":
        apply_change(
            session,
            Change("service", "update", service.id, {"assured_date": now.date().isoformat()}),
            updated_by=f"review-link:{link.id}",
            account_id=None,
            now=now,
        )
        service.last_modified = now
        session.execute(delete(FollowUp).where(FollowUp.service_id == service.id))
    elif action == "closed":
        report_problem(
            session,
            service.id,
            f"Closed, says the organisation (answering the {STAGE_NAMES[link.stage]} "
            "to review this listing). Please withdraw it.",
        )
    state = session.get(ReviewState, service.id)
    if state is not None:
        state.answer, state.answered_at = action, now
    session.flush()
    return service


def token_hash(plain: str) -> str:
    return hashlib.sha256(plain.encode()).hexdigest()
