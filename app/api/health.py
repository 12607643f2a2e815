"""GET /healthz: for load balancers — is the database reachable and the schema current?

With a read replica configured it is reported too. One with pending migrations fails
the check (its reads would be wrong); an unreachable one does not, since the primary
then serves the reads (app.db): failing every instance over a replica they all share
would turn a slower directory into no directory."""

from flask import jsonify
from flask.views import MethodView
from marshmallow import Schema, fields
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from app.db import get_db
from app.mail.queue import backlog
from app.migrate import is_current

from .blueprint import Blueprint

blp = Blueprint("health", __name__, url_prefix="/healthz", description="Health check")


class HealthSchema(Schema):
    status = fields.String(required=True, metadata={"description": "ok or failing"})
    database = fields.String(required=True)
    migrations = fields.String(required=True)
    replica = fields.String(
        required=True,
        metadata={"description": "ok, unreachable, pending migrations, or not configured"},
    )
    mail_queued = fields.Integer(
        metadata={"description": "messages waiting to be sent (a backlog: is the server down?)"}
    )
    mail_failed = fields.Integer(metadata={"description": "messages that failed for good"})
    mail_oldest_queued_at = fields.DateTime(
        allow_none=True, metadata={"description": "when the oldest waiting message was queued"}
    )


@blp.route("")
class Health(MethodView):
    @blp.response(200, HealthSchema)
    @blp.alt_response(503, schema=HealthSchema, description="Not ready to serve")
    def get(self):
        """Database reachable and migrations current (503 otherwise)"""
        db = get_db()
        database, migrations = check(db.engine)
        replica = "not configured"
        if db.replica_engine is not None:
            reachable, replica_migrations = check(db.replica_engine)
            replica = "pending migrations" if replica_migrations == "pending" else reachable
        serving = replica != "pending migrations"
        healthy = serving and (database, migrations) == ("ok", "current")
        body = {"status": "ok" if healthy else "failing", "database": database,
                "migrations": migrations, "replica": replica}  # fmt: skip
        body |= mail_backlog(db) if database == "ok" else {}
        response = jsonify(body)
        response.status_code = 200 if healthy else 503
        response.headers["Cache-Control"] = "no-store"
        return response


def mail_backlog(db) -> dict:
    """The outgoing mail queue, reported but not failing the check: a mail outage must
    not take the directory out of the load balancer."""
    session = db.sessionmaker()
    try:
        waiting = backlog(session)
    except SQLAlchemyError:
        return {}
    finally:
        session.close()
    oldest = waiting.oldest_queued_at
    return {"mail_queued": waiting.queued, "mail_failed": waiting.failed,
            "mail_oldest_queued_at": oldest.isoformat() if oldest else None}  # fmt: skip


def check(engine: Engine) -> tuple[str, str]:
    """(database, migrations): ok and current or pending, or unreachable and unknown."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return "ok", "current" if is_current(engine) else "pending"
    except SQLAlchemyError:
        return "unreachable", "unknown"
