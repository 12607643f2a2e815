"""Not HSDS: referrals (HSDS has no referral object; an extension, see openapi.yaml).

A referral says which service a code refers to and how it went; never anything about the
person referred (there is no such field to send: unknown fields are refused).
"""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from app.models.referrals import DECLINE_REASONS, REFERRAL_STATUSES
from schemas.base import uuid_field


class ReferralSchema(Schema):
    code = fields.String(metadata={"description": "The code, as printed: 7KQ2M-XD4PA"})
    service_id = uuid_field()
    service_name = fields.String()
    needs = fields.List(fields.String(), metadata={"description": "Needs the referrer chose"})
    status = fields.String(metadata={"enum": list(REFERRAL_STATUSES)})
    reason = fields.String(
        allow_none=True, metadata={"enum": list(DECLINE_REASONS), "description": "Declined: why"}
    )
    created_at = fields.DateTime()
    contacted_at = fields.DateTime(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)
    reported_back_at = fields.DateTime(
        allow_none=True, metadata={"description": "When the referrer heard back from the patient"}
    )


class ReferralCreateArgs(Schema):
    class Meta:
        unknown = RAISE

    service_ids = fields.List(
        fields.String(), required=True, validate=validate.Length(min=1, max=10)
    )
    needs = fields.List(fields.String(validate=validate.Length(max=100)), load_default=list,
                        validate=validate.Length(max=10))  # fmt: skip
    organization_id = fields.String(
        metadata={"description": "The referrer's organisation (one of yours); default: your "
                  "only one, if you have exactly one"}
    )  # fmt: skip


class ReferralBatchSchema(Schema):
    batch = fields.String(metadata={"description": "The prescription's short link code"})
    short_url = fields.String(metadata={"description": "Opens the same list of activities"})
    referrals = fields.List(fields.Nested(ReferralSchema))


class ReferralPatchArgs(Schema):
    class Meta:
        unknown = RAISE

    status = fields.String(
        validate=validate.OneOf([s for s in REFERRAL_STATUSES if s != "new"]),
        metadata={"description": "The service's editors"},
    )
    reason = fields.String(
        validate=validate.OneOf(DECLINE_REASONS), metadata={"description": "With declined"}
    )
    reported_back = fields.Boolean(metadata={"description": "The referrer's organisation"})
