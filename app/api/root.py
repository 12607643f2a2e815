"""GET / : what this API is (HSDS version, profile, where its OpenAPI document is).

A browser (an Accept header preferring text/html) gets the search page at the same URL:
`app.create_app` puts the two together, so neither the API nor the pages import the other.
"""

from flask import current_app
from flask.views import MethodView
from marshmallow import Schema, fields

from app.api.blueprint import Blueprint
from app.http import external_url

blp = Blueprint("root", __name__, url_prefix="/", description="About this API")


class RootSchema(Schema):
    version = fields.String(required=True)
    profile = fields.String(required=True)
    openapi_url = fields.String(required=True)


@blp.route("/")
class Root(MethodView):
    @blp.response(200, RootSchema)
    def get(self):
        """HSDS version, profile and OpenAPI URL of this API"""
        body = {
            "version": "3.0",
            "profile": current_app.config["SIGNPOST_PROFILE_URL"],
            "openapi_url": external_url("api-docs.openapi_json"),
        }
        return body, 200, {"Vary": "Accept"}
