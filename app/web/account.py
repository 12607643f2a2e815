"""Pages for the groups who keep their own listings, under /account/.

Sign in and out, "my organisation" (its services, each with Edit and "Still running"
buttons, and the referrals to them, each acknowledged and closed here; a code a person
brings is found by typing it), editing a service, confirming it is current, and asking to
manage an organisation. Signed in by the session cookie (HttpOnly, SameSite=Lax, Secure unless
SIGNPOST_SECURE_COOKIES is false); every form carries a CSRF token that is checked.
"""

from __future__ import annotations

import datetime as dt
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.accounts import authenticate, organizations_of
from app.auth.csrf import check_csrf, rotate_csrf
from app.auth.current import (
    own_organizations,
    session_account,
    sign_in_session,
    sign_out_everywhere,
)
from app.auth.ratelimit import TooManyRequests
from app.auth.setup import flag
from app.db import get_session
from app.errors import NotFound, SignpostError, Unauthorized
from app.models import MergedAlias, Organization, Service
from app.models.referrals import DECLINE_REASONS, OUTCOMES
from app.referrals.codes import display_code
from app.referrals.referrals import get_referral, incoming_referrals, may_update, update_referral
from app.resources import row_values
from app.services.claims import find_organizations, request_claim
from app.services.editing import submit_change
from app.services.freshness import confirm_service, is_flagged, last_seen, months_before
from app.services.moderation import list_change_requests, needs_moderation
from app.services.permissions import is_staff, require_may_edit
from app.services.request_names import subject_of, what_of
from app.web.account_forms import (
    CAPACITY_CHOICES,
    CAPACITY_FIELDS,
    SCHEDULE_FIELDS,
    SERVICE_FIELDS,
    changes_from,
    form_for,
    read_form,
)
from app.web.schedule_form import DAY_CHOICES, FREQUENCIES

blp = Blueprint("web_account", __name__, url_prefix="/account")
CONFIRM_AFTER_MONTHS = 12


@blp.before_request
def protect() -> None:
    check_csrf()
    g.account = session_account()


