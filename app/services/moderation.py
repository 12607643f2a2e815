"""The moderation queue: edits waiting for a moderator, claims, problem reports, and
import conflicts, all as change_request rows a moderator approves or rejects.

Which edits wait is a setting (`SIGNPOST_MODERATION`): "untrusted" (the default) queues
an untrusted editor's changes and every new organisation an editor creates; "all"
queues every editor's changes; "none" queues nothing. Moderators' and admins' changes
never wait.
"""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.auth.accounts import get_account, link_organization
from app.errors import Conflict, Forbidden, NotFound, SignpostError, Unprocessable
from app.models import Service, new_id
from app.models.accounts import Account, ChangeRequest, FieldLock
from app.resources import load_row, row_values
from app.services.editing import Change, apply_change, make_diff, validate_references
from app.services.paging import Page, in_order, paginate
from app.services.permissions import is_staff, require_staff

MODES = ("untrusted", "all", "none")
MAX_MESSAGE = 2000
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def needs_moderation(account: Account, change: Change, mode: str) -> bool:
    if is_staff(account) or mode == "none":
        return False
    if mode == "all" or not account.trusted:
        return True
    return change.resource == "organization" and change.action == "create"


def list_change_requests(
    session: Session,
    viewer: Account,
    page: int,
    per_page: int,
    status: str | None = "pending",
    kind: str | None = None,
) -> Page[ChangeRequest]:
    """Moderators see the whole queue; an editor sees what they submitted. Oldest first."""
    ids = select(ChangeRequest.id).order_by(ChangeRequest.created_at, ChangeRequest.id)
    if not is_staff(viewer):
        ids = ids.where(ChangeRequest.submitted_by == viewer.id)
    if status:
        ids = ids.where(ChangeRequest.status == status)
    if kind:
        ids = ids.where(ChangeRequest.kind == kind)

    def load(page_ids: list[str]) -> list[ChangeRequest]:
        rows = session.scalars(select(ChangeRequest).where(ChangeRequest.id.in_(page_ids)))
        return in_order(list(rows), page_ids)

    return paginate(session, ids, page, per_page, load)


def get_change_request(session: Session, viewer: Account, request_id: str) -> ChangeRequest:
    request = session.get(ChangeRequest, request_id)
    if request is None:
        raise NotFound(f"No change request with id '{request_id}'.")
    if not is_staff(viewer) and request.submitted_by != viewer.id:
        raise Forbidden("You may only see the change requests you made.")
    return request


def current_diff(session: Session, request: ChangeRequest) -> list[dict]:
    """The request's diff against the object as it is now (it may have changed since)."""
    if request.kind not in ("edit", "import_conflict"):
        return []
    row = load_row(session, request.resource_type, request.resource_id)
    current = row_values(row) if row is not None else None
    if request.action == "delete":
        return make_diff(current, None)
    return make_diff(current, {**(current or {}), **request.proposed}, request.proposed)


def approve(
    session: Session, moderator: Account | None, request_id: str, reason: str | None = None
) -> ChangeRequest:
    """Apply what the request asks (an edit, a claim, an import's value) and close it.
    `moderator` None is the operator at the command line."""
    if moderator is not None:
        require_staff(moderator)
    request = _pending(session, request_id)
    now = dt.datetime.now(dt.UTC)
    try:
        _carry_out(session, request, now)
    except SignpostError as exc:
        raise Conflict(f"This request can no longer be applied: {exc.message}") from exc
    return _decide(request, moderator, "approved", reason, now)


def reject(
    session: Session, moderator: Account | None, request_id: str, reason: str
) -> ChangeRequest:
    """Close the request without applying it; the reason is required (the submitter sees it)."""
    if moderator is not None:
        require_staff(moderator)
    if not (reason or "").strip():
        raise Unprocessable("Give a reason for rejecting.", {"json": {"reason": ["Required."]}})
    request = _pending(session, request_id)
    return _decide(request, moderator, "rejected", reason, dt.datetime.now(dt.UTC))


def _pending(session: Session, request_id: str) -> ChangeRequest:
    request = session.get(ChangeRequest, request_id)
    if request is None:
        raise NotFound(f"No change request with id '{request_id}'.")
    if request.status != "pending":
        raise Conflict(f"This change request is already {request.status}.")
    return request


def _carry_out(session: Session, request: ChangeRequest, now: dt.datetime) -> None:
    if request.kind == "claim":
        link_organization(
            session, get_account(session, request.submitted_by or ""), request.resource_id
        )
    elif request.kind == "edit":
        change = Change(
            request.resource_type, request.action, request.resource_id, dict(request.proposed)
        )
        if change.action != "delete":
            row = load_row(session, change.resource, change.resource_id)
            current = row_values(row) if row is not None else {}
            validate_references(
                session, change.resource, {**current, **change.values, "id": change.resource_id}
            )
        apply_change(
            session,
            change,
            updated_by=request.submitted_by_label,
            account_id=request.submitted_by,
            now=now,
        )
        if (
            change.resource == "organization"
            and change.action == "create"
            and (request.submitted_by)
        ):
            link_organization(
                session, get_account(session, request.submitted_by), change.resource_id
            )
    elif request.kind == "import_conflict":
        change = Change(
            request.resource_type, "update", request.resource_id, dict(request.proposed)
        )
        apply_change(
            session, change, updated_by=request.submitted_by_label, account_id=None, now=now
        )
        # The source is trusted for these fields again.
        session.execute(
            delete(FieldLock).where(
                FieldLock.resource_type == request.resource_type,
                FieldLock.resource_id == request.resource_id,
                FieldLock.field_name.in_(list(request.proposed)),
            )
        )


def _decide(
    request: ChangeRequest,
    moderator: Account | None,
    status: str,
    reason: str | None,
    now: dt.datetime,
) -> ChangeRequest:
    request.status = status
    request.decided_by = moderator.id if moderator is not None else None
    request.decided_at = now
    request.reason = (reason or "").strip() or None
    return request


def report_problem(
    session: Session,
    service_id: str,
    message: str,
    contact_email: str | None = None,
    *,
    account: Account | None = None,
) -> ChangeRequest:
    """Queue "report a problem with this listing" for a moderator. Anyone may report;
    app/ratelimit.py limits reports to 10 an hour from one address."""
    now = dt.datetime.now(dt.UTC)
    service = session.get(Service, service_id)
    if service is None:
        raise NotFound(f"No service with id '{service_id}'.")
    message = (message or "").strip()
    contact_email = (contact_email or "").strip() or None
    errors = {}
    if not message:
        errors["message"] = ["Say what is wrong with the listing."]
    elif len(message) > MAX_MESSAGE:
        errors["message"] = [f"Keep it under {MAX_MESSAGE} characters."]
    if contact_email and not EMAIL.match(contact_email):
        errors["contact_email"] = ["Not a valid email address."]
    if errors:
        name, problems = next(iter(errors.items()))
        raise Unprocessable(f"Invalid json field '{name}': {problems[0]}", {"json": errors})
    request = ChangeRequest(
        id=new_id(),
        kind="report",
        status="pending",
        action="report",
        resource_type="service",
        resource_id=service.id,
        organization_id=service.organization_id,
        proposed={},
        diff=[],
        message=message,
        contact_email=contact_email,
        submitted_by=account.id if account else None,
        submitted_by_label=f"account:{account.id}" if account else "anonymous",
        created_at=now,
    )
    session.add(request)
    session.flush()
    return request
