"""The deduplication review queue (moderators and admins): possible matches, and the
decisions that settle them. `signpost review` is the same from the command line."""

from __future__ import annotations

from flask.views import MethodView

from app.api.blueprint import Blueprint
from app.api.responses import errors, page_response
from app.api.staff import staff_write
from app.auth.current import api_account
from app.db import get_session
from app.dedupe.review import decide, review_page
from app.services.permissions import require_staff
from schemas.dedupe import DedupeReportSchema, MatchDecisionArgs, ReviewItemSchema
from schemas.page import PageArgs, page_of

blp = Blueprint(
    "review",
    __name__,
    description="Deduplication: possible matches for a person to decide (moderators only).",
)
SECURITY = [{"bearerAuth": []}]


@blp.route("/review")
class ReviewQueue(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(ReviewItemSchema, "ReviewPage"))
    @errors(blp, {401: "No valid API token", 403: "Not a moderator"})
    @blp.doc(security=SECURITY)
    def get(self, args):
        """Possible matches, strongest first, each with both records and the score's reasons"""
        require_staff(api_account("read"))
        page = review_page(get_session(), args["page"], args["per_page"])
        return page_response(page, ReviewItemSchema())


@blp.route("/review/decisions")
class ReviewDecisions(MethodView):
    @blp.arguments(MatchDecisionArgs)
    @blp.response(201, DedupeReportSchema)
    @errors(blp, {401: "No valid API token", 403: "Not a moderator", 404: "No such source record"})
    @blp.doc(security=SECURITY)
    def post(self, args):
        """Decide that two source records are one service (must_link) or not (cannot_link)

        The decision is applied at once (the affected services are merged or split) and
        by every later run; the response is that run's report.
        """
        with staff_write() as (account, session):
            report = decide(
                session,
                args["record_a"],
                args["record_b"],
                args["decision"],
                account.email,
                args.get("note"),
            )
        return report
