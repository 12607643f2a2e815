"""GET /healthz: for load balancers — is the database reachable and the schema current?"""

from flask import jsonify
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.db import get_db
from app.migrate import is_current

blp = Blueprint("health", __name__, url_prefix="/healthz", description="Health check")


class HealthSchema(Schema):
    status = fields.String(required=True, metadata={"description": "ok or failing"})
    database = fields.String(required=True)
    migrations = fields.String(required=True)


@blp.route("")
class Health(MethodView):
    @blp.response(200, HealthSchema)
    @blp.alt_response(503, schema=HealthSchema, description="Not ready to serve")
    def get(self):
        """Database reachable and migrations current (503 otherwise)"""
        engine = get_db().engine
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            migrations = "current" if is_current(engine) else "pending"
            database = "ok"
        except SQLAlchemyError:
            database, migrations = "unreachable", "unknown"
        healthy = database == "ok" and migrations == "current"
        body = {"status": "ok" if healthy else "failing", "database": database,
                "migrations": migrations}  # fmt: skip
        response = jsonify(body)
        response.status_code = 200 if healthy else 503
        response.headers["Cache-Control"] = "no-store"
        return response