@blp.after_request
def private(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


@blp.errorhandler(SignpostError)
def error_page(exc: SignpostError):
    response = Response(
        render_template("account/error.html", error=exc), status=exc.code, mimetype="text/html"
    )
    if isinstance(exc, TooManyRequests):
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


def signed_in(view):
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any):
        if g.account is None:
            return redirect(url_for("web_account.sign_in", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapper


def safe_next(target: str | None) -> str:
    """Only a path on this site, else the account page. Browsers drop tabs and newlines
    from a URL and read a backslash as a slash, so "/%09/evil.example" and a slash then a
    backslash mean //evil.example: a target with any of those, a space or a control
    character (CR/LF cannot go in a Location header), or a scheme or host, is refused."""
    home = url_for("web_account.home")
    if not target or not target.startswith("/") or target.startswith("//"):
        return home
    if any(ch.isspace() or ch == "\\" or not ch.isprintable() for ch in target):
        return home
    parts = urlsplit(target)
    return home if parts.scheme or parts.netloc else target


@blp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    error, status = None, 200
    email = request.form.get("email", "").strip()
    if request.method == "POST":
        db = get_session()
        try:
            account = authenticate(
                db, email, request.form.get("password", ""), dt.datetime.now(dt.UTC)
            )
        except Unauthorized as exc:
            error, status = exc.message, exc.code  # app/ratelimit.py counts the 401
        else:
            db.commit()
            sign_in_session(account)
            rotate_csrf()
            return redirect(safe_next(request.args.get("next")))
    html = render_template(
        "account/sign_in.html", email=email, error=error, next=request.args.get("next", "")
    )
    return Response(html, status=status, mimetype="text/html")


@blp.post("/sign-out")
def sign_out():
    if g.account is not None:  # the cookie, even if copied or replayed, is over
        sign_out_everywhere(g.account)
        get_session().commit()
    session.clear()
    rotate_csrf()
    flash("You have signed out.", "info")
    return redirect(url_for("web_account.sign_in"))


@blp.get("/")
@signed_in
def home():
    db, account = get_session(), g.account
    organizations = organizations_of(db, account)
    cutoff = months_before(dt.datetime.now(dt.UTC), CONFIRM_AFTER_MONTHS)
    merged_away = _merged_away(db, [s.id for o in organizations for s in o.services])
    listings = {
        organization.id: [
            {"service": service, "due": is_flagged(db, service.id) or last_seen(service) < cutoff}
            for service in sorted(organization.services, key=lambda s: s.name)
            if service.id not in merged_away
        ]
        for organization in organizations
    }
    staff = is_staff(account)
    mine = list_change_requests(db, account, 1, 20, status="pending")
    waiting = [
        {
            "request": r,
            "what": what_of(r.kind, r.action, r.resource_type),
            "subject": subject_of(db, r),
        }
        for r in mine.items
    ]
    own = {organization.id for organization in organizations}
    referrals = incoming_referrals(db, own) if account.role != "referrer" else []
    names = {
        item["service"].id: item["service"].name for items in listings.values() for item in items
    }
    return render_template(
        "account/home.html",
        account=account,
        organizations=organizations,
        listings=listings,
        requests=[] if staff else waiting,
        queue_size=mine.total if staff else 0,
        staff=staff,
        referrals=referrals,
        service_names=names,
        **REFERRAL_CHOICES,
    )


def _merged_away(db: Session, service_ids: list[str]) -> set[str]:
    """Services merged into another by the dedupe: their records live on under the new ID,
    so they are not listings to edit."""
    query = select(MergedAlias.old_id).where(
        MergedAlias.kind == "service", MergedAlias.old_id.in_(service_ids)
    )
    return set(db.scalars(query)) if service_ids else set()


REFERRAL_CHOICES = {
    "steps": ("contacted", *OUTCOMES),
    "decline_reasons": DECLINE_REASONS,
    "display_code": display_code,
}


@blp.get("/referrals")
@signed_in
def find_referral():
    """A person arrived with a code: the referral, if it is to one of your listings."""
    db, account = get_session(), g.account
    referral = get_referral(db, request.args.get("code", ""))
    if not may_update(db, account, own_organizations(account), referral):
        raise NotFound("There is no referral with that code to your listings.")
    service = db.get(Service, referral.service_id)
    return render_template(
        "account/referral.html", referral=referral, service=service, **REFERRAL_CHOICES
    )


@blp.post("/referrals/<code>")
@signed_in
def set_referral_status(code: str):
    """Contacted, then how it went (declined with a reason)."""
    db, account = get_session(), g.account
    referral = get_referral(db, code)
    if not may_update(db, account, own_organizations(account), referral):
        raise NotFound("There is no referral with that code to your listings.")
    status = request.form.get("status") or ""
    reason = request.form.get("reason") or None if status == "declined" else None
    update_referral(
        db, account, own_organizations(account), referral, dt.datetime.now(dt.UTC),
        status=status, reason=reason,
    )  # fmt: skip
    db.commit()
    flash(f"Referral {display_code(referral.code)}: {status.replace('_', ' ')}.", "info")
    return redirect(url_for("web_account.home"))


def editable_service(service_id: str) -> Service:
    db = get_session()
    service = db.get(Service, service_id)
    if service is None:
        raise NotFound("There is no such listing.")
    require_may_edit(db, g.account, own_organizations(g.account), "service", row_values(service))
    return service


@blp.route("/services/<service_id>/edit", methods=["GET", "POST"])
@signed_in
def edit_service(service_id: str):
    db, account = get_session(), g.account
    service = editable_service(service_id)
    if request.method == "GET":
        form = form_for(db, service)
    else:
        form = read_form(db, service, request.form)
        changes = changes_from(form, service)
        if not form.errors:
            mode = str(current_app.config.get("SIGNPOST_MODERATION") or "untrusted")
            own = own_organizations(account)
            outcomes = [
                submit_change(
                    db, account, own, change, moderate=needs_moderation(account, change, mode)
                )
                for change in changes
            ]
            db.commit()
            if not any(outcome.changed for outcome in outcomes):
                flash("Nothing was changed: the listing already said that.", "info")
            elif any(outcome.queued for outcome in outcomes):
                flash(
                    "Thank you. Your changes will appear once a moderator has checked them.", "info"
                )
            else:
                flash("Your changes are saved and live now.", "info")
            return redirect(url_for("web_account.home"))
    html = render_template(
        "account/edit_service.html",
        service=service,
        form=form,
        fields=SERVICE_FIELDS,
        schedule_inputs=SCHEDULE_FIELDS,
        frequencies=FREQUENCIES,
        days=DAY_CHOICES,
        capacity_fields=CAPACITY_FIELDS,
        capacity_choices=CAPACITY_CHOICES,
    )
    return Response(html, status=422 if form.errors else 200, mimetype="text/html")


@blp.post("/services/<service_id>/confirm")
@signed_in
def confirm(service_id: str):
    db, account = get_session(), g.account
    service = confirm_service(db, account, own_organizations(account), service_id)
    db.commit()
    flash(f"Thank you: “{service.name}” is confirmed as still running.", "info")
    return redirect(url_for("web_account.home"))


@blp.get("/claim")
@signed_in
def claim_search():
    text = request.args.get("q", "").strip()
    found = find_organizations(get_session(), text) if text else []
    return render_template("account/claim.html", q=text, found=found)


@blp.post("/organizations/<organization_id>/claim")
@signed_in
def claim(organization_id: str):
    db = get_session()
    organization = db.get(Organization, organization_id)
    if organization is None:
        raise NotFound("There is no such organisation.")
    auto = flag(current_app.config.get("SIGNPOST_AUTO_APPROVE_DOMAIN_CLAIMS", True))
    request_ = request_claim(
        db, g.account, organization_id, request.form.get("message"), auto_approve=auto
    )
    db.commit()
    if request_.status == "approved":
        flash(f"You can now keep {organization.name}'s listings up to date.", "info")
    else:
        flash(
            f"Thank you. A moderator will check your request to manage {organization.name}.", "info"
        )
    return redirect(url_for("web_account.home"))
