"""One merged service per real-world service, across sources, with stable IDs."""

from __future__ import annotations

import json

from sqlalchemy import select

from app.dedupe import run_dedupe
from app.export import ExportSettings, export_dump
from app.models import MergedAlias, Organization, Service, SourceRecord
from tests.dedupe.conftest import (
    CAREPLACE,
    COUNCIL,
    HEATH_WALK,
    HEATH_WALK_LVSC,
    LVSC,
    SHED,
    listing,
)


def service_of(session, source: str, key: str) -> str:
    return session.scalar(
        select(SourceRecord.service_id)
        .join(SourceRecord.source)
        .where(SourceRecord.key == key, SourceRecord.source.has(name=source))
    )


def active_names(session) -> list[str]:
    return sorted(session.scalars(select(Service.name).where(Service.status == "active")))


def test_two_sources_listing_one_walk_publish_one_service(session, load):
    load(CAREPLACE, ("S1", HEATH_WALK), ("S2", SHED))
    report = load(LVSC, ("walk-7", HEATH_WALK_LVSC)).dedupe

    assert report.merged == 1
    assert active_names(session) == ["Hampstead Heath Health Walk", "Kentish Town Men's Shed"]
    assert service_of(session, "careplace-camden", "S1") == service_of(
        session, "lvsc-map", "walk-7"
    )


def test_a_merged_service_keeps_the_id_it_had_before_the_new_source_joined(session, load):
    load(CAREPLACE, ("S1", HEATH_WALK))
    before = service_of(session, "careplace-camden", "S1")

    load(LVSC, ("walk-7", HEATH_WALK_LVSC))
    load(COUNCIL, ("row-3", listing("Hampstead Heath Health Walk", "Camden Health Walks")))

    assert service_of(session, "lvsc-map", "walk-7") == before
    assert service_of(session, "camden-council", "row-3") == before


def test_the_merged_away_id_stays_listed_inactive_and_points_at_the_survivor(session, load):
    load(CAREPLACE, ("S1", HEATH_WALK))
    load(LVSC, ("walk-7", HEATH_WALK_LVSC))
    survivor = service_of(session, "careplace-camden", "S1")
    own = session.scalars(select(Service.id).where(Service.id != survivor)).all()

    assert len(own) == 1
    assert session.get(Service, own[0]).status == "inactive"
    assert session.get(MergedAlias, own[0]).new_id == survivor


def test_fields_come_from_the_source_the_deployment_trusts_most(session, load):
    load(LVSC, ("walk-7", HEATH_WALK_LVSC))
    load(CAREPLACE, ("S1", HEATH_WALK))
    merged = session.get(Service, service_of(session, "lvsc-map", "walk-7"))

    assert merged.description == HEATH_WALK["description"]  # CarePlace: priority 10 beats 50


def test_reimporting_unchanged_sources_publishes_nothing(session, load):
    load(CAREPLACE, ("S1", HEATH_WALK), ("S2", SHED))
    load(LVSC, ("walk-7", HEATH_WALK_LVSC))
    ids = sorted(session.scalars(select(Service.id)))

    assert load(LVSC, ("walk-7", HEATH_WALK_LVSC)).dedupe is None  # nothing to match
    report = run_dedupe(session)

    assert (report.compared, report.published, report.retired) == (0, 0, 0)
    assert sorted(session.scalars(select(Service.id))) == ids


def test_a_changed_record_updates_the_merged_service_in_place(session, load):
    load(CAREPLACE, ("S1", HEATH_WALK))
    load(LVSC, ("walk-7", HEATH_WALK_LVSC))
    merged_id = service_of(session, "careplace-camden", "S1")

    changed = {**HEATH_WALK, "description": "Now on Tuesdays too: a gentle led walk."}
    load(CAREPLACE, ("S1", changed))

    assert session.get(Service, merged_id).description == changed["description"]
    assert service_of(session, "lvsc-map", "walk-7") == merged_id
    assert len(active_names(session)) == 1  # the LVSC record's own service did not come back


def test_withdrawing_one_source_keeps_the_service_the_other_still_lists(session, load):
    load(CAREPLACE, ("S1", HEATH_WALK))
    load(LVSC, ("walk-7", HEATH_WALK_LVSC))
    merged_id = service_of(session, "careplace-camden", "S1")

    load(CAREPLACE, allow_withdraw=True)  # CarePlace's new export no longer lists the walk

    service = session.get(Service, merged_id)
    assert service.status == "active"
    assert service.description == HEATH_WALK_LVSC["description"]


