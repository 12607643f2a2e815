"""Referral pages outside the account area: the referrer's `/my-referrals` (signed in:
their organisation's codes; otherwise the codes kept in this browser), "patient reported
back", and the commissioners' `/uptake` with its open data file `/uptake.csv`.

Nothing here shows or takes anything about a person: a code, a listing, a status.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from app.auth.csrf import check_csrf
from app.auth.current import own_organizations, session_account
from app.db import get_read_session, get_session
from app.errors import NotFound
from app.models import Service
from app.referrals.codes import display_code
from app.referrals.referrals import get_referral, referrals_made_by, update_referral
from app.referrals.uptake import COLUMNS, THRESHOLD, uptake_rows

blp = Blueprint("referral_pages", __name__)
CSV_HEADER = ("borough", "service_id", "service_name", "need", *COLUMNS)


def private(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


@blp.get("/my-referrals")
def my_referrals() -> Response:
    """How the referrals went: a signed-in referrer's organisation's, or (with
    JavaScript) the codes this browser printed; any one code typed in."""
    account = session_account()
    db = get_read_session()
    made = referrals_made_by(db, own_organizations(account)) if account is not None else []
    ids = {r.service_id for r in made}
    services = dict(db.execute(select(Service.id, Service.name).where(Service.id.in_(ids))).all())
    checked, error = None, None
    typed = request.args.get("code", "").strip()
    if typed:
        try:
            checked = get_referral(db, typed)
        except NotFound as exc:
            error = exc.message
    checked_service = db.get(Service, checked.service_id) if checked is not None else None
    html = render_template(
        "referrals/my_referrals.html",
        account=account,
        made=made,
        services=services,
        checked=checked,
        checked_service=checked_service,
        typed=typed,
        error=error,
        display_code=display_code,
    )
    return private(Response(html, status=404 if error else 200, mimetype="text/html"))


@blp.post("/my-referrals/<code>/reported-back")
def reported_back(code: str):
    """The referrer heard back from the patient (their organisation's code, or a code
    made without signing in)."""
    check_csrf()
    db = get_session()
    account = session_account()
    own = own_organizations(account) if account is not None else set()
    referral = get_referral(db, code)
    update_referral(db, account, own, referral, dt.datetime.now(dt.UTC), reported_back=True)
    db.commit()
    flash(f"Recorded: the patient reported back about {display_code(referral.code)}.", "info")
    if account is not None:
        return redirect(url_for("referral_pages.my_referrals"), code=303)
    return redirect(
        url_for("referral_pages.my_referrals", code=display_code(referral.code)), code=303
    )


@blp.get("/uptake")
def uptake() -> Response:
    """Referrals, acknowledgements and outcomes per service, need and borough, with
    small numbers suppressed."""
    rows = uptake_rows(get_read_session())
    html = render_template("referrals/uptake.html", rows=rows, threshold=THRESHOLD)
    response = Response(html, mimetype="text/html")
    response.headers["Cache-Control"] = "no-cache"  # a commissioner sees each new count
    return response


@blp.get("/uptake.csv")
def uptake_csv() -> Response:
    """The same as open data: a suppressed cell is empty (see docs/uptake.md)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for row in uptake_rows(get_read_session()):
        values = ["" if row.values.get(c) is None else f"{row.values[c]:g}" for c in COLUMNS]
        writer.writerow([row.borough, row.service_id, row.service_name, row.need, *values])
    response = Response(out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'inline; filename="uptake.csv"'
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "no-cache"
    return response
