"""The migrations build exactly the schema the models describe, on both engines."""

import datetime as dt

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.orm import Session

from app.db import make_engine
from app.migrate import include_object, is_current, upgrade
from app.models import Base, Location, Service, ServiceAtLocation
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
        session.add(Service(id="s1", name="Walk", status="active", last_modified=NOW))
        session.add(Location(id="l1", name="Park gate", latitude=51.55, longitude=-0.15))
        session.add(Location(id="l2", name="Nowhere"))  # no point: nothing to find
        session.add(ServiceAtLocation(id="v1", service_id="s1", location_id="l1"))
        session.add(ServiceAtLocation(id="v2", service_id="s1", location_id="l2"))
        session.commit()
    upgrade(engine)
    with Session(engine) as session:
        found = venues(session, Point(51.55, -0.15), 100, [])
    assert [(v.service_at_location_id, v.name, v.distance) for v in found] == [("v1", "Walk", 0)]
