"""The migrations build exactly the schema the models describe, on both engines."""

import datetime as dt

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.db import make_engine
from app.migrate import include_object, is_current, upgrade
from app.models import Base, KeptId, Location, Service, ServiceAtLocation, Source, SourceRecord
from app.search.nearby import venues
from app.search.places import Point


def test_migrated_database_matches_the_models(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_object": include_object, "compare_type": True}
        )
        assert compare_metadata(context, Base.metadata) == []


def test_database_is_at_the_newest_migration(engine):
    assert is_current(engine)


NOW = dt.datetime(2026, 11, 23, tzinfo=dt.UTC)


def test_upgrading_fills_the_venue_index_from_the_published_venues(tmp_path):
    """A live directory upgraded past 0006 finds its venues near a point at once."""
    engine = make_engine(f"sqlite:///{tmp_path / 'before.db'}")
    upgrade(engine, "0005_search_generation")
    with Session(engine) as session:
        # Only the columns a 0005 service had (the model has more since).
        session.execute(
            insert(Service.__table__).values(
                id="s1", name="Walk", status="active", last_modified=NOW
            )
        )
        session.add(Location(id="l1", name="Park gate", latitude=51.55, longitude=-0.15))
        session.add(Location(id="l2", name="Nowhere"))  # no point: nothing to find
        session.add(ServiceAtLocation(id="v1", service_id="s1", location_id="l1"))
        session.add(ServiceAtLocation(id="v2", service_id="s1", location_id="l2"))
        session.commit()
    upgrade(engine)
    with Session(engine) as session:
        found = venues(session, Point(51.55, -0.15), 100, [])
    assert [(v.service_at_location_id, v.name, v.distance) for v in found] == [("v1", "Walk", 0)]


def test_upgrading_claims_the_ids_published_sources_already_kept(tmp_path):
    """After 0012 the source that published a kept ID first still holds it, so a second
    source sending it is the one re-keyed (app.records.ids.IdClaims)."""
    engine = make_engine(f"sqlite:///{tmp_path / 'before.db'}")
    upgrade(engine, "0009_fewer_indexes")
    record = {
        "id": "s1",
        "organization": {"id": "o1", "programs": [{"id": "p1"}]},
        "phones": [{"id": "ph1"}],
        "service_at_locations": [
            {"id": "v1", "location": {"id": "l1", "addresses": [{"id": "a1"}]}}
        ],
    }
    with Session(engine) as session:
        session.add(Source(id="src", name="hsds-feed", format="hsds", last_imported_at=NOW))
        session.add(Source(id="csv", name="careplace", format="careplace"))
        for source_id, key in (("src", "k1"), ("csv", "k2")):
            session.add(SourceRecord(
                id=f"r-{key}", source_id=source_id, key=key, raw={}, record=record,
                content_hash="x", first_seen_at=NOW, last_seen_at=NOW, updated_at=NOW,
            ))  # fmt: skip
        session.commit()
    upgrade(engine)
    with Session(engine) as session:
        held = dict(session.execute(select(KeptId.id, KeptId.holder)).all())
    assert held == {
        "s1": "r-k1", "ph1": "r-k1", "v1": "r-k1",  # the record's own
        "o1": "src", "l1": "src", "a1": "src",  # shared by the source's records
    }  # fmt: skip
