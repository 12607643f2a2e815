"""GET /taxonomies and GET /taxonomies/{id}."""

from flask.views import MethodView

from app.api.blueprint import Blueprint
from app.api.responses import object_response, page_response, require_uuid
from app.db import get_read_session
from app.services.taxonomies import get_taxonomy, list_taxonomies
from schemas.page import ErrorSchema, SearchPageArgs, page_of
from schemas.taxonomy import TaxonomySchema

blp = Blueprint("taxonomies", __name__, url_prefix="/taxonomies", description="Taxonomies")


@blp.route("")
class Taxonomies(MethodView):
    @blp.arguments(SearchPageArgs, location="query")
    @blp.response(200, page_of(TaxonomySchema, "TaxonomyPage"))
    @blp.alt_response(422, schema=ErrorSchema, description="A query parameter is invalid")
    def get(self, args):
        """A page of taxonomies"""
        page = list_taxonomies(
            get_read_session(), args.get("search"), args["page"], args["per_page"]
        )
        return page_response(page, TaxonomySchema())


@blp.route("/<taxonomy_id>")
class TaxonomyById(MethodView):
    @blp.response(200, TaxonomySchema)
    @blp.alt_response(404, schema=ErrorSchema, description="No taxonomy with that id")
    @blp.alt_response(422, schema=ErrorSchema, description="The id is not a UUID")
    def get(self, taxonomy_id):
        """One taxonomy"""
        taxonomy = get_taxonomy(get_read_session(), require_uuid(taxonomy_id))
        return object_response(taxonomy, TaxonomySchema())
