"""The HSDS 3.0 read API: one flask-smorest blueprint per resource, registered in order."""

from flask_smorest import Api

from app.api import (
    health,
    organizations,
    referrals,
    root,
    service_at_locations,
    services,
    suggest,
    taxonomies,
    taxonomy_terms,
)
from app.api.blueprint import IdConverter, id_parameter_schema
from app.api.locations import blp as locations_blp
from app.api.write import register_write_api

BLUEPRINTS = [
    root.blp,
    services.blp,
    service_at_locations.blp,
    organizations.blp,
    locations_blp,
    taxonomies.blp,
    taxonomy_terms.blp,
    health.blp,
    suggest.blp,
]


def register_api(api: Api) -> None:
    api.register_converter(IdConverter, id_parameter_schema)
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint)
    register_write_api(api)  # writes, claims, moderation, accounts (after the reads)
    api.register_blueprint(referrals.blp)  # an extension: HSDS has no referral object
