"""Possible matches wait for a person; a person's decision is never undone."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from app.auth.accounts import create_account
from app.auth.tokens import create_token
from app.dedupe import run_dedupe
from app.dedupe.review import review_page
from app.models import MergedAlias, Service, SourceRecord
from tests.dedupe.conftest import CAREPLACE, HEATH_WALK, HEATH_WALK_LVSC, LVSC, listing

HILL_WALK = listing("Parliament Hill Walk", "Camden Health Walks", description="A walk.")


def services_of(session) -> dict[str, str]:
    """source/key -> service id."""
    rows = session.execute(select(SourceRecord).join(SourceRecord.source)).scalars()
    return {f"{r.source.name}/{r.key}": r.service_id for r in rows}


@pytest.fixture
def possible(load):
    """The same organisation's walks from the same café: maybe one walk, maybe two."""
    load(CAREPLACE, ("S1", HEATH_WALK))
    load(LVSC, ("p", HILL_WALK))


@pytest.fixture
def merged(load):
    load(CAREPLACE, ("S1", HEATH_WALK))
    load(LVSC, ("walk-7", HEATH_WALK_LVSC))


def test_a_possible_match_is_queued_with_both_records_and_the_reasons(session, possible):
    page = review_page(session, 1, 20)

    assert page.total == 1
    item = page.items[0]
    assert {r["name"] for r in item["records"]} == {HEATH_WALK["name"], HILL_WALK["name"]}
    assert {"org_name", "activity"} <= {reason["feature"] for reason in item["reasons"]}
    assert len(set(services_of(session).values())) == 2


def test_review_merge_joins_them_and_later_runs_keep_them_joined(session, runner, possible):
    result = runner.invoke(args=["review", "merge", "careplace-camden/S1", "lvsc-map/p"])
    assert result.exit_code == 0, result.output

    run_dedupe(session, full=True)
    session.commit()
    services = services_of(session)
    assert services["careplace-camden/S1"] == services["lvsc-map/p"]
    assert review_page(session, 1, 20).total == 0


def test_review_split_gives_the_record_its_own_service_and_id_back(session, runner, merged):
    own = services_of(session)
    alias = session.scalars(select(MergedAlias.old_id)).all()

    result = runner.invoke(args=["review", "split", "lvsc-map/walk-7", "--note", "two walks"])
    assert result.exit_code == 0, result.output
    run_dedupe(session, full=True)  # and no later run merges them again
    session.commit()

    services = services_of(session)
    assert services["careplace-camden/S1"] == own["careplace-camden/S1"]
    assert services["lvsc-map/walk-7"] in alias  # the ID it was published under at first
    assert session.get(Service, services["lvsc-map/walk-7"]).status == "active"
    assert session.get(MergedAlias, services["lvsc-map/walk-7"]) is None


def test_review_commands_explain_unknown_records(runner, merged):
    result = runner.invoke(args=["review", "merge", "careplace-camden/S1", "nowhere/9"])
    assert result.exit_code != 0
    assert "No source record 'nowhere/9'" in result.output


def test_review_list_shows_the_pair_to_decide(runner, possible):
    result = runner.invoke(args=["review", "list"])
    assert result.exit_code == 0, result.output
    assert "careplace-camden/S1" in result.output and "lvsc-map/p" in result.output


def test_clusters_csv_names_the_service_every_record_ended_in(session, runner, merged):
    result = runner.invoke(args=["clusters", "--csv"])
    assert result.exit_code == 0, result.output

    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [(r["source"], r["record_id"]) for r in rows] == [
        ("careplace-camden", "S1"),
        ("lvsc-map", "walk-7"),
    ]
    assert rows[0]["service_id"] == rows[1]["service_id"]
    assert session.get(Service, rows[0]["service_id"]).status == "active"


def token(session, role: str, scope: str = "write") -> dict[str, str]:
    account = create_account(session, f"{role}@signpost.example", role, None)
    _row, plain = create_token(session, account, scope)
    session.commit()
    return {"Authorization": f"Bearer {plain}"}


def test_the_review_queue_is_for_moderators(session, client, possible):
    assert client.get("/review").status_code == 401
    assert client.get("/review", headers=token(session, "editor")).status_code == 403

    response = client.get("/review", headers=token(session, "moderator"))

    assert response.status_code == 200
    assert response.json["total_items"] == 1
    assert len(response.json["contents"][0]["records"]) == 2


def test_a_moderator_decision_through_the_api_is_applied_at_once(session, client, possible):
    body = {"record_a": "careplace-camden/S1", "record_b": "lvsc-map/p", "decision": "must_link"}

    response = client.post("/review/decisions", json=body, headers=token(session, "moderator"))

    assert response.status_code == 201, response.json
    assert response.json["merged"] == 1
    services = services_of(session)
    assert services["careplace-camden/S1"] == services["lvsc-map/p"]


def test_a_decision_needs_a_known_decision_word(session, client, possible):
    body = {"record_a": "careplace-camden/S1", "record_b": "lvsc-map/p", "decision": "maybe"}
    response = client.post("/review/decisions", json=body, headers=token(session, "moderator"))
    assert response.status_code == 422
    assert response.json["errors"]["json"]["decision"]


def test_a_persons_edit_to_a_merged_service_survives_the_next_merge(session, client, merged, load):
    service_id = services_of(session)["careplace-camden/S1"]
    headers = token(session, "moderator")
    patch = {"description": "Meet at the café at 10:00; the walk takes an hour."}
    assert client.patch(f"/services/{service_id}", json=patch, headers=headers).status_code == 200

    changed = {**HEATH_WALK, "description": "Walks every Monday morning."}
    load(CAREPLACE, ("S1", changed))  # the trusted source changes the field a person set

    assert session.get(Service, service_id).description == patch["description"]


def test_a_record_moving_between_two_services_takes_its_venue_along(session, load, monkeypatch):
    from datetime import UTC, datetime

    from app.dedupe import publishing
    from app.dedupe.review import _store_decision, find_record
    from app.models import ServiceAtLocation

    monkeypatch.setattr(publishing, "BATCH", 1)  # each service published on its own
    load(CAREPLACE, ("S1", HEATH_WALK))
    load(LVSC, ("walk-7", HEATH_WALK_LVSC), ("p", HILL_WALK))
    walk, other, hill = (find_record(session, ref).id for ref in
                         ("careplace-camden/S1", "lvsc-map/walk-7", "lvsc-map/p"))  # fmt: skip
    now = datetime.now(UTC)
    _store_decision(session, *sorted((walk, other)), "cannot_link", "test", None, now)
    _store_decision(session, *sorted((walk, hill)), "must_link", "test", None, now)

    run_dedupe(session)  # one run: the CarePlace walk leaves one service for another
    session.commit()

    services = services_of(session)
    assert services["careplace-camden/S1"] == services["lvsc-map/p"] != services["lvsc-map/walk-7"]
    venues = session.scalars(select(ServiceAtLocation.service_id)).all()
    assert sorted(venues) == sorted({services["lvsc-map/p"], services["lvsc-map/walk-7"]})
