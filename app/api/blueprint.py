"""The API's blueprint: flask-smorest's, with a parser that refuses unknown query parameters.

webargs ignores query parameters a schema does not name (EXCLUDE), so a typo such as
`taxonomy_terms=` silently returned everything. Refusing them (marshmallow's RAISE) makes
it a 422 naming the parameter, in the one error format (app/errors.py). Pages parse their
own query strings and may ignore what they do not know.
"""

from __future__ import annotations

import flask_smorest
from marshmallow import RAISE
from webargs.flaskparser import FlaskParser


class StrictQueryParser(FlaskParser):
    DEFAULT_UNKNOWN_BY_LOCATION = {
        **FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION,
        "query": RAISE,
        "querystring": RAISE,
    }


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = StrictQueryParser()
