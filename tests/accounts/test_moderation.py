"""Light-touch assurance: an untrusted editor's changes and problem reports wait in one
queue; moderators see the diff and approve or reject with a reason."""

from __future__ import annotations

import re

import pytest

from app.models import new_id
from app.services.moderation import report_problem
from tests.accounts.conftest import HEATH_WALK, KNIT


def name_of(client, service_id=HEATH_WALK) -> str:
    return client.get(f"/services/{service_id}").get_json()["name"]


def propose(client, person, body=None):
    body = body or {"name": "Heath walk"}
    return client.patch(f"/services/{HEATH_WALK}", json=body, headers=person.headers)


def test_an_untrusted_editors_change_waits_with_its_diff(client, nell):
    response = propose(client, nell)
    assert response.status_code == 202
    queued = response.get_json()
    assert (queued["kind"], queued["status"], queued["action"]) == ("edit", "pending", "update")
    assert queued["diff"] == [
        {"field": "name", "previous": "Hampstead Heath Health Walk", "proposed": "Heath walk"}
    ]
    assert queued["submitted_by"] == f"account:{nell.account.id}"
    assert name_of(client) == "Hampstead Heath Health Walk"


def test_a_moderator_sees_the_queue_and_the_diff_against_today(client, nell, jo, mo):
    queued = propose(client, nell).get_json()
    propose(client, jo, {"name": "Parliament Hill walk"})  # trusted: live at once
    queue = client.get("/change_requests", headers=mo.headers).get_json()
    assert [r["id"] for r in queue["contents"]] == [queued["id"]]
    detail = client.get(f"/change_requests/{queued['id']}", headers=mo.headers).get_json()
    assert detail["current_diff"] == [
        {"field": "name", "previous": "Parliament Hill walk", "proposed": "Heath walk"}
    ]


def test_approving_applies_the_change(client, nell, mo):
    queued = propose(client, nell).get_json()
    response = client.post(
        f"/change_requests/{queued['id']}/approve",
        json={"reason": "Matches their website"},
        headers=mo.headers,
    )
    assert response.status_code == 200
    assert (response.get_json()["status"], response.get_json()["reason"]) == (
        "approved",
        "Matches their website",
    )
    assert name_of(client) == "Heath walk"


def test_rejecting_needs_a_reason_and_changes_nothing(client, nell, mo):
    queued = propose(client, nell).get_json()
    path = f"/change_requests/{queued['id']}/reject"
    assert client.post(path, json={}, headers=mo.headers).status_code == 422
    response = client.post(path, json={"reason": "Please keep the full name"}, headers=mo.headers)
    assert response.get_json()["status"] == "rejected"
    assert name_of(client) == "Hampstead Heath Health Walk"
    mine = client.get("/change_requests?status=any", headers=nell.headers).get_json()["contents"]
    assert [(r["status"], r["reason"]) for r in mine] == [("rejected", "Please keep the full name")]


def test_a_request_is_decided_once(client, nell, mo):
    queued = propose(client, nell).get_json()
    client.post(f"/change_requests/{queued['id']}/approve", json={}, headers=mo.headers)
    again = client.post(
        f"/change_requests/{queued['id']}/reject", json={"reason": "x"}, headers=mo.headers
    )
    assert again.status_code == 409


def test_queued_creates_and_deletes_apply_on_approval(client, nell, mo, listings):
    created = client.post(
        "/phones", json={"service_id": HEATH_WALK, "number": "020 7946 0123"}, headers=nell.headers
    ).get_json()
    deleted = client.delete(
        f"/cost_options/{listings['camden']['cost_option']}", headers=nell.headers
    )
    assert deleted.status_code == 202
    for request_id in (created["id"], deleted.get_json()["id"]):
        client.post(f"/change_requests/{request_id}/approve", json={}, headers=mo.headers)
    service = client.get(f"/services/{HEATH_WALK}").get_json()
    assert "020 7946 0123" in [p["number"] for p in service["phones"]]
    assert service.get("cost_options", []) == []


def test_a_change_that_no_longer_applies_cannot_be_approved(client, nell, jo, mo, listings):
    phone = listings["camden"]["phone"]
    queued = client.patch(f"/phones/{phone}", json={"number": "1"}, headers=nell.headers)
    client.delete(f"/phones/{phone}", headers=jo.headers)
    response = client.post(
        f"/change_requests/{queued.get_json()['id']}/approve", json={}, headers=mo.headers
    )
    assert response.status_code == 409


@pytest.mark.parametrize("action", ["approve", "reject"])
def test_editors_cannot_decide(client, nell, jo, action):
    queued = propose(client, nell).get_json()
    response = client.post(
        f"/change_requests/{queued['id']}/{action}", json={"reason": "ok"}, headers=jo.headers
    )
    assert response.status_code == 403


def test_editors_see_only_their_own_requests(client, nell, make_person, sample):
    other = make_person(
        "other@camdenhealthwalks.example.org",
        organizations=["2f2989ea-f362-5217-b9f4-9a35669b326a"],
    )
    queued = propose(client, nell).get_json()
    assert client.get("/change_requests", headers=other.headers).get_json()["contents"] == []
    assert client.get(f"/change_requests/{queued['id']}", headers=other.headers).status_code == 403


