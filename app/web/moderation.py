"""The moderation queue in the browser, under /account/moderation: each waiting change
with its listing's name, what it changes (field, now, proposed), and approve / reject
with a reason. The same rules as `signpost moderation` and the API: only moderators
and admins, every form with a checked CSRF token, decisions recorded in the history.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Response, flash, g, redirect, render_template, request, url_for

from app.db import get_session
from app.errors import SignpostError
from app.models.accounts import ChangeRequest
from app.services.moderation import approve, current_diff, list_change_requests, reject
from app.services.permissions import require_staff
from app.services.request_names import Subject, subject_of, what_of, who_of
from app.web.account import error_page, private, protect, signed_in
from app.web.account_forms import SERVICE_FIELDS

blp = Blueprint("web_moderation", __name__, url_prefix="/account/moderation")
blp.before_request(protect)
blp.after_request(private)
blp.register_error_handler(SignpostError, error_page)
PER_PAGE = 20
LABELS = {f.name: f.label for f in SERVICE_FIELDS} | {
    "byday": "Days",
    "opens_at": "Starts",
    "closes_at": "Finishes",
    "freq": "How often",
    "interval": "Every how many weeks",
    "number": "Phone number",
}


@dataclass(frozen=True)
class QueueItem:
    request: ChangeRequest
    subject: Subject
    what: str
    who: str
    changes: list[dict]


def label(field: str) -> str:
    """A field as the edit form names it: "fees_description" -> "Cost"."""
    return LABELS.get(field, field.replace("_", " ").capitalize())


@blp.get("/")
@signed_in
def queue():
    require_staff(g.account)
    db = get_session()
    page_number = max(request.args.get("page", 1, type=int) or 1, 1)
    page = list_change_requests(db, g.account, page_number, PER_PAGE, status="pending")
    items = [
        QueueItem(
            r,
            subject_of(db, r),
            what_of(r.kind, r.action, r.resource_type),
            who_of(r.submitted_by_label),
            [{**d, "label": label(d["field"])} for d in current_diff(db, r)],
        )
        for r in page.items
    ]
    html = render_template("account/moderation.html", items=items, page=page)
    return Response(html, mimetype="text/html")


@blp.post("/<request_id>/approve")
@signed_in
def approve_request(request_id: str):
    db = get_session()
    decided = approve(db, g.account, request_id, request.form.get("reason") or None)
    subject = subject_of(db, decided)
    db.commit()
    flash(
        f"Approved: {what_of(decided.kind, decided.action, decided.resource_type)} "
        f"for “{subject.listing}”.",
        "info",
    )
    return redirect(url_for("web_moderation.queue"))


@blp.post("/<request_id>/reject")
@signed_in
def reject_request(request_id: str):
    db = get_session()
    decided = reject(db, g.account, request_id, request.form.get("reason", ""))
    subject = subject_of(db, decided)
    db.commit()
    flash(
        f"Rejected: {what_of(decided.kind, decided.action, decided.resource_type)} "
        f"for “{subject.listing}”.",
        "info",
    )
    return redirect(url_for("web_moderation.queue"))
