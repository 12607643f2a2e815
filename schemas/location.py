"""location, address and accessibility."""

from marshmallow import fields

from schemas.base import HSDSSchema, nested_list, uuid_field
from schemas.contact import ContactSchema, LanguageSchema, PhoneSchema, ScheduleSchema
from schemas.taxonomy import AttributeSchema


class AddressSchema(HSDSSchema):
    id = uuid_field()
    location_id = uuid_field()
    attention = fields.String()
    address_1 = fields.String()
    address_2 = fields.String()
    city = fields.String()
    region = fields.String()
    state_province = fields.String()
    postal_code = fields.String()
    country = fields.String()
    address_type = fields.String()


class AccessibilitySchema(HSDSSchema):
    id = uuid_field()
    location_id = uuid_field()
    description = fields.String()
    details = fields.String()
    url = fields.String()


class LocationSchema(HSDSSchema):
    id = uuid_field()
    location_type = fields.String()
    url = fields.String()
    organization_id = uuid_field()
    name = fields.String()
    alternate_name = fields.String()
    description = fields.String()
    transportation = fields.String()
    latitude = fields.Float()
    longitude = fields.Float()
    external_identifier = fields.String()
    external_identifier_type = fields.String()
    languages = nested_list(LanguageSchema)
    addresses = nested_list(AddressSchema)
    contacts = nested_list(ContactSchema)
    accessibility = nested_list(AccessibilitySchema)
    phones = nested_list(PhoneSchema)
    schedules = nested_list(ScheduleSchema)
    attributes = nested_list(AttributeSchema)
