"""POST /referrals, GET and PATCH /referrals/{code}: who may do what, on every endpoint."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.models import MetadataEntry
from app.models.referrals import Referral
from tests.referrals.conftest import HEATH_WALK, KNIT, PRACTICE


def make(client, person, ids=(HEATH_WALK, KNIT), **extra):
    body = {"service_ids": list(ids), **extra}
    return client.post("/referrals", json=body, headers=person.headers)


def test_a_referrer_gets_one_code_per_activity_marked_with_their_practice(client, session, rae):
    response = make(client, rae, needs=["need:loneliness"])
    assert response.status_code == 201, response.json
    body = response.json
    assert [r["service_id"] for r in body["referrals"]] == [HEATH_WALK, KNIT]
    assert body["short_url"].endswith(f"/p/{body['batch']}")
    codes = [r["code"] for r in body["referrals"]]
    assert all(len(code) == 11 and code[5] == "-" for code in codes) and len(set(codes)) == 2
    rows = session.scalars(select(Referral)).all()
    assert {r.referrer_organization_id for r in rows} == {PRACTICE}
    assert {tuple(r.needs) for r in rows} == {("need:loneliness",)}
    assert all(r.status == "new" for r in rows)


def test_making_codes_needs_a_write_token(client, rae, sample):
    assert client.post("/referrals", json={"service_ids": [HEATH_WALK]}).status_code == 401
    assert make(client, rae, organization_id="not-mine").status_code == 403


@pytest.mark.parametrize(
    "body, field",
    [
        ({"service_ids": []}, "service_ids"),
        ({"service_ids": [HEATH_WALK], "name": "Alice Smith"}, "name"),
        ({"service_ids": [HEATH_WALK], "nhs_number": "9434765919"}, "nhs_number"),
        ({"service_ids": [HEATH_WALK], "postcode": "NW5 1AA"}, "postcode"),
    ],
)
def test_personal_or_bad_fields_are_refused(client, rae, body, field):
    response = client.post("/referrals", json=body, headers=rae.headers)
    assert response.status_code == 422
    assert field in str(response.json["errors"])


def test_an_unknown_service_is_a_422(client, rae):
    response = make(client, rae, ids=["00000000-0000-4000-8000-000000000000"])
    assert response.status_code == 422 and response.json["code"] == 422


def test_whoever_holds_the_code_reads_its_status(client, rae):
    code = make(client, rae).json["referrals"][0]["code"]
    response = client.get(f"/referrals/{code.lower().replace('-', '')}")
    assert response.status_code == 200
    assert response.json["status"] == "new" and response.json["code"] == code
    assert "referrer_organization_id" not in response.json and "batch" not in response.json
    assert client.get("/referrals/AAAAA-AAAAA").status_code == 404
    assert client.get("/referrals/nonsense").status_code == 422


def test_the_services_editor_acknowledges_then_records_the_outcome(client, session, rae, jo):
    code = make(client, rae).json["referrals"][0]["code"]  # Heath walk: Jo's
    contacted = client.patch(f"/referrals/{code}", json={"status": "contacted"}, headers=jo.headers)
    assert contacted.status_code == 200 and contacted.json["contacted_at"]
    attended = client.patch(f"/referrals/{code}", json={"status": "attended"}, headers=jo.headers)
    assert attended.json["status"] == "attended" and attended.json["closed_at"]
    history = session.scalars(
        select(MetadataEntry).where(MetadataEntry.resource_type == "referral")
    ).all()
    changes = [(h.field_name, h.replacement_value) for h in history if h.field_name == "status"]
    assert ("status", "attended") in changes and ("status", "contacted") in changes
    assert {h.updated_by for h in history if h.field_name} == {f"account:{jo.account.id}"}


def test_declined_needs_one_of_the_reasons(client, rae, jo):
    code = make(client, rae).json["referrals"][0]["code"]
    url = f"/referrals/{code}"
    assert client.patch(url, json={"status": "declined"}, headers=jo.headers).status_code == 422
    bad = {"status": "declined", "reason": "did not like them"}
    assert client.patch(url, json=bad, headers=jo.headers).status_code == 422
    good = {"status": "declined", "reason": "full"}
    assert client.patch(url, json=good, headers=jo.headers).json["reason"] == "full"


@pytest.mark.parametrize("who", ["sam", "rae", "rex", "nobody"])
def test_nobody_but_the_services_editors_sets_its_status(client, request, rae, who):
    code = make(client, rae).json["referrals"][0]["code"]  # Heath walk: Camden's, not Sam's
    headers = request.getfixturevalue(who).headers if who != "nobody" else {}
    response = client.patch(f"/referrals/{code}", json={"status": "attended"}, headers=headers)
    assert response.status_code == (401 if who == "nobody" else 403)
    assert client.get(f"/referrals/{code}").json["status"] == "new"


@pytest.mark.parametrize("who, status", [("rae", 200), ("mo", 200), ("rex", 403), ("jo", 403)])
def test_only_the_referrers_organisation_records_the_patient_reported_back(
    client, request, rae, who, status
):
    code = make(client, rae).json["referrals"][0]["code"]
    headers = request.getfixturevalue(who).headers
    response = client.patch(f"/referrals/{code}", json={"reported_back": True}, headers=headers)
    assert response.status_code == status
    reported = client.get(f"/referrals/{code}").json["reported_back_at"]
    assert (reported is not None) == (status == 200)


def test_a_read_token_cannot_change_a_referral(client, make_person, rae, sample):
    from tests.referrals.conftest import CAMDEN

    reader = make_person(
        "reader@camdenhealthwalks.example.org", organizations=[CAMDEN], scope="read"
    )
    code = make(client, rae).json["referrals"][0]["code"]
    response = client.patch(
        f"/referrals/{code}", json={"status": "contacted"}, headers=reader.headers
    )
    assert response.status_code == 403


def test_look_ups_by_code_are_rate_limited_like_searches(engine, session_factory, client, rae):
    """A code is the only key to a referral, so every look-up counts: nobody walks codes."""
    from app import create_app

    code = make(client, rae).json["referrals"][0]["code"]
    limited = create_app(
        {"TESTING": True, "DATABASE_URL": engine.url.render_as_string(hide_password=False),
         "SIGNPOST_RATE_LIMIT_SEARCH": "2/minute", "RATELIMIT_KEY_PREFIX": f"codes-{code}"}
    )  # fmt: skip
    limited.extensions["signpost_db"].engine = engine
    limited.extensions["signpost_db"].sessionmaker = session_factory
    other = limited.test_client()
    statuses = [other.get(f"/referrals/{code}").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert other.get("/referrals/AAAAA-AAAAA").status_code == 429  # wrong guesses count too
