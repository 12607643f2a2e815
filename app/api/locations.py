"""GET /locations/{id}."""

from flask.views import MethodView

from app.api.blueprint import Blueprint
from app.api.responses import errors, object_response, require_uuid
from app.db import get_read_session
from app.services.locations import get_location
from schemas.location import LocationSchema

blp = Blueprint("locations", __name__, url_prefix="/locations", description="Locations")


@blp.route("/<id:location_id>")
class LocationById(MethodView):
    @blp.response(200, LocationSchema)
    @errors(blp, {404: "No location with that id", 422: "The id is not a UUID"})
    def get(self, location_id):
        """One location with its addresses, phones, schedules and accessibility"""
        location = get_location(get_read_session(), require_uuid(location_id))
        return object_response(location, LocationSchema())
