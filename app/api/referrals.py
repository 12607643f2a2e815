"""Referrals (an extension: HSDS has no referral object).

- `POST /referrals`: codes for up to 10 services, as a prescription prints them (a write
  token; a referrer's are marked with their organisation);
- `GET /referrals/{code}`: the status, for whoever holds the code (no token needed: the
  code is unguessable; limited as a search, so it cannot be enumerated);
- `PATCH /referrals/{code}`: the status, by the service's editors; "patient reported
  back", by the referrer's organisation (a write token).

Like every write: bearer token, write rate limit, a row in the change history. The API
ignores cookies, so it needs no CSRF token.
"""

from __future__ import annotations

import datetime as dt

from flask import current_app, jsonify, url_for
from flask.views import MethodView

from app.api.blueprint import Blueprint
from app.api.responses import errors
from app.auth.current import api_account, own_organizations
from app.db import get_session
from app.errors import Forbidden
from app.models import Service
from app.models.referrals import Referral
from app.referrals.codes import display_code
from app.referrals.referrals import create_referrals, get_referral, update_referral
from schemas.referrals import (
    ReferralBatchSchema,
    ReferralCreateArgs,
    ReferralPatchArgs,
    ReferralSchema,
)

blp = Blueprint(
    "referrals",
    __name__,
    description="Referrals by code, holding nothing about the person (not HSDS: an extension).",
)
SECURITY = [{"bearerAuth": []}]


def referral_body(referral: Referral) -> dict:
    return ReferralSchema().dump(referral_values(referral))


def referral_values(referral: Referral) -> dict:
    """What the code's holder may see: never the referrer, the batch or reminders."""
    service = get_session().get(Service, referral.service_id)
    values = {name: getattr(referral, name, None) for name in ReferralSchema().fields}
    values["code"] = display_code(referral.code)
    values["service_name"] = service.name if service else None
    values["needs"] = list(referral.needs or [])
    return values


def public_base() -> str:
    return str(current_app.config.get("SIGNPOST_PUBLIC_URL") or "").rstrip("/")


@blp.route("/referrals")
class Referrals(MethodView):
    @blp.arguments(ReferralCreateArgs)
    @blp.response(201, ReferralBatchSchema)
    @errors(blp, {401: "No valid API token", 403: "Not one of your organisations",
                  422: "No such active service, or too many"})  # fmt: skip
    @blp.doc(security=SECURITY)
    def post(self, args):
        """Make referral codes for up to 10 services (one prescription)"""
        account = api_account("write")
        own = own_organizations(account)
        organization_id = args.get("organization_id")
        if organization_id is not None and organization_id not in own:
            raise Forbidden("You may refer only on behalf of your own organisation.")
        if organization_id is None and account.role == "referrer" and len(own) == 1:
            organization_id = next(iter(own))
        db = get_session()
        referrals = create_referrals(
            db, args["service_ids"], dt.datetime.now(dt.UTC), needs=args["needs"],
            organization_id=organization_id, base_url=public_base(),
        )  # fmt: skip
        db.commit()
        batch = referrals[0].batch
        body = {
            "batch": batch,
            "short_url": url_for("prescription.short_link", batch=batch, _external=True),
            "referrals": [referral_values(r) for r in referrals],
        }
        response = jsonify(ReferralBatchSchema().dump(body))
        response.status_code = 201
        return response


@blp.route("/referrals/<code>")
class ReferralByCode(MethodView):
    @blp.response(200, ReferralSchema)
    @errors(blp, {404: "No referral with that code", 422: "Not a referral code"})
    def get(self, code):
        """A referral's status, for whoever holds its code"""
        response = jsonify(referral_body(get_referral(get_session(), code)))
        response.headers["Cache-Control"] = "no-store"  # changes, and is the holder's only
        return response

    @blp.arguments(ReferralPatchArgs)
    @blp.response(200, ReferralSchema)
    @errors(blp, {401: "No valid API token", 403: "Not the service's editor, or not the referrer",
                  404: "No referral with that code", 422: "Not a step there is"})  # fmt: skip
    @blp.doc(security=SECURITY)
    def patch(self, args, code):
        """Record a referral's status (the service's editors) or that the patient reported back"""
        account = api_account("write")
        db = get_session()
        referral = get_referral(db, code)
        update_referral(
            db, account, own_organizations(account), referral, dt.datetime.now(dt.UTC),
            status=args.get("status"), reason=args.get("reason"),
            reported_back=args.get("reported_back"),
        )  # fmt: skip
        db.commit()
        return jsonify(referral_body(referral))
