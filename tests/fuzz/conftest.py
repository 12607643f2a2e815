"""The directory the fuzz tests attack, on each engine: the demo (six sample sources
through the import pipeline, postcodes, boroughs), the hand-written sample services, a
problem report waiting for a moderator, a step-free entrance, and an admin with a write token.

It is loaded once per engine inside a transaction rolled back at the end; each test
(one API operation's examples) runs in its own savepoint, so what one operation writes
or deletes never reaches the next.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from flask import Flask
from sqlalchemy import Connection, select
from sqlalchemy.orm import sessionmaker

from app import create_app
from app.auth import passwords
from app.auth.accounts import create_account
from app.auth.tokens import create_token
from app.demo.directory import load_demo
from app.demo.sample import load_sample
from app.models import (
    Accessibility,
    Attribute,
    Contact,
    CostOption,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from app.models.accounts import Account, ApiToken, ChangeRequest
from app.services.moderation import report_problem
from tests.fuzz.fuzzing import KNOWN_IDS

ID_SOURCES = {
    "services": Service,
    "service_at_locations": ServiceAtLocation,
    "organizations": Organization,
    "locations": Location,
    "taxonomies": Taxonomy,
    "taxonomy_terms": TaxonomyTerm,
    "schedules": Schedule,
    "phones": Phone,
    "contacts": Contact,
    "cost_options": CostOption,
    "languages": Language,
    "accessibility": Accessibility,
    "service_areas": ServiceArea,
    "attributes": Attribute,
    "change_requests": ChangeRequest,
    "accounts": Account,
    "tokens": ApiToken,
}
IDS_PER_COLLECTION = 8


@dataclass
class Fuzzed:
    app: Flask
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@pytest.fixture(scope="package")
def fuzz_directory(engine, tmp_path_factory) -> Iterator[tuple[Connection, Fuzzed]]:
    with pytest.MonkeyPatch.context() as patch, engine.connect() as connection:
        patch.setattr(passwords, "SCRYPT_N", 2**10)  # POST /tokens hashes on every try
        outer = connection.begin()
        factory = sessionmaker(
            bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
        )
        load_demo(factory, tmp_path_factory.mktemp("sources"))
        with factory() as session:
            load_sample(session)
            admin = create_account(session, "admin@signpost.example", "admin", None)
            _row, token = create_token(session, admin, "write")
            first_service = session.scalar(select(Service.id).order_by(Service.id))
            report_problem(session, first_service, "The walk now starts at 10:30.")
            first_location = session.scalar(select(Location.id).order_by(Location.id))
            session.add(Accessibility(location_id=first_location, description="Step-free"))
            session.commit()
            for collection, model in ID_SOURCES.items():
                ids = session.scalars(select(model.id).order_by(model.id).limit(IDS_PER_COLLECTION))
                KNOWN_IDS[collection] = list(ids)
                assert KNOWN_IDS[collection], f"the fuzzed directory has no {collection}"
        app = create_app(
            {"TESTING": True, "DATABASE_URL": engine.url.render_as_string(hide_password=False)}
        )
        app.extensions["signpost_db"].engine = engine
        app.extensions["signpost_db"].sessionmaker = factory
        yield connection, Fuzzed(app, token)
        KNOWN_IDS.clear()
        outer.rollback()


@pytest.fixture
def fuzzed(fuzz_directory) -> Iterator[Fuzzed]:
    connection, fuzzed = fuzz_directory
    savepoint = connection.begin_nested()
    yield fuzzed
    savepoint.rollback()
