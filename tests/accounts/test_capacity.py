"""Capacity through the write API and the edit form: who may set it, what the history
says, and how it is published (an attribute of the signpost-capacity taxonomy and
wait_time), HSDS-valid, until it expires and reads "not known"."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

from app.models import Attribute, Service
from app.services.capacity import attribute_id, refresh_capacity
from tests.accounts.conftest import HEATH_WALK, KNIT, PASSWORD
from tests.hsds import errors

TODAY = dt.date.today()


def capacity_attribute(body: dict) -> dict:
    (found,) = [
        a for a in body["attributes"] if a["taxonomy_term"]["taxonomy"] == "signpost-capacity"
    ]
    return found


def test_an_editor_sets_a_waiting_list_and_it_is_published_hsds_valid(client, jo):
    response = client.patch(
        f"/services/{HEATH_WALK}",
        json={"capacity_status": "waiting_list", "capacity_wait_weeks": 6},
        headers=jo.headers,
    )
    assert response.status_code == 200
    body = client.get(f"/services/{HEATH_WALK}").get_json()
    attribute = capacity_attribute(body)
    assert attribute["taxonomy_term"]["code"] == "signpost-capacity:waiting-list"
    assert attribute["value"].startswith(f"Waiting list: about 6 weeks (said {TODAY.isoformat()}")
    assert body["wait_time"].startswith("About 6 weeks (waiting list, said ")
    assert errors(body, "compiled/service.json") == []
    # Internal columns stay out of the published service.
    assert not [key for key in body if key.startswith("capacity_")]


def test_the_change_is_in_the_history(client, jo):
    client.patch(f"/services/{HEATH_WALK}", json={"capacity_status": "full"}, headers=jo.headers)
    history = client.get(f"/services/{HEATH_WALK}/history", query_string={"per_page": 100})
    fields = {
        (row["field_name"], row["replacement_value"]) for row in history.get_json()["contents"]
    }
    assert ("capacity_status", "full") in fields
    assert ("capacity_stated", TODAY.isoformat()) in fields


def test_an_editor_of_another_organisation_cannot_set_it(client, jo, sam, session):
    response = client.patch(
        f"/services/{KNIT}", json={"capacity_status": "full"}, headers=jo.headers
    )
    assert response.status_code == 403
    assert response.get_json()["code"] == 403
    session.expire_all()
    assert session.get(Service, KNIT).capacity_status is None
    assert session.get(Attribute, attribute_id(KNIT)) is None


def test_bad_capacity_values_are_422_naming_the_field(client, jo):
    for body, name in [
        ({"capacity_status": "maybe"}, "capacity_status"),
        ({"capacity_wait_weeks": -1}, "capacity_wait_weeks"),
        ({"capacity_until": "next spring"}, "capacity_until"),
    ]:
        response = client.patch(f"/services/{HEATH_WALK}", json=body, headers=jo.headers)
        assert response.status_code == 422
        assert name in response.get_json()["errors"]["json"]


def test_an_expired_statement_reads_not_known_once_refreshed(client, jo, session):
    said = (TODAY - dt.timedelta(weeks=7)).isoformat()
    client.patch(
        f"/services/{HEATH_WALK}",
        json={"capacity_status": "taking", "capacity_stated": said},
        headers=jo.headers,
    )
    body = client.get(f"/services/{HEATH_WALK}").get_json()
    assert capacity_attribute(body)["taxonomy_term"]["code"] == "signpost-capacity:taking"
    # Two weeks on, eight weeks have passed: the daily refresh republishes it.
    later = TODAY + dt.timedelta(weeks=2)
    assert refresh_capacity(session, later) == 1
    session.commit()
    body = client.get(f"/services/{HEATH_WALK}").get_json()
    attribute = capacity_attribute(body)
    assert attribute["taxonomy_term"]["code"] == "signpost-capacity:not-known"
    assert f"said {said}" in attribute["value"]
    assert errors(body, "compiled/service.json") == []
    assert refresh_capacity(session, later) == 0  # nothing more to change


def test_a_statement_already_expired_when_written_is_published_not_known(client, jo):
    said = (TODAY - dt.timedelta(weeks=9)).isoformat()
    client.patch(
        f"/services/{HEATH_WALK}",
        json={"capacity_status": "full", "capacity_stated": said},
        headers=jo.headers,
    )
    body = client.get(f"/services/{HEATH_WALK}").get_json()
    assert capacity_attribute(body)["taxonomy_term"]["code"] == "signpost-capacity:not-known"


def test_clearing_the_status_removes_what_was_published(client, jo, session):
    client.patch(
        f"/services/{HEATH_WALK}",
        json={"capacity_status": "waiting_list", "capacity_wait_weeks": 3},
        headers=jo.headers,
    )
    client.patch(
        f"/services/{HEATH_WALK}",
        json={"capacity_status": None, "capacity_wait_weeks": None, "capacity_stated": None},
        headers=jo.headers,
    )
    body = client.get(f"/services/{HEATH_WALK}").get_json()
    assert not [a for a in body["attributes"] if a["id"] == attribute_id(HEATH_WALK)]
    assert "wait_time" not in body


def test_a_service_s_own_wait_time_is_kept(client, jo):
    client.patch(
        f"/services/{HEATH_WALK}", json={"wait_time": "Two weeks for a first call"},
        headers=jo.headers,
    )  # fmt: skip
    client.patch(
        f"/services/{HEATH_WALK}",
        json={"capacity_status": "waiting_list", "capacity_wait_weeks": 6},
        headers=jo.headers,
    )
    assert client.get(f"/services/{HEATH_WALK}").get_json()["wait_time"] == (
        "Two weeks for a first call"
    )


# The edit form ---------------------------------------------------------------------------

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def signed_in(app, client, make_person, sample):
    from tests.accounts.conftest import CAMDEN

    app.config["SESSION_COOKIE_SECURE"] = False
    make_person(
        "jo@camdenhealthwalks.example.org", organizations=[CAMDEN], trusted=True, password=PASSWORD
    )
    token = TOKEN.search(client.get("/account/sign-in").get_data(as_text=True)).group(1)
    form = {"email": "jo@camdenhealthwalks.example.org", "password": PASSWORD, "csrf_token": token}
    assert client.post("/account/sign-in", data=form).status_code == 302


def edit_form(client, service_id: str, **values) -> object:
    path = f"/account/services/{service_id}/edit"
    html = client.get(path).get_data(as_text=True)
    data = {"csrf_token": TOKEN.search(html).group(1), "name": "Hampstead Heath walk"}
    for name in ("description", "url", "email", "phone", "fees_description",
                 "eligibility_description", "schedule"):  # fmt: skip
        match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', html)
        data[name] = match.group(1) if match else ""
    return client.post(path, data={**data, **values})


def test_the_edit_form_sets_a_pause_and_the_service_page_shows_it(app, client, make_person, sample):
    signed_in(app, client, make_person, sample)
    form = client.get(f"/account/services/{HEATH_WALK}/edit").get_data(as_text=True)
    assert "Are you taking new people?" in form and 'name="capacity_status"' in form
    until = (TODAY + dt.timedelta(days=30)).isoformat()
    response = edit_form(client, HEATH_WALK, capacity_status="paused", capacity_until=until)
    assert response.status_code == 302
    page = client.get(f"/service/{HEATH_WALK}")
    html = page.get_data(as_text=True)
    end = TODAY + dt.timedelta(days=30)
    assert f"Paused until {end.day} {end:%B %Y}" in html
    assert "capacity-paused" in html


def test_the_edit_form_refuses_a_bad_wait(app, client, make_person, sample):
    signed_in(app, client, make_person, sample)
    response = edit_form(
        client, HEATH_WALK, capacity_status="waiting_list", capacity_wait_weeks="six"
    )
    assert response.status_code == 422
    assert "Enter the wait in whole weeks" in response.get_data(as_text=True)


def test_saving_other_fields_does_not_restate_an_old_capacity(
    app, client, make_person, sample, session
):
    signed_in(app, client, make_person, sample)
    old = (TODAY - dt.timedelta(weeks=3)).isoformat()
    service = session.get(Service, HEATH_WALK)
    service.capacity_status, service.capacity_stated = "full", old
    session.commit()
    response = edit_form(client, HEATH_WALK, capacity_status="full")
    assert response.status_code == 302
    session.expire_all()
    assert session.scalar(select(Service.capacity_stated).where(Service.id == HEATH_WALK)) == old
    edit_form(client, HEATH_WALK, capacity_status="full", capacity_confirm="true")
    session.expire_all()
    stated = session.scalar(select(Service.capacity_stated).where(Service.id == HEATH_WALK))
    assert stated == TODAY.isoformat()
