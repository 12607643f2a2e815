"""service, service_at_location and the objects that describe a service."""

from marshmallow import fields

from schemas.base import HSDSSchema, nested_list, uuid_field
from schemas.contact import ContactSchema, LanguageSchema, PhoneSchema, ScheduleSchema
from schemas.location import LocationSchema
from schemas.organization import (
    FundingSchema,
    OrganizationDetailSchema,
    OrganizationSchema,
    ProgramSchema,
)
from schemas.taxonomy import AttributeSchema, MetadataSchema

# Not HSDS (extra members are allowed): set on the results of a place search only.
DISTANCE_DOC = "Metres from the searched postcode or point to the nearest venue (place search)."
AREA_WIDE_DOC = "True when listed because a service area covers the point (place search)."


def distance_field() -> fields.Float:
    return fields.Float(metadata={"description": DISTANCE_DOC})


def area_wide_field() -> fields.Boolean:
    return fields.Boolean(metadata={"description": AREA_WIDE_DOC})


class ServiceAreaSchema(HSDSSchema):
    id = uuid_field()
    service_id = uuid_field()
    name = fields.String()
    description = fields.String()
    extent = fields.String()
    extent_type = fields.String()
    uri = fields.String()


class CostOptionSchema(HSDSSchema):
    id = uuid_field()
    service_id = uuid_field()
    valid_from = fields.String()
    valid_to = fields.String()
    option = fields.String()
    currency = fields.String()
    amount = fields.Float()
    amount_description = fields.String()


class RequiredDocumentSchema(HSDSSchema):
    id = uuid_field()
    service_id = uuid_field()
    document = fields.String()
    uri = fields.String()


class ServiceAtLocationSchema(HSDSSchema):
    """A service_at_location as nested in a full service: with its location."""

    id = uuid_field()
    service_id = uuid_field()
    location_id = uuid_field()
    description = fields.String()
    contacts = nested_list(ContactSchema)
    phones = nested_list(PhoneSchema)
    schedules = nested_list(ScheduleSchema)
    location = fields.Nested(LocationSchema)
    attributes = nested_list(AttributeSchema)


class ServiceBaseSchema(HSDSSchema):
    id = uuid_field()
    organization_id = uuid_field()
    program_id = uuid_field()
    name = fields.String()
    alternate_name = fields.String()
    description = fields.String()
    url = fields.String()
    email = fields.String()
    status = fields.String()
    interpretation_services = fields.String()
    application_process = fields.String()
    fees_description = fields.String()
    wait_time = fields.String()
    fees = fields.String()
    accreditations = fields.String()
    eligibility_description = fields.String()
    minimum_age = fields.Integer()
    maximum_age = fields.Integer()
    assured_date = fields.String()
    assurer_email = fields.String()
    licenses = fields.String()
    alert = fields.String()
    last_modified = fields.DateTime()
    distance = distance_field()
    area_wide = area_wide_field()


class ServiceListSchema(ServiceBaseSchema):
    """One item of GET /services (compiled service_list): organization and program."""

    organization = fields.Nested(OrganizationSchema)
    program = fields.Nested(ProgramSchema)


class ServiceSchema(ServiceBaseSchema):
    """GET /services/{id}: the fully nested service (compiled service.json)."""

    phones = nested_list(PhoneSchema)
    schedules = nested_list(ScheduleSchema)
    service_areas = nested_list(ServiceAreaSchema)
    service_at_locations = nested_list(ServiceAtLocationSchema)
    languages = nested_list(LanguageSchema)
    organization = fields.Nested(OrganizationDetailSchema)
    funding = nested_list(FundingSchema)
    cost_options = nested_list(CostOptionSchema)
    program = fields.Nested(ProgramSchema)
    required_documents = nested_list(RequiredDocumentSchema)
    contacts = nested_list(ContactSchema)
    attributes = nested_list(AttributeSchema)
    metadata = fields.List(fields.Nested(MetadataSchema), attribute="metadata_entries")


class ServiceMinimalSchema(HSDSSchema):
    """`minimal=true`: just enough for a mirror to decide what to fetch."""

    id = uuid_field()
    name = fields.String()
    status = fields.String()
    last_modified = fields.DateTime()
    distance = distance_field()
    area_wide = area_wide_field()


class ServiceAtLocationListSchema(HSDSSchema):
    """One item of GET /service_at_locations: the location and a short service."""

    id = uuid_field()
    service_id = uuid_field()
    location_id = uuid_field()
    description = fields.String()
    location = fields.Nested(LocationSchema(exclude=("contacts", "phones", "schedules")))
    service = fields.Nested(ServiceListSchema)
    distance = distance_field()
    area_wide = area_wide_field()


class ServiceAtLocationFullSchema(ServiceAtLocationSchema):
    """GET /service_at_locations/{id}: the service_at_location with its full service."""

    service = fields.Nested(ServiceSchema(exclude=("service_at_locations",)))
    distance = distance_field()
    area_wide = area_wide_field()
