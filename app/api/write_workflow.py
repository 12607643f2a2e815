"""Keeping listings current: history, confirming, reporting problems, claiming an
organisation, private contacts, and the moderation queue.

`GET /services/{id}/history` is public (private contacts' values are never recorded);
reporting a problem needs no account (rate-limited per IP); the rest need an API token.
"""

from __future__ import annotations

from flask import current_app, jsonify
from flask.views import MethodView

from app.api.blueprint import Blueprint
from app.api.responses import errors, page_response, require_uuid
from app.api.staff import staff_write
from app.auth.current import api_account, optional_api_account, own_organizations
from app.auth.setup import flag
from app.db import get_session
from app.services.claims import request_claim
from app.services.contacts import organization_contacts
from app.services.freshness import confirm_service
from app.services.history import service_history
from app.services.moderation import (
    approve,
    current_diff,
    get_change_request,
    list_change_requests,
    reject,
    report_problem,
)
from app.services.permissions import require_may_view
from schemas.accounts import (
    ChangeRequestDetailSchema,
    ChangeRequestListArgs,
    ChangeRequestSchema,
    ClaimArgs,
    DecisionArgs,
    PrivateContactListSchema,
    ReportArgs,
)
from schemas.page import PageArgs, page_of
from schemas.taxonomy import MetadataSchema
from schemas.write import ServiceWriteSchema

blp = Blueprint(
    "workflow",
    __name__,
    description="Keeping listings current: history, confirmation, problem reports, claims, "
    "private contacts and the moderation queue.",
)
SECURITY = [{"bearerAuth": []}]


def created(body: dict, status: int = 201):
    response = jsonify(body)
    response.status_code = status
    return response


@blp.route("/services/<id:service_id>/history")
class ServiceHistory(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(MetadataSchema, "MetadataPage"))
    @errors(blp, {404: "No service with that id"})
    def get(self, args, service_id):
        """Every change to a service and its parts (HSDS metadata), newest first"""
        page = service_history(
            get_session(), require_uuid(service_id), args["page"], args["per_page"]
        )
        return page_response(page, MetadataSchema())


@blp.route("/services/<id:service_id>/confirm")
class ServiceConfirm(MethodView):
    @blp.response(200, ServiceWriteSchema)
    @errors(
        blp,
        {
            403: "Not your organisation's service",
            404: "No service with that id",
            422: "The id is not a UUID",
        },
    )
    @blp.doc(security=SECURITY)
    def post(self, service_id):
        """Confirm a service still runs as listed (sets assured_date and assurer_email)"""
        account, db = api_account("write"), get_session()
        service = confirm_service(db, account, own_organizations(account), require_uuid(service_id))
        db.commit()
        return service


@blp.route("/services/<id:service_id>/reports")
class ServiceReports(MethodView):
    @blp.arguments(ReportArgs)
    @blp.response(202, ChangeRequestSchema)
    @errors(
        blp,
        {
            429: "Too many reports from this address",
            404: "No service with that id",
            401: "An Authorization header, not a valid token",
        },
    )
    def post(self, args, service_id):
        """Report a problem with a listing (no account needed; a moderator follows it up)"""
        db = get_session()
        request = report_problem(
            db,
            require_uuid(service_id),
            args["message"],
            args.get("contact_email"),
            account=optional_api_account(),
        )
        db.commit()
        return request


@blp.route("/organizations/<id:organization_id>/claims")
class OrganizationClaims(MethodView):
    @blp.arguments(ClaimArgs, required=False)
    @blp.response(201, ChangeRequestSchema)
    @errors(
        blp,
        {
            409: "Already yours, or already asked",
            404: "No organization with that id",
            403: "A read-only token",
        },
    )
    @blp.doc(security=SECURITY)
    def post(self, args, organization_id):
        """Ask to manage an organisation (approved at once when your email domain is its
        website's; otherwise a moderator decides)"""
        account, db = api_account("write"), get_session()
        auto = flag(current_app.config.get("SIGNPOST_AUTO_APPROVE_DOMAIN_CLAIMS", True))
        claim = request_claim(
            db, account, require_uuid(organization_id), args.get("message"), auto_approve=auto
        )
        db.commit()
        return claim


@blp.route("/organizations/<id:organization_id>/contacts")
class OrganizationContacts(MethodView):
    @blp.response(200, PrivateContactListSchema)
    @errors(
        blp,
        {
            403: "Not your organisation",
            404: "No organization with that id",
            422: "The id is not a UUID",
        },
    )
    @blp.doc(security=SECURITY)
    def get(self, organization_id):
        """All of an organisation's contacts, private ones too (its editors only)"""
        account = api_account("read")
        organization_id = require_uuid(organization_id)
        own = own_organizations(account)
        require_may_view(account, organization_id, own)
        return {"contents": organization_contacts(get_session(), organization_id, account, own)}


@blp.route("/change_requests")
class ChangeRequests(MethodView):
    @blp.arguments(ChangeRequestListArgs, location="query")
    @blp.response(200, page_of(ChangeRequestSchema, "ChangeRequestPage"))
    @blp.doc(security=SECURITY)
    def get(self, args):
        """The moderation queue, oldest first (an editor sees the requests they made)"""
        status = None if args["status"] == "any" else args["status"]
        page = list_change_requests(
            get_session(),
            api_account("read"),
            args["page"],
            args["per_page"],
            status,
            args.get("kind"),
        )
        return page_response(page, ChangeRequestSchema())


@blp.route("/change_requests/<id:request_id>")
class ChangeRequestById(MethodView):
    @blp.response(200, ChangeRequestDetailSchema)
    @errors(
        blp,
        {
            404: "No change request with that id",
            403: "Another editor's request",
            422: "The id is not a UUID",
        },
    )
    @blp.doc(security=SECURITY)
    def get(self, request_id):
        """One change request, with its diff against the object as it is now"""
        db = get_session()
        request = get_change_request(db, api_account("read"), require_uuid(request_id))
        request.current_diff = current_diff(db, request)
        return request


def decide(request_id: str, decision, reason: str | None):
    with staff_write() as (account, db):
        request = decision(db, account, require_uuid(request_id), reason)
    return request


@blp.route("/change_requests/<id:request_id>/approve")
class ChangeRequestApprove(MethodView):
    @blp.arguments(DecisionArgs, required=False)
    @blp.response(200, ChangeRequestSchema)
    @errors(
        blp,
        {
            409: "Already decided, or cannot apply",
            404: "No change request with that id",
            403: "Moderators only",
        },
    )
    @blp.doc(security=SECURITY)
    def post(self, args, request_id):
        """Approve a change request: apply the edit, grant the claim (moderators)"""
        return decide(request_id, approve, args.get("reason"))


@blp.route("/change_requests/<id:request_id>/reject")
class ChangeRequestReject(MethodView):
    @blp.arguments(DecisionArgs, required=False)
    @blp.response(200, ChangeRequestSchema)
    @errors(
        blp, {409: "Already decided", 404: "No change request with that id", 403: "Moderators only"}
    )
    @blp.doc(security=SECURITY)
    def post(self, args, request_id):
        """Reject a change request with a reason (moderators)"""
        return decide(request_id, reject, args.get("reason") or "")
