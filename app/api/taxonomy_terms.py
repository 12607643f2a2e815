"""GET /taxonomy_terms and GET /taxonomy_terms/{id}."""

from flask.views import MethodView

from app.api.blueprint import Blueprint
from app.api.responses import (
    NDJSON_ANSWER,
    errors,
    listing_response,
    object_response,
    optional_str,
    require_uuid,
)
from app.db import get_read_session
from app.services.taxonomies import get_taxonomy_term, taxonomy_term_listing
from schemas.page import TaxonomyTermListArgs, page_of
from schemas.taxonomy import TaxonomyTermSchema

blp = Blueprint(
    "taxonomy_terms", __name__, url_prefix="/taxonomy_terms", description="Taxonomy terms"
)


@blp.route("")
class TaxonomyTerms(MethodView):
    @blp.arguments(TaxonomyTermListArgs, location="query")
    @blp.response(200, page_of(TaxonomyTermSchema, "TaxonomyTermPage"))
    @blp.doc(**NDJSON_ANSWER)
    @errors(blp, {422: "A query parameter is invalid"})
    def get(self, args):
        """A page of taxonomy terms (top_only: no parent; parent_id: children of one term)"""
        listing = taxonomy_term_listing(
            get_read_session(),
            args.get("search"),
            taxonomy_id=optional_str(args.get("taxonomy_id")),
            parent_id=optional_str(args.get("parent_id")),
            top_only=args["top_only"],
        )
        return listing_response(listing, TaxonomyTermSchema(), args)


@blp.route("/<id:term_id>")
class TaxonomyTermById(MethodView):
    @blp.response(200, TaxonomyTermSchema)
    @errors(blp, {404: "No taxonomy term with that id", 422: "The id is not a UUID"})
    def get(self, term_id):
        """One taxonomy term"""
        term = get_taxonomy_term(get_read_session(), require_uuid(term_id))
        return object_response(term, TaxonomyTermSchema())
