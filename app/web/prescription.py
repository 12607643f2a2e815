"""A social prescription: `/prescription?ids=a,b,c`, the chosen activities on one
printable A4 page, and `/p/<batch>`, the same list with a referral code per activity
(made by "Give each activity a referral code": app.referrals), a QR code and a short link.

Nothing about the person is kept or logged. The patient's postcode (for distance and
walking time), the link worker's contact block and the notes are sent only in the body
of a POST that renders the page (never in the URL, so never in an access log), used for
that one response and forgotten; the codes hold nothing about the person either.
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
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import select

from app.auth.csrf import check_csrf, csrf_token
from app.auth.current import own_organizations, session_account
from app.db import get_read_session, get_session
from app.errors import NotFound
from app.geo.postcodes import UnknownPostcode, locate_postcode
from app.http import external_url
from app.mail.transport import transport_for
from app.models import Service
from app.models.referrals import Referral
from app.referrals.codes import display_code
from app.referrals.qr import qr_svg
from app.referrals.referrals import batch_referrals, create_referrals
from app.search.places import Point
from app.services.loading import service_full_options
from app.services.paging import in_order
from app.services.shortlist_mail import send_shortlist
from app.web.present import Listing, describe
from app.web.search import NEEDS, parse_ids

blp = Blueprint("prescription", __name__)
MOST_ON_ONE_PAGE = 5
TYPED_LIMIT = 2000  # characters of notes or contact block


def list_listings(ids: list[str], point: Point | None = None) -> list[Listing]:
    """The active services among these IDs, described (with the distance from `point`),
    in the order given."""
    if not ids:
        return []
    session = get_read_session()
    query = (
        select(Service)
        .where(Service.id.in_(ids), Service.status == "active")
        .options(*service_full_options())
    )
    services = in_order(list(session.scalars(query)), ids)
    return [describe(service, point) for service in services]


def prescription_url(ids: list[str], external: bool = False) -> str:
    url = external_url("prescription.show") if external else url_for("prescription.show")
    return f"{url}?{urlencode({'ids': ','.join(ids)}, safe=',')}" if ids else url


def typed_fields() -> tuple[dict[str, str], Point | None, str | None]:
    """What the link worker typed (from a POST body only), the postcode's point, and a
    sentence when the postcode is not one we know. None of it is stored or logged."""
    typed = {name: (request.form.get(name) or "")[:TYPED_LIMIT] for name in ("notes", "contact")}
    typed["postcode"] = (request.form.get("postcode") or "").strip()[:10]
    if request.method != "POST" or not typed["postcode"]:
        return typed, None, None
    try:
        return typed, locate_postcode(get_read_session(), typed["postcode"]), None
    except UnknownPostcode as exc:
        return typed, None, str(exc)


def render_prescription(
    listings: list[Listing],
    missing: int,
    referrals: list[Referral] | None = None,
    status: int = 200,
    **share: str,
) -> Response:
    typed, point, postcode_error = typed_fields()
    found = [listing.id for listing in listings]
    codes = {r.service_id: display_code(r.code) for r in referrals or []}
    if referrals:
        batch = referrals[0].batch
        short_url = url_for("prescription.short_link", batch=batch, _external=True)
        action = url_for("prescription.short_link", batch=batch)
    else:
        short_url = prescription_url(found, external=True)
        action = url_for("prescription.show")
    html = render_template(
        "search/prescription.html",
        listings=listings,
        missing=missing,
        codes=codes,
        short_url=short_url,
        qr=qr_svg(short_url, "QR code: opens this list of activities") if found else None,
        action=action,
        typed=typed,
        with_distance=point is not None,
        postcode_error=postcode_error,
        remove_urls={i: prescription_url([j for j in found if j != i]) for i in found},
        needs=NEEDS,
        most=MOST_ON_ONE_PAGE,
        today=dt.date.today(),
        share=share,
        share_token=csrf_token() if current_app.secret_key and listings else None,
    )
    response = make_response(html, 422 if postcode_error and status == 200 else status)
    response.headers["Cache-Control"] = "no-store"
    return response


@blp.route("/prescription", methods=["GET", "POST"])
def show() -> Response:
    """The chosen activities, printable, with a link that holds only their IDs (POST:
    the same, with distances from the postcode typed, which is not kept)."""
    source = request.form if request.method == "POST" else request.args
    ids = parse_ids(source.getlist("ids"))
    _typed, point, _error = typed_fields()
    listings = list_listings(ids, point)
    return render_prescription(listings, len(ids) - len(listings))


@blp.post("/prescription/codes")
def make_codes():
    """A referral code for each activity, then the printable page with them (a signed-in
    referrer's codes are marked with their organisation)."""
    check_csrf()
    ids = parse_ids(request.form.getlist("ids"))
    account = session_account()
    own = sorted(own_organizations(account)) if account is not None else []
    organization = own[0] if account is not None and account.role == "referrer" and own else None
    known = {code for code, _label in NEEDS}
    needs = [need for need in request.form.getlist("needs") if need in known]
    db = get_session()
    referrals = create_referrals(
        db, ids, dt.datetime.now(dt.UTC), needs=needs, organization_id=organization,
        base_url=request.host_url,
    )  # fmt: skip
    db.commit()
    return redirect(url_for("prescription.short_link", batch=referrals[0].batch), code=303)


@blp.route("/p/<batch>", methods=["GET", "POST"])
def short_link(batch: str) -> Response:
    """The short link and QR code of a printed prescription: its activities and codes."""
    referrals = batch_referrals(get_read_session(), batch)
    if not referrals:
        raise NotFound(
            "This prescription link is not known: it may be mistyped, or older than a year."
        )
    _typed, point, _error = typed_fields()
    ids = [r.service_id for r in referrals]
    listings = list_listings(ids, point)
    shown = {listing.id for listing in listings}
    return render_prescription(
        listings, len(ids) - len(listings), [r for r in referrals if r.service_id in shown]
    )


EMAIL = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$")


@blp.post("/prescription/share")
def share_by_email() -> Response:
    """Send the chosen activities to an address typed once: used to send, never kept
    or logged (app/services/shortlist_mail.py)."""
    check_csrf()
    ids = parse_ids(request.form.getlist("ids"))
    address = (request.form.get("email") or "").strip()
    listings = list_listings(ids)
    found, missing = [listing.id for listing in listings], len(ids) - len(listings)
    if not EMAIL.match(address) or len(address) > 254:
        error = "Enter an email address like name@example.org."
        return render_prescription(listings, missing, status=422, error=error, typed=address)
    if not found:
        error = "Choose at least one activity to send."
        return render_prescription(listings, missing, status=422, error=error)
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
        return render_prescription(listings, missing, status=503, error=error)
    return render_prescription(listings, missing, sent="The activities are on their way by email.")
