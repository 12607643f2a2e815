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


def test_upgrading_keys_field_locks_by_resource_type(tmp_path):
    """After 0018 a lock names (resource type, id, field): a schedule and a phone sharing an
    id lock separately, and an old row with a collection name gets its object's kind."""
    from app.models import Phone
    from app.models.accounts import FieldLock

    engine = make_engine(f"sqlite:///{tmp_path / 'before.db'}")
    upgrade(engine, "0017_session_version")
    with Session(engine) as session:
        # Only the columns a 0017 service had (the model has more since).
        session.execute(
            insert(Service.__table__).values(
                id="s1", name="Walk", status="active", last_modified=NOW
            )
        )
        session.add(Phone(id="p1", service_id="s1", number="020 7946 0000"))
        session.commit()
    with engine.begin() as connection:
        for resource_id, name, kind in (("p1", "number", "phones"), ("gone", "*", "")):
            connection.exec_driver_sql(
                "INSERT INTO field_lock (resource_id, field_name, resource_type, at) "
                "VALUES (?, ?, ?, '2026-11-23 00:00:00')",
                (resource_id, name, kind),
            )
    upgrade(engine)
    with Session(engine) as session:
        session.add(
            FieldLock(resource_type="schedule", resource_id="p1", field_name="number", at=NOW)
        )
        session.commit()
        locks = session.execute(
            select(FieldLock.resource_type, FieldLock.resource_id, FieldLock.field_name)
        ).all()
    engine.dispose()
    assert sorted(locks) == [("phone", "p1", "number"), ("schedule", "p1", "number")]


def test_upgrading_unpublishes_sign_in_emails_given_as_assurer(tmp_path):
    """0018: a confirmation made before it published the account's email; now the
    organisation's public email stands there, and the history forgets the address."""
    from app.models import MetadataEntry, Organization
    from app.models.accounts import Account

    engine = make_engine(f"sqlite:///{tmp_path / 'before.db'}")
    upgrade(engine, "0017_session_version")
    with Session(engine) as session:
        session.add(Organization(id="o1", name="Walks", description="", email="hi@walks.example"))
        session.add(Account(id="a1", email="jo@walks.example", role="editor", created_at=NOW))
        session.flush()
        for service_id, said in (("s1", "Jo@walks.example"), ("s2", "desk@walks.example")):
            session.execute(
                insert(Service.__table__).values(
                    id=service_id,
                    name="Walk",
                    status="active",
                    last_modified=NOW,
                    organization_id="o1",
                    assurer_email=said,
                )
            )  # fmt: skip (only the columns a 0017 service had)
        session.add(MetadataEntry(
            id="m1", resource_id="s1", resource_type="service", last_action_date=NOW,
            last_action_type="update", field_name="assurer_email", previous_value="",
            replacement_value="jo@walks.example", updated_by="account:a1",
        ))  # fmt: skip
        session.commit()
    upgrade(engine)
    with Session(engine) as session:
        said = dict(session.execute(select(Service.id, Service.assurer_email)).all())
        history = session.get(MetadataEntry, "m1").replacement_value
    engine.dispose()
    assert said == {"s1": "hi@walks.example", "s2": "desk@walks.example"}
    assert history == ""
