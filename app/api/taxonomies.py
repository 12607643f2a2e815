"""GET /taxonomies and GET /taxonomies/{id}."""

from flask.views import MethodView

from app.api.blueprint import Blueprint
from app.api.responses import NDJSON_ANSWER, errors, listing_response, object_response, require_uuid
from app.db import get_read_session
from app.services.taxonomies import get_taxonomy, taxonomy_listing
from schemas.page import SearchPageArgs, page_of
from schemas.taxonomy import TaxonomySchema

blp = Blueprint("taxonomies", __name__, url_prefix="/taxonomies", description="Taxonomies")


@blp.route("")
class Taxonomies(MethodView):
    @blp.arguments(SearchPageArgs, location="query")
    @blp.response(200, page_of(TaxonomySchema, "TaxonomyPage"))
    @blp.doc(**NDJSON_ANSWER)
    @errors(blp, {422: "A query parameter is invalid"})
    def get(self, args):
        """A page of taxonomies"""
        listing = taxonomy_listing(get_read_session(), args.get("search"))
        return listing_response(listing, TaxonomySchema(), args)


@blp.route("/<id:taxonomy_id>")
class TaxonomyById(MethodView):
    @blp.response(200, TaxonomySchema)
    @errors(blp, {404: "No taxonomy with that id", 422: "The id is not a UUID"})
    def get(self, taxonomy_id):
        """One taxonomy"""
        taxonomy = get_taxonomy(get_read_session(), require_uuid(taxonomy_id))
        return object_response(taxonomy, TaxonomySchema())
