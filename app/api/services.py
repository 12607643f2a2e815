"""GET /services and GET /services/{id}."""

from flask import current_app, redirect, request
from flask.views import MethodView

from app.api.blueprint import Blueprint
from app.api.responses import (
    CONDITIONAL_HEADERS,
    NDJSON_ANSWER,
    conditional_response,
    errors,
    listing_response,
    object_response,
    optional_str,
    require_uuid,
)
from app.config import whole_number
from app.db import get_read_session
from app.dedupe.review import alias_of, service_provenance
from app.services.services import ServiceFilters, get_service, service_listing
from schemas.dedupe import ProvenanceSchema
from schemas.page import ServiceListArgs, page_of
from schemas.service import ServiceListSchema, ServiceMinimalSchema, ServiceSchema

blp = Blueprint("services", __name__, url_prefix="/services", description="Services")

LIST_SCHEMAS = {
    "minimal": ServiceMinimalSchema(),
    "list": ServiceListSchema(),
    "full": ServiceSchema(),
}


def filters_from(args: dict) -> ServiceFilters:
    """The domain's filters from parsed query arguments (shared with /service_at_locations)."""
    return ServiceFilters(
        search=args.get("search"),
        taxonomy_term_id=optional_str(args.get("taxonomy_term_id")),
        taxonomy_id=optional_str(args.get("taxonomy_id")),
        organization_id=optional_str(args.get("organization_id")),
        modified_after=args.get("modified_after"),
        status=args.get("status"),
        taxonomy_term=args.get("taxonomy_term"),
        vocabulary=args.get("vocabulary"),
        postcode=args.get("postcode"),
        latitude=args.get("lat"),
        longitude=args.get("lon"),
        proximity=args.get("proximity"),
        include_area_wide=args.get("include_area_wide", False),
        borough=args.get("borough"),
        age=args.get("age"),
        minimum_age=args.get("minimum_age"),
        maximum_age=args.get("maximum_age"),
        free=args.get("free", False),
        open_on=args.get("open_on"),
        open_at=args.get("open_at"),
        day=args.get("day"),
        start_time=args.get("start_time"),
        end_time=args.get("end_time"),
        language=args.get("language"),
        wheelchair_accessible=args.get("wheelchair_accessible", False),
        referral=args.get("referral"),
        accepting=args.get("accepting", False),
        capacity_weeks=whole_number(current_app.config, "SIGNPOST_CAPACITY_WEEKS"),
        review_months=whole_number(current_app.config, "SIGNPOST_REVIEW_MONTHS"),
        hide_months=whole_number(current_app.config, "SIGNPOST_HIDE_MONTHS"),
        include_stale=args.get("include_stale", False),
    )


@blp.route("")
class Services(MethodView):
    @blp.arguments(ServiceListArgs, location="query")
    @blp.response(
        200, page_of(ServiceListSchema, "ServicePage", ServiceMinimalSchema, ServiceSchema)
    )
    @blp.doc(**NDJSON_ANSWER)
    @errors(blp, {422: "A query parameter is invalid"})
    def get(self, args):
        """A page of services, filtered; with a postcode or lat/lon, nearest first

        Active services unless `status` or `modified_after` is given. A place search
        (`postcode` or `lat`/`lon`, `proximity` in metres) lists only the services with a
        venue within reach, nearest first, each with `distance` (metres); with
        `include_area_wide=true`, then the services with no venue whose service area covers
        the place (phone, online), marked `area_wide: true`. Without `proximity`, the
        services whose service area covers the place.
        """
        form = "full" if args["full"] else "minimal" if args["minimal"] else "list"
        listing = service_listing(get_read_session(), filters_from(args), full=form == "full")
        return listing_response(listing, LIST_SCHEMAS[form], args)


@blp.route("/<id:service_id>")
class ServiceById(MethodView):
    @blp.response(200, ServiceSchema, headers=CONDITIONAL_HEADERS)
    @blp.alt_response(301, description="Merged into another service: Location is its URL")
    @blp.alt_response(304, description="Unchanged since If-None-Match/If-Modified-Since")
    @errors(blp, {404: "No service with that id", 422: "The id is not a UUID"})
    def get(self, service_id):
        """One fully nested service (with ETag and Last-Modified, for sync)

        A service merged into another (deduplication) redirects there with 301; it stays
        listed as `inactive`, so a client syncing with `modified_after` sees it go.
        """
        session = get_read_session()
        merged_into = alias_of(session, require_uuid(service_id), "service")
        if merged_into:
            return merged_redirect(merged_into)
        service = get_service(session, require_uuid(service_id))
        response = object_response(service, ServiceSchema())
        return conditional_response(response, service.last_modified)


def merged_redirect(service_id: str):
    """301 to the service a merged-away ID's records are in now (query string kept)."""
    location = f"{request.script_root}/services/{service_id}"
    if request.query_string:
        location += "?" + request.query_string.decode("latin-1")
    return redirect(location, code=301)


@blp.route("/<id:service_id>/provenance")
class ServiceProvenance(MethodView):
    @blp.response(200, ProvenanceSchema)
    @errors(blp, {404: "No service with that id", 422: "The id is not a UUID"})
    def get(self, service_id):
        """Where a service's data came from (not HSDS)

        Its source records (source, the source's record ID, licence) and, for a service
        merged from several records, the record each field was taken from.
        """
        return service_provenance(get_read_session(), require_uuid(service_id))
