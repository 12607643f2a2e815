"""A social prescription: `/prescription?ids=a,b,c`, the chosen activities on one
printable page with a link to share.

The link holds service IDs and nothing else, and nothing about the person is sent to or
kept on the server: the notes box on the page is printed, never submitted.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from flask import Blueprint, Response, make_response, render_template, request, url_for
from sqlalchemy import select

from app.db import get_read_session
from app.http import external_url
from app.models import Service
from app.services.loading import service_full_options
from app.services.paging import in_order
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
    url = external_url("prescription.show") if external else url_for("prescription.show")
    return f"{url}?{urlencode({'ids': ','.join(ids)}, safe=',')}" if ids else url


@blp.get("/prescription")
def show() -> Response:
    """The chosen activities, printable, with a link that holds only their IDs."""
    ids = parse_ids(request.args.getlist("ids"))
    listings = list_listings(ids)
    found = [listing.id for listing in listings]
    html = render_template(
        "search/prescription.html",
        listings=listings,
        missing=len(ids) - len(found),
        share_url=prescription_url(found, external=True),
        remove_urls={i: prescription_url([j for j in found if j != i]) for i in found},
        today=dt.date.today(),
    )
    return make_response(html)
