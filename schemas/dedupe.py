"""Not HSDS: deduplication's review queue, reviewers' decisions and provenance."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.models.dedupe import DECISIONS
from schemas.base import uuid_field


class ReasonSchema(Schema):
    feature = fields.String(metadata={"description": "e.g. organization, activity, phone"})
    weight = fields.Float(metadata={"description": "Its contribution to the score"})


class ReviewRecordSchema(Schema):
    id = uuid_field()
    source = fields.String()
    key = fields.String(metadata={"description": "The source's own ID for the record"})
    status = fields.String()
    service_id = fields.String(allow_none=True, metadata={"description": "Published in"})
    name = fields.String(allow_none=True)
    organization = fields.String(allow_none=True)
    description = fields.String(allow_none=True)
    places = fields.List(fields.String())
    phones = fields.List(fields.String())
    email = fields.String(allow_none=True)
    url = fields.String(allow_none=True)


class ReviewItemSchema(Schema):
    id = uuid_field()
    score = fields.Float()
    reasons = fields.List(fields.Nested(ReasonSchema))
    found_at = fields.DateTime()
    records = fields.List(fields.Nested(ReviewRecordSchema))


class MatchDecisionArgs(Schema):
    record_a = fields.String(
        required=True, metadata={"description": "Source record id, or SOURCE/KEY"}
    )
    record_b = fields.String(required=True)
    decision = fields.String(
        required=True,
        validate=validate.OneOf(DECISIONS),
        metadata={"description": "must_link: one service; cannot_link: different services"},
    )
    note = fields.String(validate=validate.Length(max=2000))


class DedupeReportSchema(Schema):
    records = fields.Integer()
    compared = fields.Integer()
    withdrawn = fields.Integer()
    services = fields.Integer()
    merged = fields.Integer()
    published = fields.Integer()
    retired = fields.Integer()
    review = fields.Integer()
    full = fields.Boolean()
    seconds = fields.Float()


class FieldSourceSchema(Schema):
    source = fields.String(allow_none=True)
    record_key = fields.String(allow_none=True)
    source_record_id = uuid_field()


class SourceRecordRefSchema(Schema):
    source_record_id = uuid_field()
    source = fields.String()
    source_title = fields.String(allow_none=True)
    licence = fields.String(allow_none=True)
    record_key = fields.String()
    status = fields.String(metadata={"enum": ["active", "withdrawn"]})
    first_seen_at = fields.DateTime()
    last_seen_at = fields.DateTime()


class ProvenanceSchema(Schema):
    service_id = uuid_field()
    merged = fields.Boolean(metadata={"description": "More than one current source record"})
    source_records = fields.List(fields.Nested(SourceRecordRefSchema))
    fields_ = fields.Dict(
        data_key="fields",
        attribute="fields",
        keys=fields.String(),
        values=fields.Nested(FieldSourceSchema),
        metadata={"description": "Per field of a merged service: the record it came from"},
    )
    merged_ids = fields.List(
        fields.String(), metadata={"description": "IDs merged into this service (they redirect)"}
    )
