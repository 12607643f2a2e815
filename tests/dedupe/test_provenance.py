"""Where a merged service's data came from, and where merged-away IDs lead."""

from __future__ import annotations

from sqlalchemy import select

from app.models import Service, SourceRecord
from tests.dedupe.conftest import CAREPLACE, HEATH_WALK, HEATH_WALK_LVSC, LVSC


def ids(session) -> tuple[str, str]:
    """(merged service id, the id merged away)."""
    merged = session.scalar(select(Service.id).where(Service.status == "active"))
    away = session.scalar(select(Service.id).where(Service.status == "inactive"))
    return merged, away


def test_provenance_names_every_source_record_and_the_source_of_each_field(session, client, load):
    load(CAREPLACE, ("S1", HEATH_WALK))
    load(LVSC, ("walk-7", HEATH_WALK_LVSC))
    merged, _away = ids(session)

    body = client.get(f"/services/{merged}/provenance").json

    assert body["merged"] is True
    assert {(r["source"], r["record_key"]) for r in body["source_records"]} == {
        ("careplace-camden", "S1"),
        ("lvsc-map", "walk-7"),
    }
    assert body["fields"]["description"]["source"] == "careplace-camden"
    assert body["fields"]["last_modified"]["source"] == "lvsc-map"  # the newer record
    careplace = session.scalar(select(SourceRecord.id).where(SourceRecord.key == "S1"))
    assert body["fields"]["name"]["source_record_id"] in {careplace} | {
        r["source_record_id"] for r in body["source_records"]
    }


def test_a_single_source_service_has_records_but_no_field_choices(session, client, load):
    load(CAREPLACE, ("S1", HEATH_WALK))
    service_id = session.scalar(select(Service.id))

    body = client.get(f"/services/{service_id}/provenance").json

    assert body["merged"] is False
    assert [r["record_key"] for r in body["source_records"]] == ["S1"]
    assert body["fields"] == {}


def test_a_merged_away_id_redirects_to_the_merged_service(session, client, load):
    load(CAREPLACE, ("S1", HEATH_WALK))
    load(LVSC, ("walk-7", HEATH_WALK_LVSC))
    merged, away = ids(session)

    response = client.get(f"/services/{away}")

    assert response.status_code == 301
    assert response.headers["Location"].endswith(f"/services/{merged}")
    assert client.get(f"/services/{merged}/provenance").json["merged_ids"] == [away]
    assert client.get(f"/service/{away}").status_code == 301  # the web page too


def test_a_sync_client_sees_the_merged_away_id_go_inactive(session, client, load):
    load(CAREPLACE, ("S1", HEATH_WALK))
    load(LVSC, ("walk-7", HEATH_WALK_LVSC))
    _merged, away = ids(session)

    listed = client.get("/services?modified_after=2000-01-01T00:00:00Z&per_page=50").json

    statuses = {item["id"]: item["status"] for item in listed["contents"]}
    assert statuses[away] == "inactive"


def test_provenance_of_an_unknown_service_is_a_404(client, session):
    response = client.get("/services/00000000-0000-4000-8000-000000000000/provenance")
    assert response.status_code == 404
    assert response.json["code"] == 404
