"""GET /services and GET /services/{id}."""

from flask.views import MethodView
from flask_smorest import Blueprint

from app.db import get_session
from app.services.services import ServiceFilters, get_service, list_services
from schemas.page import ErrorSchema, ServiceListArgs, page_of
from schemas.service import ServiceListSchema, ServiceMinimalSchema, ServiceSchema

from .responses import object_response, optional_str, page_response, require_uuid

blp = Blueprint("services", __name__, url_prefix="/services", description="Services")

LIST_SCHEMAS = {
    "minimal": ServiceMinimalSchema(),
    "list": ServiceListSchema(),
    "full": ServiceSchema(),
}


def filters_from(args: dict) -> ServiceFilters:
    return ServiceFilters(
        search=args.get("search"),
        taxonomy_term_id=optional_str(args.get("taxonomy_term_id")),
        taxonomy_id=optional_str(args.get("taxonomy_id")),
        organization_id=optional_str(args.get("organization_id")),
        modified_after=args.get("modified_after"),
    )


@blp.route("")
class Services(MethodView):
    @blp.arguments(ServiceListArgs, location="query")
    @blp.response(200, page_of(ServiceListSchema, "ServicePage"))
    @blp.alt_response(422, schema=ErrorSchema, description="A query parameter is invalid")
    def get(self, args):
        """A page of services, filtered (active services unless modified_after is given)"""
        form = "full" if args["full"] else "minimal" if args["minimal"] else "list"
        page = list_services(
            get_session(), filters_from(args), args["page"], args["per_page"], full=form == "full"
        )
        return page_response(page, LIST_SCHEMAS[form])


@blp.route("/<service_id>")
class ServiceById(MethodView):
    @blp.response(200, ServiceSchema)
    @blp.alt_response(404, schema=ErrorSchema, description="No service with that id")
    @blp.alt_response(422, schema=ErrorSchema, description="The id is not a UUID")
    def get(self, service_id):
        """One fully nested service"""
        service = get_service(get_session(), require_uuid(service_id))
        return object_response(service, ServiceSchema())
