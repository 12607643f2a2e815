"""Signpost: an open-data community services directory and Open Referral (HSDS 3.0) API."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask
from flask_smorest import Api
from marshmallow import Schema

from app.api import dumps, register_api
from app.api.blueprint import IdConverter
from app.api.common_errors import CommonErrorsPlugin
from app.auth.setup import init_auth
from app.config import load_config, whole_number
from app.db import Database, close_session
from app.errors import register_error_handlers
from app.http import register_http
from app.mail import init_mail
from app.negotiation import prefers_html
from app.ratelimit import RateLimitDocs, init_rate_limits
from app.referrals import reminders  # noqa: F401  (registers the referral mails' renderer)
from app.services import review_mail  # noqa: F401  (registers the review reminder's renderer)
from app.web import account as web_account
from app.web import moderation as web_moderation
from app.web import register_web
from app.web.search import search_page
from schemas.page import ErrorSchema, any_of_property

__version__ = "0.1.0"


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """The application factory: config, database, API, error handlers, in that order."""
    app = Flask(__name__, instance_relative_config=True)
    load_config(app, config)
    init_auth(app)
    init_mail(app)
    init_rate_limits(app)
    app.json.sort_keys = False
    app.extensions["signpost_db"] = Database(
        app.config["DATABASE_URL"], app.config["DATABASE_REPLICA_URL"]
    )
    # What the domain needs of the settings, carried by every session it is given.
    app.extensions["signpost_db"].sessionmaker.configure(
        info={"capacity_weeks": whole_number(app.config, "SIGNPOST_CAPACITY_WEEKS")}
    )
    app.teardown_appcontext(close_session)

    plugin = MarshmallowPlugin(schema_name_resolver=schema_name)
    api = SignpostApi(
        app,
        spec_kwargs={
            "marshmallow_plugin": plugin,
            "extra_plugins": [RateLimitDocs(), CommonErrorsPlugin()],
        },
    )
    plugin.converter.add_attribute_function(any_of_property)
    app.url_map.converters["id"] = IdConverter  # before any route names it
    register_api(api)
    app.register_blueprint(dumps.blp)
    register_web(app)
    app.register_blueprint(web_account.blp)
    app.register_blueprint(web_moderation.blp)
    serve_search_page_at_root(app)
    register_error_handlers(app)
    register_http(app)
    return app


def serve_search_page_at_root(app: Flask) -> None:
    """GET / is the API's description to API clients and the search page to browsers (an
    Accept preferring text/html). The choice is made here, where both are known, so the API
    and the pages never import each other."""
    describe_api = app.view_functions["root.Root"]

    def root(*args: Any, **kwargs: Any) -> Any:
        return search_page() if prefers_html() else describe_api(*args, **kwargs)

    app.view_functions["root.Root"] = root


class SignpostApi(Api):
    """flask-smorest's Api, documenting our one error format for every error response."""

    ERROR_SCHEMA = ErrorSchema


def schema_name(schema: type[Schema] | Schema) -> str | None:
    """OpenAPI component name: the class name without "Schema"; a schema instance
    narrowed with only/exclude is inlined rather than clashing with the full one."""
    if isinstance(schema, Schema) and (schema.only or schema.exclude):
        return None
    cls = schema if isinstance(schema, type) else type(schema)
    return cls.__name__.removesuffix("Schema")
