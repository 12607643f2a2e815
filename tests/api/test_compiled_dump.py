"""The compiled dumpers (schemas/compiled.py) answer exactly what the marshmallow
schemas do, for every HSDS response schema over the whole sample directory."""

from __future__ import annotations

import datetime as dt
import inspect

import pytest
from marshmallow import Schema, fields
from sqlalchemy import select

from app.models import Location, Organization, Service, ServiceAtLocation, Taxonomy, TaxonomyTerm
from app.services.loading import (
    location_options,
    organization_detail_options,
    service_at_location_list_options,
    service_at_location_options,
    service_full_options,
)
from schemas import compiled
from schemas.base import HSDSSchema
from schemas.location import LocationSchema
from schemas.organization import (
    OrganizationDetailSchema,
    OrganizationFullSchema,
    OrganizationSchema,
    OrganizationWithServicesSchema,
)
from schemas.service import (
    ServiceAtLocationFullSchema,
    ServiceAtLocationListSchema,
    ServiceListSchema,
    ServiceMinimalSchema,
    ServiceSchema,
)
from schemas.taxonomy import TaxonomySchema, TaxonomyTermSchema


def same_dump(schema: Schema, objects: list) -> None:
    assert objects, f"no objects to dump with {type(schema).__name__}"
    assert compiled.dumper(schema)(objects, many=True) == schema.dump(objects, many=True)


@pytest.mark.parametrize(
    "schema", [ServiceSchema(), ServiceListSchema(), ServiceMinimalSchema()], ids=type
)
def test_services_dump_the_same(session, sample, schema):
    services = list(session.scalars(select(Service).options(*service_full_options())))
    for number, service in enumerate(services):  # a place search's extra attributes
        if number % 3:
            service.distance = None if number % 3 == 1 else 120.5
            service.area_wide = number % 3 == 1
    same_dump(schema, services)


def test_service_at_locations_dump_the_same(session, sample):
    full = list(
        session.scalars(
            select(ServiceAtLocation).options(
                *service_at_location_options(), *service_full_options_for_sal()
            )
        )
    )
    same_dump(ServiceAtLocationFullSchema(), full)
    listed = list(
        session.scalars(select(ServiceAtLocation).options(*service_at_location_list_options()))
    )
    for sal in listed[::2]:
        sal.distance, sal.area_wide = 42.0, False
    same_dump(ServiceAtLocationListSchema(), listed)


def service_full_options_for_sal() -> list:
    from sqlalchemy.orm import selectinload

    return service_full_options(selectinload(ServiceAtLocation.service), with_locations=False)


def test_locations_organizations_and_taxonomies_dump_the_same(session, sample):
    same_dump(
        LocationSchema(), list(session.scalars(select(Location).options(*location_options())))
    )
    organizations = list(
        session.scalars(select(Organization).options(*organization_detail_options()))
    )
    for schema in (OrganizationSchema(), OrganizationDetailSchema()):
        same_dump(schema, organizations)
    for schema in (OrganizationWithServicesSchema(), OrganizationFullSchema()):
        same_dump(schema, organizations)
    same_dump(TaxonomySchema(), list(session.scalars(select(Taxonomy))))
    same_dump(TaxonomyTermSchema(), list(session.scalars(select(TaxonomyTerm))))


def test_every_hsds_response_schema_is_compiled_not_handed_back_to_marshmallow():
    for schema_class in (
        ServiceSchema, ServiceListSchema, ServiceMinimalSchema, ServiceAtLocationListSchema,
        ServiceAtLocationFullSchema, LocationSchema, OrganizationSchema,
        OrganizationDetailSchema, OrganizationWithServicesSchema, OrganizationFullSchema,
        TaxonomySchema, TaxonomyTermSchema,
    ):  # fmt: skip
        assert not inspect.ismethod(compiled.dumper(schema_class())), schema_class.__name__


class Unusual(HSDSSchema):
    name = fields.String()
    tags = fields.Dict()


class Renamed(Schema):
    name = fields.String(data_key="title")
    when = fields.DateTime(format="%d/%m/%Y")


def test_a_schema_it_does_not_understand_is_dumped_by_marshmallow_with_the_same_result():
    thing = {"name": "Knit and Natter", "tags": {"a": 1}, "when": dt.datetime(2026, 11, 23)}
    for schema in (Unusual(), Renamed()):
        assert compiled.dumper(schema)(thing) == schema.dump(thing)
    assert compiled.dumper(Renamed())(thing) == {"title": "Knit and Natter"} | {
        "when": "23/11/2026"
    }


class Plain(Schema):
    name = fields.String()
    count = fields.Integer()
    score = fields.Float()
    open = fields.Boolean()
    when = fields.DateTime()
    names = fields.List(fields.String())


def test_nulls_stay_in_a_schema_that_does_not_drop_them_and_values_are_formatted_alike():
    things = [
        {"name": None, "count": "3", "score": 2, "open": False, "names": ["a", None]},
        {"name": b"caf\xc3\xa9", "count": 3.0, "when": dt.datetime(2026, 1, 2, 3, 4)},
    ]
    assert compiled.dumper(Plain())(things, many=True) == Plain().dump(things, many=True)
