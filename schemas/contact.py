"""language, phone, contact and schedule: the objects several parents share."""

from marshmallow import fields

from schemas.base import HSDSSchema, nested_list, uuid_field
from schemas.taxonomy import AttributeSchema


class LanguageSchema(HSDSSchema):
    id = uuid_field()
    service_id = uuid_field()
    location_id = uuid_field()
    phone_id = uuid_field()
    name = fields.String()
    code = fields.String()
    note = fields.String()


class PhoneSchema(HSDSSchema):
    id = uuid_field()
    location_id = uuid_field()
    service_id = uuid_field()
    organization_id = uuid_field()
    contact_id = uuid_field()
    service_at_location_id = uuid_field()
    number = fields.String()
    extension = fields.Integer()
    type = fields.String()
    description = fields.String()
    languages = nested_list(LanguageSchema)


class ContactSchema(HSDSSchema):
    id = uuid_field()
    organization_id = uuid_field()
    service_id = uuid_field()
    service_at_location_id = uuid_field()
    location_id = uuid_field()
    name = fields.String()
    title = fields.String()
    department = fields.String()
    email = fields.String()
    phones = nested_list(PhoneSchema)


class ScheduleSchema(HSDSSchema):
    id = uuid_field()
    service_id = uuid_field()
    location_id = uuid_field()
    service_at_location_id = uuid_field()
    valid_from = fields.String()
    valid_to = fields.String()
    dtstart = fields.String()
    timezone = fields.Float()
    until = fields.String()
    count = fields.Integer()
    wkst = fields.String()
    freq = fields.String()
    interval = fields.Integer()
    byday = fields.String()
    byweekno = fields.String()
    bymonthday = fields.String()
    byyearday = fields.String()
    description = fields.String()
    opens_at = fields.String()
    closes_at = fields.String()
    schedule_link = fields.String()
    attending_type = fields.String()
    notes = fields.String()
    attributes = nested_list(AttributeSchema)
