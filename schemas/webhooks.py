"""Not HSDS: webhook subscriptions (a change feed for mirrors) and their delivery log."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from schemas.base import uuid_field


class WebhookArgs(Schema):
    url = fields.String(
        required=True,
        validate=validate.Length(min=1, max=2000),
        metadata={"description": "Where to POST changes: https on the public internet"},
    )


class WebhookSchema(Schema):
    id = uuid_field()
    url = fields.String()
    created_at = fields.DateTime()
    cursor_modified = fields.DateTime(
        metadata={"description": "Changes up to this last_modified have been delivered"}
    )
    failures = fields.Integer(metadata={"description": "Failed posts in a row"})
    next_attempt_at = fields.DateTime()
    last_error = fields.String(allow_none=True)


class NewWebhookSchema(WebhookSchema):
    secret = fields.String(
        metadata={
            "description": "The HMAC-SHA256 key for X-Signpost-Signature; shown only this once"
        }
    )


class WebhookDeliverySchema(Schema):
    id = uuid_field()
    attempted_at = fields.DateTime()
    changes = fields.Integer()
    status_code = fields.Integer(allow_none=True)
    ok = fields.Boolean()
    error = fields.String(allow_none=True)
