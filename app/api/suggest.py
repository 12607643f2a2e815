"""GET /suggest: type-ahead completions for the search box (not part of HSDS)."""

from flask import jsonify
from flask.views import MethodView

from app.api.responses import errors
from app.db import get_read_session
from app.search import suggest
from schemas.search import SuggestArgs, SuggestionSchema, SuggestionsSchema

from .blueprint import Blueprint

blp = Blueprint("suggest", __name__, url_prefix="/suggest", description="Search suggestions")


@blp.route("")
class Suggest(MethodView):
    @blp.arguments(SuggestArgs, location="query")
    @blp.response(200, SuggestionsSchema)
    @errors(blp, {422: "A query parameter is invalid"})
    def get(self, args):
        """Completions of a partly typed search: taxonomy term names, then service names

        Matches the start of any word of a name ("gar" completes "Gardening and green
        activity" and "Brixton Community Garden"), by indexed prefix lookups.
        """
        found = suggest(get_read_session(), args["q"], args["limit"])
        body = {"query": args["q"], "suggestions": SuggestionSchema(many=True).dump(found)}
        return jsonify(body)
