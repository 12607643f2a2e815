"""The shared import pipeline: provenance, idempotence, stable IDs, withdrawals, one transaction."""

import copy
import csv
import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from app.models import (
    CostOption,
    Location,
    MetadataEntry,
    Postcode,
    Schedule,
    Service,
    ServiceArea,
    Source,
    SourceRecord,
    stable_id,
)
from importers.pipeline.run import SourceSpec, WithdrawalRefused, run_import
from importers.readers.careplace import read_careplace
from importers.readers.lvsc import read_lvsc
from importers.readers.record import Record, SourceFormatError

DATA = Path(__file__).resolve().parents[1] / "data"
HEADER = [
    "Provider ID", "Provider name", "Service ID", "Service name", "Description", "Categories",
    "Area covered", "Address line 1", "Town", "Postcode", "Telephone", "Cost",
    "Opening times", "Age range", "Latitude", "Longitude",
]  # fmt: skip
WALK = [
    "P1", "Camden Health Walks", "S1", "Hampstead Heath Walk", "A gentle led walk.",
    "Walking;Older people", "Camden", "Parliament Hill Café", "London", "nw5 1qr",
    "+44 20 7946 0101", "Free", "Mondays 10:00-12:00", "Over 50s", "", "",
]  # fmt: skip
SHED = [
    "P2", "Hackney Shed CIC", "S2", "Men's Shed", "Woodwork and a cuppa.", "Men's sheds",
    "LB Hackney", "12 Shacklewell Lane", "London", "E8 2EZ", "020 7946 0103 ext 12",
    "£2 per session", "Mon-Fri 9am-5pm", "18+", "51.5517", "-0.0708",
]  # fmt: skip

CAREPLACE = SourceSpec(name="careplace-camden", format="careplace", licence="OGL-UK-3.0")


