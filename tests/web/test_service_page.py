"""The service page: everything a link worker needs, where the listing came from, and a
form to report a problem that goes to the moderation queue."""

import re

import pytest
from sqlalchemy import func, select, update

from app.models import Service
from app.models.accounts import ChangeRequest
from tests.web.conftest import HAMPSTEAD_WALK, PHONE_BEFRIENDING, page


def test_the_service_page_has_what_a_link_worker_needs(client, directory):
    status, body = page(client, f"/service/{HAMPSTEAD_WALK}")
    assert status == 200
    assert "<h1>Hampstead Heath Health Walk</h1>" in body
    assert "Run by" in body and "Camden Health Walks" in body
    assert "A gentle 45-minute walk on Hampstead Heath" in body
    assert "Wednesdays, 10:30am to 11:30am" in body
    assert "Parliament Hill Café" in body and "Parliament Hill Fields, London, NW5 1QR" in body
    assert "Ages 18 and over" in body and "Adults 18+" in body
    assert 'href="tel:+442079460101"' in body
    assert "Volunteer coordinator" in body  # public contacts
    assert "Walking groups" in body  # what it is listed under
    assert '<time datetime="2026-09-01">Confirmed' in body
    assert 'data-lat="51.5589" data-lon="-0.1503"' in body  # the map's marker
    assert f'href="/services/{HAMPSTEAD_WALK}"' in body


def test_the_page_says_where_the_listing_came_from(client, directory):
    _status, body = page(client, f"/service/{HAMPSTEAD_WALK}")
    assert "From CarePlace (Camden) and the LVSC social prescribing map, merged." in body
    _status, body = page(client, f"/service/{PHONE_BEFRIENDING}")
    assert "Added directly to Signpost." in body


@pytest.mark.parametrize(
    "service_id", ["not-a-uuid", "00000000-0000-0000-0000-000000000000", HAMPSTEAD_WALK.upper()]
)
def test_unknown_services_are_a_page_not_found(client, directory, service_id):
    status, body = page(client, f"/service/{service_id}")
    if service_id == HAMPSTEAD_WALK.upper():
        assert status == 200  # any spelling of a UUID is the same service
        return
    assert status == 404
    assert "<h1>Page not found</h1>" in body


def test_a_withdrawn_service_is_flagged(client, session, directory):
    session.execute(update(Service).where(Service.id == HAMPSTEAD_WALK).values(status="inactive"))
    session.commit()
    _status, body = page(client, f"/service/{HAMPSTEAD_WALK}")
    assert "This service is inactive." in body


def test_unsafe_links_from_imported_data_are_not_linked(client, session, directory):
    session.execute(
        update(Service)
        .where(Service.id == HAMPSTEAD_WALK)
        .values(url="javascript:alert(1)", name="<b>Walk</b>")
    )
    session.commit()
    _status, body = page(client, f"/service/{HAMPSTEAD_WALK}")
    assert "javascript:" not in body
    assert "<b>Walk</b>" not in body and "&lt;b&gt;Walk&lt;/b&gt;" in body


def test_the_page_has_no_inline_scripts_or_handlers(client, directory):
    _status, body = page(client, f"/service/{HAMPSTEAD_WALK}")
    assert not re.search(r"<script(?![^>]*\bsrc=)", body)
    assert not re.search(r"\son[a-z]+=", body)
    assert not re.search(r'\sstyle="', body)


def test_the_report_form_posts_with_a_csrf_token(client, directory):
    _status, body = page(client, f"/service/{HAMPSTEAD_WALK}")
    form = body.split('id="report"')[1]
    assert f'action="/service/{HAMPSTEAD_WALK}/report#report"' in form
    assert 'method="post"' in form
    assert 'for="message"' in form and 'for="contact_email"' in form


@pytest.fixture
def signed(app):
    """Sessions need a secret key (the accounts setup provides one in a real app)."""
    if not app.secret_key:
        app.secret_key = "test secret"
    return app


def report_token(client) -> str:
    _status, body = page(client, f"/service/{HAMPSTEAD_WALK}")
    return re.search(r'name="csrf_token" value="([^"]+)"', body).group(1)


def test_a_report_goes_to_the_moderation_queue(client, session, directory, signed):
    token = report_token(client)
    response = client.post(
        f"/service/{HAMPSTEAD_WALK}/report",
        data={"csrf_token": token, "message": "It now meets at 11am.", "contact_email": ""},
    )
    assert response.status_code == 303
    assert response.location.endswith(f"/service/{HAMPSTEAD_WALK}?reported=1#reported")
    queued = session.scalars(
        select(ChangeRequest).where(ChangeRequest.resource_id == HAMPSTEAD_WALK)
    ).one()
    assert (queued.kind, queued.status, queued.message) == (
        "report",
        "pending",
        "It now meets at 11am.",
    )
    assert queued.contact_email is None
    _status, body = page(client, response.location)
    # The thank-you is where the redirect's anchor puts the reader: in the report section.
    report = body[body.index('<section id="report"') :]
    assert 'id="reported" role="status" tabindex="-1">Thank you. Your report has gone' in report


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"message": "Closed down."}, 400, "This form had expired"),
        ({"csrf_token": "forged", "message": "Closed down."}, 400, "This form had expired"),
        ({"csrf_token": None, "message": "   "}, 422, "Tell us what is wrong with this listing."),
        (
            {"csrf_token": None, "message": "Closed.", "contact_email": "not an address"},
            422,
            "Enter an email address like name@example.org.",
        ),
    ],
)
def test_a_bad_report_is_an_announced_error(
    client, session, directory, signed, data, status, message
):
    token = report_token(client)
    if "csrf_token" in data and data["csrf_token"] is None:
        data = {**data, "csrf_token": token}
    response = client.post(f"/service/{HAMPSTEAD_WALK}/report", data=data)
    assert response.status_code == status
    body = response.get_data(as_text=True)
    assert 'role="alert"' in body and message in body
    assert session.scalar(select(func.count()).select_from(ChangeRequest)) == 0
