"""The JSON dumps' fast serialiser gives exactly what ServiceSchema gives for the same
services loaded through the ORM, private contacts left out in the same way."""

import pytest
from marshmallow import fields
from sqlalchemy import select

from app.export.serialise import dump, load_services, make_plan, service_plan
from app.models import Service, ServiceAtLocation
from app.services.loading import service_full_options
from schemas.service import ServiceAtLocationListSchema, ServiceSchema
from tests.export.test_json import by_id


def test_services_dump_as_service_schema_dumps_them(session, planted):
    ids = sorted(session.scalars(select(Service.id)))
    orm = session.scalars(
        select(Service).where(Service.id.in_(ids)).options(*service_full_options())
    )
    expected = {service.id: ServiceSchema().dump(service) for service in orm}
    dumped = {row["id"]: dump(service_plan(), row) for row in load_services(session, ids)}
    assert set(dumped) == set(expected)
    for service_id, document in dumped.items():
        assert by_id(document) == by_id(expected[service_id])
        assert list(document) == list(expected[service_id])  # the schema's field order


def test_private_contacts_stay_out(session, planted):
    (walk,) = load_services(session, [planted.walk["id"]])
    assert planted.private_contact_id not in str(dump(service_plan(), walk))


def test_unknown_ids_are_skipped(session, planted):
    assert load_services(session, ["00000000-0000-0000-0000-000000000000"]) == []


def test_a_field_the_model_lacks_is_left_out_as_marshmallow_leaves_it_out():
    class MoodySchema(ServiceSchema):
        mood = fields.String()

    plan = make_plan(MoodySchema(), Service)
    assert "mood" not in [key for key, *_rest in plan.fields]


def test_a_field_reading_a_model_property_is_refused():
    class NamedSchema(ServiceSchema):
        table = fields.String(attribute="__tablename__")

    with pytest.raises(ValueError, match="neither a column nor a relationship"):
        make_plan(NamedSchema(), Service)


def test_narrowed_nested_schemas_are_followed():
    plan = make_plan(ServiceAtLocationListSchema(), ServiceAtLocation)
    location = plan.relations["location"][1]
    assert "contacts" not in location.relations and "addresses" in location.relations
