"""A social prescription: `/prescription?ids=a,b,c`, the chosen activities on one
printable page with a link to share.

The link holds service IDs and nothing else, and nothing about the person is sent to or
kept on the server: the notes box on the page is printed, never submitted.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlencode

from flask import (
    Blueprint,
    Response,
    current_app,
    make_response,
    render_template,
    request,
    url_for,
)
from sqlalchemy import select

from app.auth.csrf import check_csrf, csrf_token
from app.db import get_read_session, get_session
from app.mail.transport import transport_for
from app.models import Service
from app.services.loading import service_full_options
from app.services.paging import in_order
from app.services.shortlist_mail import send_shortlist
from app.web.present import Listing, describe
from app.web.search import parse_ids

blp = Blueprint("prescription", __name__)


def list_listings(ids: list[str]) -> list[Listing]:
    """The active services among these IDs, described, in the order given."""
    if not ids:
        return []
    session = get_read_session()
    query = (
        select(Service)
        .where(Service.id.in_(ids), Service.status == "active")
        .options(*service_full_options())
    )
    return [describe(service) for service in in_order(list(session.scalars(query)), ids)]


def prescription_url(ids: list[str], external: bool = False) -> str:
    url = url_for("prescription.show", _external=external)
    return f"{url}?{urlencode({'ids': ','.join(ids)}, safe=',')}" if ids else url


@blp.get("/prescription")
def show() -> Response:
    """The chosen activities, printable, with a link that holds only their IDs."""
    return render_prescription(parse_ids(request.args.getlist("ids")))


def render_prescription(ids: list[str], status: int = 200, **share: str) -> Response:
    listings = list_listings(ids)
    found = [listing.id for listing in listings]
    html = render_template(
        "search/prescription.html",
        listings=listings,
        missing=len(ids) - len(found),
        share_url=prescription_url(found, external=True),
        remove_urls={i: prescription_url([j for j in found if j != i]) for i in found},
        today=dt.date.today(),
        share=share,
        share_token=csrf_token() if current_app.secret_key and listings else None,
    )
    return make_response(html, status)


EMAIL = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$")


@blp.post("/prescription/share")
def share_by_email() -> Response:
    """Send the chosen activities to an address typed once: used to send, never kept
    or logged (app/services/shortlist_mail.py)."""
    check_csrf()
    ids = parse_ids(request.form.getlist("ids"))
    address = (request.form.get("email") or "").strip()
    found = [listing.id for listing in list_listings(ids)]
    if not EMAIL.match(address) or len(address) > 254:
        error = "Enter an email address like name@example.org."
        return render_prescription(ids, 422, error=error, typed=address)
    if not found:
        return render_prescription(ids, 422, error="Choose at least one activity to send.")
    settings = current_app.extensions["signpost_mail"]
    sent = send_shortlist(
        get_session(),
        transport_for(settings, current_app.instance_path),
        settings,
        address,
        found,
        request.host_url,
        dt.datetime.now(dt.UTC),
    )
    if not sent:
        error = "We could not send the email just now. Try again, or print the page instead."
        return render_prescription(found, 503, error=error)
    return render_prescription(found, sent="The activities are on their way by email.")
