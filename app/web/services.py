"""The service page, `/service/<id>`: everything a link worker needs before referring
someone, where the listing came from, and a form to report a problem with it.

Reports go to the moderation queue (app.services.moderation.report_problem), with the
accounts feature's CSRF token (app.auth.csrf) and its per-address rate limit.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from typing import Any

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
from sqlalchemy.orm import Session

from app.auth.csrf import check_csrf, csrf_token
from app.db import get_read_session, get_session
from app.dedupe.review import alias_of
from app.errors import BadRequest, NotFound
from app.models import Service, Source, SourceRecord
from app.services.moderation import MAX_MESSAGE, report_problem
from app.services.services import get_service
from app.web.present import (
    address_text,
    category_names,
    describe,
    has_point,
    opening_times,
    paragraphs,
    safe_url,
)
from app.web.search import parse_ids

blp = Blueprint("service_page", __name__)

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def find_service(session: Session, service_id: str) -> Service | None:
    """The fully loaded service, or None for an unknown or malformed id."""
    try:
        ident = str(uuid.UUID(service_id))
    except ValueError:
        return None
    try:
        return get_service(session, ident)
    except NotFound:
        return None


def list_sources(session: Session, service_id: str) -> list[Source]:
    """The sources whose current records were merged into this service, best first."""
    query = (
        select(Source)
        .join(SourceRecord, SourceRecord.source_id == Source.id)
        .where(SourceRecord.service_id == service_id, SourceRecord.status == "active")
        .distinct()
        .order_by(Source.priority, Source.title, Source.name)
    )
    return list(session.scalars(query))


def provenance_text(sources: list[Source]) -> str:
    """ "From CarePlace (Camden) and the LVSC map, merged." or "Added directly to Signpost."."""
    titles = [source.title or source.name for source in sources]
    if not titles:
        return "Added directly to Signpost."
    if len(titles) == 1:
        return f"From {titles[0]}."
    return f"From {', '.join(titles[:-1])} and {titles[-1]}, merged."


@dataclass
class Venue:
    name: str | None
    address: str | None
    times: list[str]
    accessibility: list[str]
    transportation: str | None
    latitude: float | None
    longitude: float | None


def describe_venues(service: Service) -> list[Venue]:
    venues = []
    for sal in service.service_at_locations:
        location = sal.location
        if location is None:
            continue
        notes = [
            " ".join(part.strip() for part in (a.description, a.details) if part and part.strip())
            for a in location.accessibility
        ]
        venues.append(
            Venue(
                name=location.name,
                address=address_text(location),
                times=opening_times(list(sal.schedules) + list(location.schedules)),
                accessibility=[note for note in notes if note],
                transportation=location.transportation,
                latitude=location.latitude if has_point(location) else None,
                longitude=location.longitude if has_point(location) else None,
            )
        )
    return venues


# Reporting a problem ------------------------------------------------------------------------


@dataclass
class ReportForm:
    message: str = ""
    contact_email: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def read(cls, data: Any) -> ReportForm:
        form = cls(
            message=(data.get("message") or "").strip(),
            contact_email=(data.get("contact_email") or "").strip(),
        )
        if not form.message:
            form.errors["message"] = "Tell us what is wrong with this listing."
        elif len(form.message) > MAX_MESSAGE:
            form.errors["message"] = f"Keep the report to {MAX_MESSAGE:,} characters or fewer."
        if form.contact_email and not EMAIL.match(form.contact_email):
            form.errors["contact_email"] = "Enter an email address like name@example.org."
        return form


def form_token() -> str | None:
    """This session's CSRF token (None while the app has no secret key to sign sessions)."""
    return csrf_token() if current_app.secret_key else None


def render_service(service: Service, report: ReportForm, status: int = 200) -> Response:
    session = get_read_session()
    sources = list_sources(session, service.id)
    html = render_template(
        "search/service.html",
        listing=describe(service),
        service=service,
        venues=describe_venues(service),
        sources=sources,
        provenance=provenance_text(sources),
        safe_url=safe_url,
        paragraphs=paragraphs,
        categories=category_names(service),
        report=report,
        reported=request.args.get("reported") == "1",
        csrf_token=form_token(),
        shortlist=parse_ids(request.args.getlist("shortlist")),
    )
    response = make_response(html, status)
    response.headers["Cache-Control"] = "private, no-cache"  # the form holds a CSRF token
    return response


def not_found() -> Response:
    html = render_template("search/not_found.html")
    return make_response(html, 404)


@blp.get("/service/<service_id>")
def show(service_id: str) -> Response:
    """One service, in full; a service merged into another goes to that one."""
    session = get_read_session()
    merged_into = alias_of(session, service_id, "service")
    if merged_into:
        return redirect(url_for("service_page.show", service_id=merged_into), code=301)
    service = find_service(session, service_id)
    if service is None:
        return not_found()
    return render_service(service, ReportForm())


@blp.post("/service/<service_id>/report")
def report(service_id: str) -> Response:
    """Report a problem with a listing: it goes to the moderators' queue."""
    session = get_session()
    service = find_service(session, service_id)
    if service is None:
        return not_found()
    form = ReportForm.read(request.form)
    try:
        check_csrf()
    except BadRequest:
        form.errors = {"form": "This form had expired. Please send your report again."}
        return render_service(service, form, 400)
    if form.errors:
        return render_service(service, form, 422)
    report_problem(session, service.id, form.message, form.contact_email or None)
    session.commit()
    target = url_for(".show", service_id=service.id, reported="1", _anchor="reported")
    return redirect(target, code=303)