def test_marking_an_editor_trusted_lets_their_changes_go_live(client, nell, mo, jo):
    path = f"/accounts/{nell.account.id}"
    assert client.patch(path, json={"trusted": True}, headers=jo.headers).status_code == 403
    response = client.patch(path, json={"trusted": True}, headers=mo.headers)
    assert response.get_json()["trusted"] is True
    assert propose(client, nell).status_code == 200
    assert name_of(client) == "Heath walk"


def test_only_admins_change_roles(client, nell, mo, ada):
    path = f"/accounts/{nell.account.id}"
    assert client.patch(path, json={"role": "moderator"}, headers=mo.headers).status_code == 403
    assert (
        client.patch(path, json={"role": "moderator"}, headers=ada.headers).get_json()["role"]
        == "moderator"
    )


@pytest.mark.parametrize(
    "mode, who, status",
    [
        ("untrusted", "nell", 202),
        ("untrusted", "jo", 200),
        ("all", "jo", 202),
        ("all", "mo", 200),
        ("none", "nell", 200),
    ],
)
def test_the_moderation_setting(app, client, request, mode, who, status):
    app.config["SIGNPOST_MODERATION"] = mode
    assert propose(client, request.getfixturevalue(who)).status_code == status


def test_anyone_may_report_a_problem_with_a_listing(client, mo, sample):
    response = client.post(
        f"/services/{KNIT}/reports",
        json={"message": "This group moved to Thursdays.", "contact_email": "me@example.org"},
    )
    assert response.status_code == 202
    report = response.get_json()
    assert (report["kind"], report["status"], report["resource_id"]) == ("report", "pending", KNIT)
    queue = client.get("/change_requests?kind=report", headers=mo.headers).get_json()["contents"]
    assert [(r["message"], r["contact_email"], r["submitted_by"]) for r in queue] == [
        ("This group moved to Thursdays.", "me@example.org", "anonymous")
    ]
    closed = client.post(
        f"/change_requests/{report['id']}/approve",
        json={"reason": "Updated the schedule"},
        headers=mo.headers,
    )
    assert closed.get_json()["status"] == "approved"


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "message"),
        ({"message": ""}, "message"),
        ({"message": "Closed", "contact_email": "not an email"}, "contact_email"),
    ],
)
def test_a_report_needs_a_message(client, sample, body, field):
    response = client.post(f"/services/{KNIT}/reports", json=body)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]["json"]


def test_reports_are_rate_limited_per_address(client, sample):
    for _ in range(3):  # refused reports do not count
        assert client.post(f"/services/{KNIT}/reports", json={"message": ""}).status_code == 422
    for _ in range(10):
        response = client.post(f"/services/{KNIT}/reports", json={"message": "Closed"})
        assert response.status_code == 202
    response = client.post(f"/services/{KNIT}/reports", json={"message": "Closed"})
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 3000
    assert response.get_json()["message"].startswith("Too many reports from this address")
    other = client.post(
        f"/services/{KNIT}/reports",
        json={"message": "Closed"},
        environ_overrides={"REMOTE_ADDR": "192.0.2.9"},
    )
    assert other.status_code == 202  # another address has its own allowance


def test_the_report_form_shares_the_limit_and_answers_a_page(client, sample):
    for _ in range(10):
        client.post(f"/services/{KNIT}/reports", json={"message": "Closed"})
    page = client.get(f"/service/{KNIT}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post(
        f"/service/{KNIT}/report",
        data={"message": "Closed", "csrf_token": token},
        headers={"Accept": "text/html"},
    )
    assert response.status_code == 429 and response.mimetype == "text/html"
    assert response.headers["Retry-After"]


def test_report_problem_is_a_plain_function_for_the_web_pages(session, sample):
    report = report_problem(session, KNIT, "  Wrong phone number  ", "me@example.org")
    assert (report.kind, report.message, report.contact_email) == (
        "report",
        "Wrong phone number",
        "me@example.org",
    )
    with pytest.raises(Exception, match="No service"):
        report_problem(session, new_id(), "Closed")


def test_the_moderation_commands(runner, client, nell, sample, session):
    first = propose(client, nell).get_json()
    second = propose(client, nell, {"alert": "No walk on Boxing Day"}).get_json()
    listed = runner.invoke(args=["moderation", "list"])
    assert listed.exit_code == 0
    assert (
        first["id"] in listed.output
        and "name: 'Hampstead Heath Health Walk' -> 'Heath walk'" in listed.output
    )
    assert "2 change requests." in listed.output
    assert "Changed listing: “Hampstead Heath Health Walk” (Camden Health Walks)" in listed.output
    assert runner.invoke(args=["moderation", "approve", first["id"]]).exit_code == 0
    rejected = runner.invoke(args=["moderation", "reject", second["id"], "--reason", "Not yet"])
    assert rejected.exit_code == 0 and "Rejected edit" in rejected.output
    assert name_of(client) == "Heath walk"
    again = runner.invoke(args=["moderation", "approve", first["id"]])
    assert again.exit_code == 1 and "already approved" in again.output
    assert "Traceback" not in again.output
