"""Webhooks for mirrors: subscribe with an API token (read scope is enough), list and
cancel your subscriptions, read their delivery log. The deliveries themselves are made
by `signpost webhooks deliver` (app.services.webhooks says what a receiver gets)."""

from __future__ import annotations

import datetime as dt

from flask import current_app, g, jsonify
from flask.views import MethodView

from app.api.blueprint import Blueprint
from app.api.responses import errors, require_uuid
from app.auth.current import api_account
from app.auth.setup import flag
from app.db import get_session
from app.services.webhooks import (
    deliveries_of,
    subscribe,
    subscription_of,
    subscriptions_of,
    unsubscribe,
)
from schemas.webhooks import NewWebhookSchema, WebhookArgs, WebhookDeliverySchema, WebhookSchema

blp = Blueprint("webhooks", __name__, description="Not HSDS: a change feed for mirrors.")
SECURITY = [{"bearerAuth": []}]
WEBHOOK_404 = "No such webhook of this token's"


def allow_private() -> bool:
    return flag(current_app.config.get("SIGNPOST_WEBHOOKS_ALLOW_PRIVATE", False))


@blp.route("/webhooks")
class Webhooks(MethodView):
    @blp.arguments(WebhookArgs)
    @blp.response(201, NewWebhookSchema)
    @errors(
        blp,
        {400: "The body is not JSON", 401: "No valid API token", 422: "Not a usable receiver URL"},
    )
    @blp.doc(security=SECURITY)
    def post(self, args):
        """Subscribe: changed services are posted to `url`, signed with the secret (shown once)"""
        api_account("read")
        db = get_session()
        row, secret = subscribe(
            db, g.token_id, args["url"], dt.datetime.now(dt.UTC), allow_private=allow_private()
        )
        db.commit()
        response = jsonify(NewWebhookSchema().dump(row) | {"secret": secret})
        response.status_code = 201
        return response

    @blp.response(200, WebhookSchema(many=True))
    @errors(blp, {401: "No valid API token"})
    @blp.doc(security=SECURITY)
    def get(self):
        """This token's webhooks (never their secrets)"""
        api_account("read")
        return subscriptions_of(get_session(), g.token_id)


@blp.route("/webhooks/<id:webhook_id>")
class WebhookById(MethodView):
    @blp.response(204)
    @errors(blp, {401: "No valid API token", 404: WEBHOOK_404, 422: "The id is not a UUID"})
    @blp.doc(security=SECURITY)
    def delete(self, webhook_id):
        """Cancel a webhook"""
        api_account("read")
        db = get_session()
        unsubscribe(db, subscription_of(db, g.token_id, require_uuid(webhook_id)))
        db.commit()


@blp.route("/webhooks/<id:webhook_id>/deliveries")
class WebhookDeliveries(MethodView):
    @blp.response(200, WebhookDeliverySchema(many=True))
    @errors(blp, {401: "No valid API token", 404: WEBHOOK_404, 422: "The id is not a UUID"})
    @blp.doc(security=SECURITY)
    def get(self, webhook_id):
        """The webhook's last 50 delivery attempts, newest first"""
        api_account("read")
        db = get_session()
        return deliveries_of(db, subscription_of(db, g.token_id, require_uuid(webhook_id)))