def test_withdrawn_everywhere_the_service_becomes_inactive(session, load):
    load(CAREPLACE, ("S1", HEATH_WALK))
    load(LVSC, ("walk-7", HEATH_WALK_LVSC))
    merged_id = service_of(session, "careplace-camden", "S1")

    load(CAREPLACE, allow_withdraw=True)
    load(LVSC, allow_withdraw=True)

    assert session.get(Service, merged_id).status == "inactive"


def test_groups_sharing_a_community_centre_stay_apart(session, load):
    centre = dict(venue="Kentish Town Community Centre", postcode="NW5 2AA",
                  point=(51.5503, -0.1406), phone="020 7946 0900")  # fmt: skip
    load(
        CAREPLACE,
        ("S1", listing("Knit and Natter", "Kentish Town Knitters", **centre,
                       description="Bring your knitting and have a chat.")),
        ("S2", listing("Chair Yoga", "Kentish Yoga CIC", **centre,
                       description="Gentle seated yoga for older people.")),
    )  # fmt: skip
    report = load(
        LVSC,
        ("a", listing("Tai Chi", "Camden Tai Chi Club", **centre,
                      description="Beginners' tai chi.")),
    ).dedupe  # fmt: skip

    assert report.merged == 0
    assert len(active_names(session)) == 3


def test_borough_branches_of_one_charity_stay_apart(session, load):
    load(CAREPLACE, ("S1", listing("Befriending service", "Age UK Camden", phone="020 7946 1111")))
    load(
        LVSC,
        ("b", listing("Befriending service", "Age UK Islington", venue="Islington Town Hall",
                      postcode="N1 2UD", point=(51.5416, -0.1022), phone="020 7946 2222")),
    )  # fmt: skip

    assert len(active_names(session)) == 2


def test_a_full_run_from_scratch_keeps_every_id(session, load):
    load(CAREPLACE, ("S1", HEATH_WALK), ("S2", SHED))
    load(LVSC, ("walk-7", HEATH_WALK_LVSC))
    before = {r.key: r.service_id for r in session.scalars(select(SourceRecord))}

    report = run_dedupe(session, full=True)
    session.commit()

    assert report.full and report.published == 0
    assert {r.key: r.service_id for r in session.scalars(select(SourceRecord))} == before


def test_import_without_dedupe_leaves_merging_to_the_command(session, load):
    load(CAREPLACE, ("S1", HEATH_WALK), dedupe=False)
    load(LVSC, ("walk-7", HEATH_WALK_LVSC), dedupe=False)
    assert len(active_names(session)) == 2

    run_dedupe(session)
    session.commit()

    assert len(active_names(session)) == 1


def test_dumps_hold_the_merged_service_once_crediting_both_sources(session, load, tmp_path):
    load(CAREPLACE, ("S1", HEATH_WALK))
    load(LVSC, ("walk-7", HEATH_WALK_LVSC))
    path = tmp_path / "services.json"

    export_dump(session, "json", path, ExportSettings())

    services = json.loads(path.read_text())
    assert [s["name"] for s in services] == ["Hampstead Heath Health Walk"]
    assert {p["source"] for p in services[0]["_provenance"]} == {"careplace-camden", "lvsc-map"}


def test_a_change_to_a_merged_organisation_reaches_every_service_it_runs(session, load):
    load(CAREPLACE, ("S1", HEATH_WALK), ("S3", listing("Kenwood Walk", "Camden Health Walks",
         venue="Kenwood House", postcode="NW3 7JR", point=(51.5713, -0.1676),
         description="A longer walk through the woods to Kenwood House.")))  # fmt: skip
    load(LVSC, ("walk-7", HEATH_WALK_LVSC))
    organization_ids = set(session.scalars(select(Service.organization_id).where(
        Service.status == "active")))  # fmt: skip
    assert len(organization_ids) == 1

    website = {**HEATH_WALK["organization"], "website": "https://camdenhealthwalks.example.org"}
    load(LVSC, ("walk-7", {**HEATH_WALK_LVSC, "organization": website}))

    organization = session.get(Organization, organization_ids.pop())
    assert organization.website == "https://camdenhealthwalks.example.org/"
