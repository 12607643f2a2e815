"""organization, organization_identifier, program and funding."""

from marshmallow import fields

from schemas.base import HSDSSchema, nested_list, uuid_field
from schemas.contact import ContactSchema, PhoneSchema
from schemas.location import LocationSchema
from schemas.taxonomy import AttributeSchema


class OrganizationIdentifierSchema(HSDSSchema):
    id = uuid_field()
    organization_id = uuid_field()
    identifier_scheme = fields.String()
    identifier_type = fields.String()
    identifier = fields.String()


class ProgramSchema(HSDSSchema):
    id = uuid_field()
    organization_id = uuid_field()
    name = fields.String()
    alternate_name = fields.String()
    description = fields.String()


class FundingSchema(HSDSSchema):
    id = uuid_field()
    organization_id = uuid_field()
    service_id = uuid_field()
    source = fields.String()


class OrganizationSchema(HSDSSchema):
    """An organization's own fields: the list form (compiled organization_list)."""

    id = uuid_field()
    name = fields.String()
    alternate_name = fields.String()
    description = fields.String()
    email = fields.String()
    website = fields.String()
    tax_status = fields.String()
    tax_id = fields.String()
    year_incorporated = fields.Integer()
    legal_status = fields.String()
    logo = fields.String()
    uri = fields.String()
    parent_organization_id = uuid_field()


class OrganizationDetailSchema(OrganizationSchema):
    """An organization with what it owns, as nested inside a full service."""

    funding = nested_list(FundingSchema)
    contacts = nested_list(ContactSchema)
    phones = nested_list(PhoneSchema)
    programs = nested_list(ProgramSchema)
    organization_identifiers = nested_list(OrganizationIdentifierSchema)
    attributes = nested_list(AttributeSchema)


class OrganizationWithServicesSchema(OrganizationDetailSchema):
    """GET /organizations/{id}: the organization, its locations and its services."""

    locations = nested_list(LocationSchema)
    services = nested_list("ServiceBaseSchema")


class OrganizationFullSchema(OrganizationWithServicesSchema):
    """GET /organizations/{id}?full_service=true: each service fully nested."""

    services = nested_list("ServiceSchema")
