"""Editing "When it runs" from the browser: the days and times an editor sets are what
results and the service page show, saving an unchanged form changes nothing, and a
moderated edit shows once approved."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from tests.accounts.conftest import CAMDEN, HEATH_WALK, PASSWORD
from tests.accounts.test_web import browser as browser  # noqa: F401 (a fixture)
from tests.accounts.test_web import page, sign_in

EDIT = f"/account/services/{HEATH_WALK}/edit"
PAGE = f"/service/{HEATH_WALK}"


class FormReader(HTMLParser):
    """What a browser would post for the page's edit form, textareas with CRLF line ends."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("name"):
            if a.get("type") != "checkbox" or "checked" in a:
                self.fields.append((a["name"], a.get("value") or ""))
        elif tag == "textarea":
            self._textarea = a["name"]
            self.fields.append((a["name"], ""))
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a["value"]))

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            name, value = self.fields[-1]
            self.fields[-1] = (name, value + data.replace("\n", "\r\n"))


def posted_form(html: str) -> list[tuple[str, str]]:
    reader = FormReader()
    reader.feed(html[html.index('<form method="post" action="/account/services/') :])
    return reader.fields


def replace(fields: list[tuple[str, str]], **values) -> list[tuple[str, str]]:
    days = values.pop("schedule_days", None)
    kept = [(k, v) for k, v in fields if k not in values and (days is None or k != "schedule_days")]
    return kept + list(values.items()) + [("schedule_days", d) for d in days or ()]


def post(browser, fields):
    from werkzeug.datastructures import MultiDict

    return browser.post(EDIT, data=MultiDict(fields))


def heath_schedule(client) -> dict:
    return client.get(f"/services/{HEATH_WALK}").get_json()["service_at_locations"][0]["schedules"][
        0
    ]


@pytest.fixture
def jo_web(make_person, sample):
    return make_person(
        "jo@camdenhealthwalks.example.org", organizations=[CAMDEN], trusted=True, password=PASSWORD
    )


def test_the_form_shows_the_days_and_times_the_listing_has(browser, jo_web):
    sign_in(browser)
    fields = dict(posted_form(page(browser.get(EDIT))))
    assert (fields["schedule_days"], fields["schedule_frequency"]) == ("WE", "week")
    assert (fields["schedule_opens"], fields["schedule_closes"]) == ("10:30", "11:30")


def test_new_days_and_times_are_what_the_pages_show(browser, jo_web, client):
    sign_in(browser)
    fields = posted_form(page(browser.get(EDIT)))
    fields = replace(
        fields, schedule_days=["TU", "TH"], schedule_opens="14:00", schedule_closes="15:30"
    )
    assert post(browser, fields).status_code == 302
    schedule = heath_schedule(client)
    assert (schedule["byday"], schedule["opens_at"], schedule["closes_at"]) == (
        "TU,TH",
        "14:00",
        "15:30",
    )
    assert "Tuesdays and Thursdays, 2pm to 3:30pm" in page(client.get(PAGE))
    on_tuesday = client.get("/services?open_on=tuesday&per_page=200").get_json()["contents"]
    assert HEATH_WALK in {s["id"] for s in on_tuesday}


def test_a_monthly_group_is_kept_as_the_first_tuesday(browser, jo_web, client):
    sign_in(browser)
    fields = replace(
        posted_form(page(browser.get(EDIT))), schedule_days=["TU"], schedule_frequency="month1"
    )
    post(browser, fields)
    schedule = heath_schedule(client)
    assert (schedule["freq"], schedule["byday"]) == ("MONTHLY", "1TU")
    html = page(client.get(PAGE))
    assert "First Tuesday of the month, 10:30am to 11:30am" in html


def test_no_days_leaves_the_words_to_say_when(browser, jo_web, client):
    sign_in(browser)
    fields = replace(
        posted_form(page(browser.get(EDIT))),
        schedule_days=[],
        schedule_opens="",
        schedule_closes="",
        schedule="Ring to ask: the dates change each term",
    )
    post(browser, fields)
    schedule = heath_schedule(client)
    assert "byday" not in schedule or schedule["byday"] is None
    html = page(client.get(PAGE))
    assert "Ring to ask: the dates change each term" in html
    assert "Wednesdays" not in html


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"schedule_opens": "15:00", "schedule_closes": "14:00"}, "schedule_closes", "after"),
        ({"schedule_opens": "3pm"}, "schedule_opens", "Enter a time like"),
        ({"schedule_days": []}, "schedule_days", "Choose the days"),
        ({"schedule_frequency": "yearly"}, "schedule_frequency", "how often"),
    ],
)
def test_impossible_times_are_explained_next_to_their_field(
    browser, jo_web, client, values, field, message
):
    sign_in(browser)
    response = post(browser, replace(posted_form(page(browser.get(EDIT))), **values))
    assert response.status_code == 422
    html = page(response)
    assert f'href="#{field}"' in html and message in html
    assert heath_schedule(client)["byday"] == "WE"


def test_saving_an_unchanged_form_changes_nothing(browser, make_person, sample, client, session):
    from sqlalchemy import func, select

    from app.models import Service
    from app.models.accounts import ChangeRequest

    session.get(Service, HEATH_WALK).description = "A gentle walk.\nAll welcome."
    make_person("nell@camdenhealthwalks.example.org", organizations=[CAMDEN], password=PASSWORD)
    sign_in(browser, "nell@camdenhealthwalks.example.org")  # untrusted: a change would wait
    unchanged = posted_form(page(browser.get(EDIT)))
    assert ("description", "A gentle walk.\r\nAll welcome.") in unchanged
    post(browser, unchanged)
    assert session.scalar(select(func.count()).select_from(ChangeRequest)) == 0
    assert "Nothing was changed" in page(browser.get("/account/"))


def test_an_approved_change_of_times_shows(browser, make_person, sample, client):
    make_person("nell@camdenhealthwalks.example.org", organizations=[CAMDEN], password=PASSWORD)
    mo = make_person("mo@signpost.example", role="moderator")
    sign_in(browser, "nell@camdenhealthwalks.example.org")
    fields = replace(
        posted_form(page(browser.get(EDIT))),
        schedule_days=["SA"],
        schedule_opens="09:00",
        schedule_closes="10:00",
    )
    post(browser, fields)
    assert heath_schedule(client)["byday"] == "WE"  # waiting for a moderator
    queue = client.get("/change_requests?status=pending", headers=mo.headers).get_json()
    (request,) = [r for r in queue["contents"] if r["resource_type"] == "schedule"]
    approved = client.post(f"/change_requests/{request['id']}/approve", headers=mo.headers, json={})
    assert approved.status_code == 200, approved.get_json()
    html = page(client.get(PAGE))
    assert "Saturdays, 9am to 10am" in html and "Wednesdays" not in html
