"""GET /organizations and GET /organizations/{id}."""

from flask.views import MethodView

from app.api.blueprint import Blueprint
from app.api.responses import NDJSON_ANSWER, errors, listing_response, object_response, require_uuid
from app.db import get_read_session
from app.services.organizations import get_organization, organization_listing
from schemas.organization import (
    OrganizationDetailSchema,
    OrganizationFullSchema,
    OrganizationSchema,
    OrganizationWithServicesSchema,
)
from schemas.page import OrganizationArgs, OrganizationListArgs, page_of

blp = Blueprint("organizations", __name__, url_prefix="/organizations", description="Organizations")


@blp.route("")
class Organizations(MethodView):
    @blp.arguments(OrganizationListArgs, location="query")
    @blp.response(200, page_of(OrganizationSchema, "OrganizationPage", OrganizationDetailSchema))
    @blp.doc(**NDJSON_ANSWER)
    @errors(blp, {422: "A query parameter is invalid"})
    def get(self, args):
        """A page of organizations"""
        full = args["full"] or args["full_service"]
        listing = organization_listing(get_read_session(), args.get("search"), full=full)
        schema = OrganizationDetailSchema() if full else OrganizationSchema()
        return listing_response(listing, schema, args)


@blp.route("/<id:organization_id>")
class OrganizationById(MethodView):
    @blp.arguments(OrganizationArgs, location="query")
    @blp.response(200, OrganizationFullSchema)
    @errors(blp, {404: "No organization with that id", 422: "The id is not a UUID"})
    def get(self, args, organization_id):
        """One organization with its locations and services (full_service: fully nested)"""
        organization = get_organization(
            get_read_session(), require_uuid(organization_id), args["full_service"]
        )
        schema = (
            OrganizationFullSchema() if args["full_service"] else OrganizationWithServicesSchema()
        )
        return object_response(organization, schema)
