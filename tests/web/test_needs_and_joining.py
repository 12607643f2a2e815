"""What a link worker relies on from the needs and "How to join": a need finds the services
that serve it, the menu offers only needs that find something, /boroughs tells a gap from
no data, the type-ahead knows everyday words, and each listing says how to join."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import update

from app.demo.sample import load_services
from app.geo import load_areas
from app.models import Service
from app.web.joining import UNKNOWN, how_to_join
from tests.search.conftest import AREAS, make_service
from tests.web.conftest import PHONE_BEFRIENDING, page

MENU = re.compile(r'<option value="((?:need|activity):[^"]+)"')


@pytest.mark.parametrize(
    ("given", "line"),
    [
        (
            {"referral": "Self-referral; GP and link worker referrals welcome"},
            "Self-referral, or referral by a GP or a link worker",
        ),
        (
            {"referral": "Voucher from an agency (GP, social worker, advice centre)"},
            "Voucher needed, from a GP, a social worker or an advice centre",
        ),
        (
            {"referral": "GP practice, primary care network or self-referral"},
            "Self-referral, or referral by a GP",
        ),
        (
            {"application_process": "Self-refer by phone, or ask a link worker to refer you."},
            "Self-referral, or referral by a link worker",
        ),
        ({"access": "drop-in"}, "Self-referral: just turn up"),
        (
            {"application_process": "Appointments only. GP referral needed"},
            "Referral by a GP; book first",
        ),
        ({"eligibility": "Families with young children, by voucher only"}, "Voucher needed"),
        ({"eligibility": "For unpaid carers and their families"}, UNKNOWN),
        ({"application_process": "Ring Sue on Mondays"}, "Ring Sue on Mondays"),
        ({}, UNKNOWN),
    ],
)
def test_how_to_join_is_one_plain_line(given, line):
    assert how_to_join(**given) == line


def food_bank() -> dict:
    service = make_service(
        "Holloway Food Bank",
        51.556,
        -0.157,
        description="Emergency food parcels for people referred by an agency.",
    )
    service["attributes"] = [
        {
            "id": "4d1c1d67-94a3-4a55-9c39-2f0f3f4fbc11",
            "taxonomy_term": {
                "id": "4d1c1d67-94a3-4a55-9c39-2f0f3f4fbc12",
                "name": "Referral route",
                "taxonomy": "Test fields",
            },
            "value": "Voucher from an agency (GP, social worker, advice centre)",
        }
    ]
    return service


def test_results_and_detail_say_a_voucher_is_needed(client, session, directory):
    load_services(session, [food_bank()])
    session.commit()
    status, body = page(client, "/?postcode=NW3+2QG&search=food+bank")
    assert status == 200 and "Holloway Food Bank" in body
    voucher = "<dt>How to join</dt><dd>Voucher needed, from a GP, a social worker or an advice"
    assert voucher in body
    ident = food_bank()["id"]
    _status, detail = page(client, f"/service/{ident}")
    assert voucher in detail
    assert "Referral route" not in detail  # a source field is not a category


def test_the_phone_service_says_who_can_refer(client, directory):
    _status, body = page(client, f"/service/{PHONE_BEFRIENDING}")
    assert "<dd>Self-referral, or referral by a link worker</dd>" in body


def test_the_menu_offers_only_needs_that_find_something(client, directory):
    _status, body = page(client, "/")
    offered = MENU.findall(body)
    assert "need:loneliness" in offered and "need:debt" in offered
    assert "need:housing" not in offered  # no housing service in this directory
    for code in offered:
        status, results = page(client, f"/?taxonomy_term={code}")
        assert status == 200
        assert "0 activities found" not in results, code


def test_the_type_ahead_offers_needs_by_everyday_words(client, directory):
    for typed, wanted in [("lonel", "Loneliness and isolation"), ("money worr", "Debt")]:
        suggestions = client.get(f"/suggest?q={typed.replace(' ', '+')}").get_json()
        texts = [s["text"] for s in suggestions["suggestions"] if s["kind"] == "taxonomy_term"]
        assert wanted in texts, typed


def test_boroughs_tell_a_gap_from_no_data(client, session, directory):
    """A commissioner reads a dash as "nobody offers this here"; a borough the directory
    has no listing in at all says so instead of showing a row of false gaps."""
    load_areas(session, AREAS / "boroughs.geojson")
    session.execute(
        update(Service)
        .where(Service.name == "Brixton Community Garden Volunteering")
        .values(status="inactive")
    )
    session.commit()
    _status, whole = page(client, "/boroughs")
    body = whole[: whole.index("</table>")]  # the needs table (capacity has a table of its own)
    cells = dict(re.findall(r'<th scope="row">([^<]+)</th>\s*<td([^>]*)>', body))
    assert "no-data" in cells["Lambeth"]  # its only service withdrawn: no data
    assert "no-data" not in cells["Camden"]
    camden = body[body.index('<th scope="row">Camden</th>') :].split("</tr>")[0]
    assert '<td class="gap">–<span class="visually-hidden">no service</span>' in camden


def lvsc_like() -> dict:
    """As the LVSC map writes a venue: the whole address in the name and in address_1;
    an ORUK-style field attribute; a description with single line breaks."""
    service = make_service(
        "Saint Mark's Lunch Club",
        51.55,
        -0.15,
        terms=("Food and nutrition",),
        description="Hot lunch on Tuesdays.\nBring a friend.\r\n\r\nOutings in summer.",
    )
    location = service["service_at_locations"][0]["location"]
    location["name"] = "Saint Mark's Church Hall, 130 Market Road, London"
    location["addresses"] = [
        {
            "id": "5e0b7a0e-6a39-4c1e-9d0a-7d8f5a8f0a01",
            "address_1": "Saint Mark's Church Hall, 130 Market Road, London",
            "city": "London",
            "postal_code": "N7 9PL",
            "country": "GB",
        }
    ]
    service["attributes"].append(
        {
            "id": "5e0b7a0e-6a39-4c1e-9d0a-7d8f5a8f0a02",
            "taxonomy_term": {
                "id": "5e0b7a0e-6a39-4c1e-9d0a-7d8f5a8f0a03",
                "name": "deliverable_type",
                "taxonomy": "ORUK v1",
            },
            "value": "Activity",
        }
    )
    return service


def test_the_service_page_reads_as_written(client, session, directory):
    load_services(session, [lvsc_like()])
    session.commit()
    _status, body = page(client, f"/service/{lvsc_like()['id']}")
    where = "<dt>Where</dt><dd>Saint Mark&#39;s Church Hall, 130 Market Road, London, N7 9PL</dd>"
    assert where in body  # each part once
    assert "<p>N7 9PL</p>" in body  # under the venue's heading, which holds the rest
    assert "<p>Hot lunch on Tuesdays.<br>Bring a friend.</p><p>Outings in summer.</p>" in body
    listed = re.search(r"<strong>Listed under:</strong> ([^<]+)</p>", body).group(1)
    assert "deliverable_type" not in listed and "Food and nutrition" in listed


@pytest.mark.parametrize(
    ("accept", "kind"),
    [("text/html,application/xhtml+xml,*/*;q=0.8", "text/html"), ("application/json", "json")],
)
def test_an_unknown_address_is_a_page_for_browsers_and_json_for_clients(client, accept, kind):
    response = client.get("/no-such-page", headers={"Accept": accept})
    assert response.status_code == 404
    assert "Accept" in response.headers["Vary"]
    if kind == "json":
        assert response.get_json()["code"] == 404
    else:
        body = response.get_data(as_text=True)
        assert response.mimetype == "text/html"
        assert "<h1>Page not found</h1>" in body and 'href="/"' in body
