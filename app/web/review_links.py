"""The one-use links in review reminders, under /review/<token>/<action>, no sign-in.

GET is safe: it only shows what the button will do (mail scanners and link previews
open links). The POST does it, with the session's CSRF token as every form here has
(app.auth.csrf). A used, expired or unknown link gets a page saying which, with 410 or
404. The unsubscribe link also accepts the RFC 8058 one-click POST a mail program sends.
"""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, make_response, redirect, render_template, request, url_for

from app.auth.csrf import check_csrf
from app.db import get_session
from app.errors import BadRequest
from app.mail.queue import suppress_hash
from app.models import Organization, Service
from app.services.freshness import LinkProblem, find_link, use_link

blp = Blueprint("review_links", __name__, url_prefix="/review")

PAGES = {
    "confirm": (
        "Still running, details correct?",
        "Press the button to confirm that the listing is right as it stands. It then counts "
        "as checked today, and the reminders stop.",
        "Yes, it is still running as listed",
    ),
    "changed": (
        "Something changed?",
        "Press the button to go to the listing's edit form. You will be asked to sign in "
        "first (or to ask to manage the organisation, if you have no account yet).",
        "Edit the listing",
    ),
    "closed": (
        "Has it closed?",
        "Press the button to tell our moderators that it has closed; they will take the "
        "listing down.",
        "Yes, it has closed",
    ),
    "unsubscribe": (
        "Stop these reminders?",
        "Press the button and this address gets no more reminders from Signpost.",
        "Unsubscribe",
    ),
}
DONE = {
    "confirm": "The listing is confirmed as still running. Link workers will see it was "
    "checked today.",
    "closed": "Our moderators have been told that it has closed, and will take it down.",
    "unsubscribe": "This address will get no more reminders from Signpost.",
}


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def private(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"  # the token is in the path
    return response


def problem(exc: LinkProblem) -> Response:
    titles = {"unknown": "This link does not work", "used": "This link has been used",
              "expired": "This link has expired"}  # fmt: skip
    html = render_template("review/problem.html", title=titles[exc.kind], message=exc.message)
    return private(make_response(html, 404 if exc.kind == "unknown" else 410))


def page(link, action: str, error: str | None = None, status: int = 200) -> Response:
    session = get_session()
    service = session.get(Service, link.service_id)
    organization = session.get(Organization, service.organization_id or "")
    heading, explanation, button = PAGES[action]
    html = render_template(
        "review/confirm.html", heading=heading, explanation=explanation, button=button,
        service=service, organization=organization, error=error,
    )  # fmt: skip
    return private(make_response(html, status))


@blp.route("/<token>/<action>", methods=["GET", "POST"])
def review_link(token: str, action: str) -> Response:
    if action not in PAGES:
        return problem(LinkProblem("unknown", "This link is not one we sent."))
    session = get_session()
    unsubscribing = action == "unsubscribe"
    try:
        # Unsubscribing works with a used or expired link too: a way out never expires.
        link = find_link(session, token, now(), any_state=unsubscribing)
    except LinkProblem as exc:
        return problem(exc)
    if request.method == "GET":
        return page(link, action)
    one_click = unsubscribing and request.form.get("List-Unsubscribe") == "One-Click"
    if not one_click:
        try:
            check_csrf()
        except BadRequest:
            return page(link, action, "This page had expired. Please press the button again.", 400)
    if unsubscribing:
        suppress_hash(session, link.address_hash, now())
        session.commit()
        html = render_template("review/done.html", message=DONE[action], service=None)
        return private(make_response(html))
    service = use_link(session, link, action, now())
    session.commit()
    if action == "changed":
        if link.account_id:
            return redirect(url_for("web_account.edit_service", service_id=service.id), 303)
        organization = session.get(Organization, service.organization_id or "")
        query = organization.name if organization else service.name
        return redirect(url_for("web_account.claim_search", q=query), 303)
    html = render_template("review/done.html", message=DONE[action], service=service)
    return private(make_response(html))
