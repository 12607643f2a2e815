"""Not HSDS: accounts, API tokens, claims, problem reports and the moderation queue."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.models.accounts import CHANGE_KINDS, CHANGE_STATUSES, ROLES, TOKEN_SCOPES
from schemas.base import uuid_field
from schemas.contact import ContactSchema
from schemas.page import PageArgs


class AccountSchema(Schema):
    id = uuid_field()
    email = fields.String()
    name = fields.String(allow_none=True)
    role = fields.String(metadata={"enum": list(ROLES)})
    trusted = fields.Boolean(metadata={"description": "Changes go live without moderation"})
    active = fields.Boolean()
    organization_ids = fields.List(fields.String(), metadata={"description": "It may edit"})


class AccountPatchArgs(Schema):
    trusted = fields.Boolean(metadata={"description": "Moderators and admins"})
    role = fields.String(validate=validate.OneOf(ROLES), metadata={"description": "Admins"})
    active = fields.Boolean(metadata={"description": "Admins"})


class TokenRequestArgs(Schema):
    email = fields.Email(required=True)
    password = fields.String(required=True, load_only=True)
    scope = fields.String(load_default="read", validate=validate.OneOf(TOKEN_SCOPES))
    name = fields.String(validate=validate.Length(max=100))


class TokenSchema(Schema):
    id = uuid_field()
    name = fields.String(allow_none=True)
    scope = fields.String()
    created_at = fields.DateTime()
    last_used_at = fields.DateTime(allow_none=True)
    revoked_at = fields.DateTime(allow_none=True)


class NewTokenSchema(TokenSchema):
    token = fields.String(metadata={"description": "Shown only this once; keep it secret"})


class DiffSchema(Schema):
    field = fields.String()
    previous = fields.Raw(allow_none=True)
    proposed = fields.Raw(allow_none=True)


class ChangeRequestSchema(Schema):
    id = uuid_field()
    kind = fields.String(metadata={"enum": list(CHANGE_KINDS)})
    status = fields.String(metadata={"enum": list(CHANGE_STATUSES)})
    action = fields.String()
    resource_type = fields.String()
    resource_id = uuid_field()
    organization_id = fields.String(allow_none=True)
    proposed = fields.Dict(metadata={"description": "The values the change would set"})
    diff = fields.List(fields.Nested(DiffSchema), metadata={"description": "When submitted"})
    message = fields.String(allow_none=True)
    contact_email = fields.String(allow_none=True)
    submitted_by = fields.String(attribute="submitted_by_label")
    created_at = fields.DateTime()
    decided_at = fields.DateTime(allow_none=True)
    reason = fields.String(allow_none=True)


class ChangeRequestDetailSchema(ChangeRequestSchema):
    current_diff = fields.List(
        fields.Nested(DiffSchema), metadata={"description": "Against the object as it is now"}
    )


class ChangeRequestListArgs(PageArgs):
    status = fields.String(
        load_default="pending", validate=validate.OneOf([*CHANGE_STATUSES, "any"])
    )
    kind = fields.String(validate=validate.OneOf(CHANGE_KINDS))


class DecisionArgs(Schema):
    reason = fields.String(validate=validate.Length(max=2000))


class ClaimArgs(Schema):
    message = fields.String(validate=validate.Length(max=2000))


class ReportArgs(Schema):
    message = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    contact_email = fields.Email()


class PrivateContactSchema(ContactSchema):
    """A contact as its own organisation's editors see it: public or not."""

    is_public = fields.Boolean()


class PrivateContactListSchema(Schema):
    contents = fields.List(fields.Nested(PrivateContactSchema))
