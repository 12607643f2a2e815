"""GET /service_at_locations and GET /service_at_locations/{id}."""

from flask.views import MethodView

from app.api.blueprint import Blueprint
from app.api.responses import NDJSON_ANSWER, errors, listing_response, object_response, require_uuid
from app.api.services import filters_from
from app.db import get_read_session
from app.services.services import get_service_at_location, service_at_location_listing
from schemas.page import ServiceAtLocationListArgs, page_of
from schemas.service import ServiceAtLocationFullSchema, ServiceAtLocationListSchema

blp = Blueprint(
    "service_at_locations",
    __name__,
    url_prefix="/service_at_locations",
    description="Services at the locations where they are delivered",
)


@blp.route("")
class ServiceAtLocations(MethodView):
    @blp.arguments(ServiceAtLocationListArgs, location="query")
    @blp.response(
        200,
        page_of(ServiceAtLocationListSchema, "ServiceAtLocationPage", ServiceAtLocationFullSchema),
    )
    @blp.doc(**NDJSON_ANSWER)
    @errors(blp, {422: "A query parameter is invalid"})
    def get(self, args):
        """A page of service_at_locations, filtered like /services; with a place, nearest first

        With `postcode` or `lat`/`lon` and `proximity`, only the venues within reach,
        nearest first with `distance` (metres); with `include_area_wide=true`, then the
        venues with no point (virtual ones) of services whose service area covers the
        place (`area_wide: true`). Without `proximity`, the venues of those services.
        """
        full = args["full"]
        listing = service_at_location_listing(get_read_session(), filters_from(args), full=full)
        schema = ServiceAtLocationFullSchema() if full else ServiceAtLocationListSchema()
        return listing_response(listing, schema, args)


@blp.route("/<id:sal_id>")
class ServiceAtLocationById(MethodView):
    @blp.response(200, ServiceAtLocationFullSchema)
    @errors(blp, {404: "No service_at_location with that id", 422: "The id is not a UUID"})
    def get(self, sal_id):
        """One service_at_location with its location and full service"""
        sal = get_service_at_location(get_read_session(), require_uuid(sal_id))
        return object_response(sal, ServiceAtLocationFullSchema())