def write_csv(path: Path, *rows: list[str]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def import_file(session, path: Path, spec: SourceSpec = CAREPLACE, **kwargs):
    report = run_import(session, spec, read_careplace(path), **kwargs)
    session.commit()
    return report


@pytest.fixture
def postcodes(session):
    session.add_all(
        [
            Postcode(postcode="NW5 1QR", district="NW5", latitude=51.5589, longitude=-0.1503),
            Postcode(postcode="NW5 1QS", district="NW5", latitude=51.5601, longitude=-0.1491),
        ]
    )
    session.flush()


def services(session) -> dict[str, Service]:
    return {s.name: s for s in session.scalars(select(Service))}


def test_records_are_normalised_into_hsds_structure(session, postcodes, tmp_path):
    report = import_file(session, write_csv(tmp_path / "c.csv", WALK, SHED))
    assert (report.read, report.created, report.rejected) == (2, 2, 0)
    walk = services(session)["Hampstead Heath Walk"]
    assert walk.minimum_age == 50
    options = session.scalars(select(CostOption.option).filter_by(service_id=walk.id))
    assert list(options) == ["free"]
    areas = session.scalars(select(ServiceArea.name).filter_by(service_id=walk.id))
    assert list(areas) == ["Camden"]
    schedule = session.scalars(
        select(Schedule).where(Schedule.service_at_location_id.is_not(None))
        .where(Schedule.description == "Mondays 10:00-12:00")
    ).one()  # fmt: skip
    assert (schedule.byday, schedule.opens_at, schedule.closes_at) == ("MO", "10:00", "12:00")
    shed = services(session)["Men's Shed"]
    shed_areas = session.scalars(select(ServiceArea.name).filter_by(service_id=shed.id))
    assert list(shed_areas) == ["Hackney"]


def test_postcode_without_coordinates_gets_its_centroid(session, postcodes, tmp_path):
    import_file(session, write_csv(tmp_path / "c.csv", WALK))
    location = session.scalars(select(Location)).one()
    assert (location.latitude, location.longitude) == (51.5589, -0.1503)
    assert location.geocode_precision == "postcode"


def test_unknown_postcode_in_known_district_gets_the_district_centroid(
    session, postcodes, tmp_path
):
    row = WALK.copy()
    row[9] = "NW5 9ZZ"
    report = import_file(session, write_csv(tmp_path / "c.csv", row))
    location = session.scalars(select(Location)).one()
    assert location.geocode_precision == "district"
    assert location.latitude == pytest.approx((51.5589 + 51.5601) / 2)
    assert report.problems == []


@pytest.mark.parametrize(
    "lat, lon, expected, warning",
    [
        ("51.5517", "-0.0708", (51.5517, -0.0708), None),
        ("-0.0708", "51.5517", (51.5517, -0.0708), "swapped"),
        ("40.7128", "-74.0060", (None, None), "outside the UK"),
    ],
)
def test_coordinates_are_checked(session, tmp_path, lat, lon, expected, warning):
    row = SHED.copy()
    row[14:16] = [lat, lon]
    report = import_file(session, write_csv(tmp_path / "c.csv", row))
    location = session.scalars(select(Location)).one()
    assert (location.latitude, location.longitude) == expected
    reasons = [p.reason for p in report.problems]
    if warning:
        assert any(warning in reason for reason in reasons), reasons
    else:
        assert reasons == []


def test_reimporting_the_same_file_changes_nothing(session, tmp_path):
    path = write_csv(tmp_path / "c.csv", WALK, SHED)
    import_file(session, path)
    before = {s.id: s.last_modified for s in session.scalars(select(Service))}
    again = import_file(session, path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert {s.id: s.last_modified for s in session.scalars(select(Service))} == before


def test_a_changed_record_updates_in_place_and_keeps_its_ids(session, tmp_path):
    import_file(session, write_csv(tmp_path / "c.csv", WALK, SHED))
    ids = {name: s.id for name, s in services(session).items()}
    changed = WALK.copy()
    changed[4] = "A gentle led walk, now with a café stop."
    report = import_file(session, write_csv(tmp_path / "c.csv", changed, SHED))
    assert (report.updated, report.unchanged) == (1, 1)
    after = services(session)
    assert {name: s.id for name, s in after.items()} == ids
    assert after["Hampstead Heath Walk"].description.endswith("café stop.")
    history = session.scalars(
        select(MetadataEntry).where(
            MetadataEntry.resource_id == ids["Hampstead Heath Walk"],
            MetadataEntry.field_name == "description",
        )
    ).one()
    assert history.updated_by == "import:careplace-camden"
    assert history.previous_value == "A gentle led walk."


def test_a_changed_record_clears_what_it_no_longer_says(session, tmp_path):
    import_file(session, write_csv(tmp_path / "c.csv", SHED))
    shed = services(session)["Men's Shed"]
    assert (shed.minimum_age, session.scalars(select(Location.latitude)).one()) == (18, 51.5517)
    without = SHED.copy()
    without[13], without[14], without[15] = "", "", ""  # no age range, no coordinates
    import_file(session, write_csv(tmp_path / "c.csv", without))
    session.expire_all()
    assert services(session)["Men's Shed"].minimum_age is None
    location = session.scalars(select(Location)).one()
    assert (location.latitude, location.longitude) == (None, None)


def test_a_record_missing_from_a_full_export_is_withdrawn_not_deleted(session, tmp_path):
    import_file(session, write_csv(tmp_path / "c.csv", WALK, SHED))
    report = import_file(session, write_csv(tmp_path / "c.csv", WALK), allow_withdraw=True)
    assert report.withdrawn == 1
    shed = services(session)["Men's Shed"]
    assert shed.status == "inactive"
    record = session.scalars(select(SourceRecord).filter_by(service_id=shed.id)).one()
    assert record.status == "withdrawn"


def walks(count: int) -> list[list[str]]:
    """`count` CarePlace rows of distinct services."""
    return [[*WALK[:2], f"S{n}", f"Walk {n}", *WALK[4:]] for n in range(count)]


def active_records(session) -> int:
    return session.scalar(select(func.count()).select_from(SourceRecord).filter_by(status="active"))


@pytest.mark.parametrize(
    ("kept", "found"),
    [(0, "the file holds no records"), (3, "it read 3 records (0 rejected)")],
    ids=["header-only", "cut-short"],
)
def test_a_full_export_withdrawing_over_a_fifth_of_the_source_stops(session, tmp_path, kept, found):
    import_file(session, write_csv(tmp_path / "c.csv", *walks(10)))
    savepoint = session.begin_nested()
    with pytest.raises(WithdrawalRefused) as refused:
        run_import(session, CAREPLACE, read_careplace(write_csv(tmp_path / "c.csv", *walks(kept))))
    savepoint.rollback()
    assert str(refused.value) == (
        f"careplace-camden: this import would withdraw {10 - kept} of the source's 10 listed "
        f"records ({(10 - kept) * 10}%, over the 20% limit): {found}. Check the file; if the "
        "source really dropped them, run it again with --allow-withdraw."
    )
    assert active_records(session) == 10


def test_a_full_export_may_withdraw_a_fifth_of_the_source_or_all_when_allowed(session, tmp_path):
    import_file(session, write_csv(tmp_path / "c.csv", *walks(10)))
    assert import_file(session, write_csv(tmp_path / "c.csv", *walks(8))).withdrawn == 2
    report = import_file(session, write_csv(tmp_path / "c.csv"), allow_withdraw=True)
    assert report.withdrawn == 8
    assert active_records(session) == 0


def test_a_file_of_no_records_is_a_warning(session, tmp_path):
    report = import_file(session, write_csv(tmp_path / "c.csv"))
    assert [(p.kind, p.reason) for p in report.problems] == [("warning", "it holds no records")]


def test_a_partial_import_withdraws_nothing(session, tmp_path):
    import_file(session, write_csv(tmp_path / "c.csv", WALK, SHED))
    report = import_file(session, write_csv(tmp_path / "c.csv", WALK), full=False)
    assert report.withdrawn == 0
    assert services(session)["Men's Shed"].status == "active"


def test_provenance_keeps_the_raw_record_and_its_merged_service(session, tmp_path):
    import_file(session, write_csv(tmp_path / "c.csv", WALK))
    record = session.scalars(select(SourceRecord)).one()
    assert record.key.startswith("S1@")
    assert record.raw["Service name"] == "Hampstead Heath Walk"
    assert record.raw["Telephone"] == "+44 20 7946 0101"
    assert record.record["phones"][0]["number"] == "020 7946 0101"
    assert record.service_id == services(session)["Hampstead Heath Walk"].id
    source = session.get(Source, record.source_id)
    assert (source.name, source.licence) == ("careplace-camden", "OGL-UK-3.0")


def test_rejections_name_the_line_and_reason_and_the_rest_imports(session):
    report = import_file(session, DATA / "careplace" / "lambeth.csv")
    rejected = [(p.position, p.reason) for p in report.problems if p.kind == "rejected"]
    assert ("line 8", "the service has no name") in rejected
    assert report.created == report.read == 4


def test_an_unreadable_file_leaves_the_database_as_it_was(session, tmp_path):
    import_file(session, write_csv(tmp_path / "c.csv", WALK))
    before = session.scalar(select(func.count()).select_from(Service))
    spec = SourceSpec(name="lvsc", format="lvsc")
    savepoint = session.begin_nested()
    with pytest.raises(SourceFormatError, match="truncated"):
        run_import(session, spec, read_lvsc(DATA / "lvsc" / "truncated.kml"))
    savepoint.rollback()
    assert session.scalar(select(func.count()).select_from(Service)) == before
    assert session.scalar(select(Source).filter_by(name="lvsc")) is None


def test_imported_services_are_searchable(session, client, tmp_path):
    import_file(session, write_csv(tmp_path / "c.csv", WALK, SHED))
    body = client.get("/services?search=woodwork").get_json()
    assert [s["name"] for s in body["contents"]] == ["Men's Shed"]


def test_an_organisation_identifier_follows_its_record_to_another_organisation(session):
    from app.models import Organization, OrganizationIdentifier
    from app.records.publish import publish_services

    charity = {"id": stable_id("charity"), "identifier": "1083707",
               "identifier_scheme": "GB-CHC", "identifier_type": "Charity Number"}  # fmt: skip

    def service(key: str, organization_key: str) -> dict:
        return {"id": stable_id(key), "name": "Walk", "status": "active",
                "organization": {"id": stable_id(organization_key), "name": "Walks",
                                 "organization_identifiers": [dict(charity)]}}  # fmt: skip

    now = dt.datetime.now(dt.UTC)
    publish_services(session, [service("a", "first")], now)
    publish_services(session, [service("a", "second")], now)  # merged into another org

    identifier = session.get(OrganizationIdentifier, charity["id"])
    assert identifier.organization_id == stable_id("second")
    assert session.get(Organization, stable_id("first")) is not None


@pytest.mark.postgis_only  # SQLite's single writer serialises imports and dedupe runs already
def test_an_import_holds_the_dedupe_lock_before_it_writes(session, engine, tmp_path):
    """An import dedupes at its end. Taking the dedupe lock only then, after writing rows
    a running `signpost dedupe` was waiting on, deadlocked the two (bench/load.py found
    it); taken before the first write, they queue instead."""
    held = []

    def records():
        with engine.connect() as other:  # another session, as `signpost dedupe` would be
            free = other.scalar(
                text("SELECT pg_try_advisory_xact_lock(hashtext('signpost dedupe'))")
            )
            held.append(not free)
            other.rollback()
        yield from read_careplace(write_csv(tmp_path / "c.csv", WALK))

    run_import(session, CAREPLACE, records())

    assert held == [True]


# A feed decides the shape and values of what reaches the pipeline. Each of these once
# crashed an import or made the database refuse it whole; now the record costs a warning
# (or is rejected) and the rest of the feed imports, on both engines.
NOISE = "".join(chr(0x4E00 + (n * 7919) % 20000) for n in range(3000))  # incompressible
HOSTILE_RECORDS = [
    ({"phones": "020 7946 0000"}, "warning", "phones: '020 7946 0000' is not a list"),
    ({"organization": "Camden Council"}, "warning", "organization: 'Camden Council' is not an"),
    ({"service_at_locations": [None, {"location": ["x"]}]}, "warning", "[0]: None is not an"),
    ({"minimum_age": 2**70}, "warning", "minimum_age: 1180591620717411303424 is not a whole"),
    ({"maximum_age": "ten"}, "warning", "maximum_age: 'ten' is not a whole number"),
    ({"cost_options": [{"amount": "1e400"}]}, "warning", "amount: '1e400' is not a finite"),
    ({"schedules": [{"timezone": "Europe/London"}]}, "warning", "timezone: 'Europe/London'"),
    ({"contacts": [{"name": "A", "is_public": "maybe"}]}, "warning", "is_public: 'maybe'"),
    ({"attributes": [{"taxonomy_term_id": "not-a-term"}]}, "warning", "term not-a-term is not"),
    ({"attributes": [{"taxonomy_term": {"name": ["a"]}}]}, "warning", "taxonomy_term: no name"),
    ({"organization": {"name": NOISE}}, "warning", "organization.name: cut to 500 characters"),
    ({"service_areas": [{"name": NOISE}]}, "warning", "service_areas[0].name: cut to 500"),
    ({"description": "a\x00b\ud800", "extra": [float("nan")]}, None, None),
    ({"id": NOISE}, "rejected", "its ID is over 500 characters long"),
]


@pytest.mark.parametrize(("fields", "kind", "reason"), HOSTILE_RECORDS)
def test_a_hostile_feed_record_costs_a_warning_not_the_import(session, fields, kind, reason):
    bad = {"id": "bad", "name": "Bad"} | copy.deepcopy(fields)  # the pipeline changes it
    items = [
        Record("good", "item 1", {}, {"id": "good", "name": "Good walk"}),
        Record(bad["id"], "item 2", fields, bad),
    ]
    report = run_import(session, SourceSpec(name="feed", format="hsds"), items, keep_ids=True)
    session.commit()
    problems = [(p.kind, p.reason) for p in report.problems if p.position == "item 2"]
    if kind is None:
        assert problems == []
    else:
        assert any(k == kind and reason in r for k, r in problems), problems
    names = set(session.scalars(select(Service.name)))
    assert names == ({"Good walk"} if kind == "rejected" else {"Good walk", "Bad"})
    stored = session.scalars(select(Service.description).filter_by(name="Bad")).all()
    assert all("\x00" not in (text or "") for text in stored)
