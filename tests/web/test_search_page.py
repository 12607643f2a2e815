"""The search page at `/`: content negotiation with the API root, a search by postcode and
need in distance order, the filters, error states, paging and the no-JavaScript shortlist."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from app.geo import load_areas
from app.taxonomy import all_terms
from app.web.search import NEEDS
from tests.search.conftest import AREAS
from tests.web.conftest import (
    HAMPSTEAD_WALK,
    KNIT_AND_NATTER,
    MENS_SHED,
    PHONE_BEFRIENDING,
    REGENTS_PARK_WALK,
    page,
)

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
RESULT = re.compile(r'<li class="listing" id="result-([0-9a-f-]{36})"')


def result_ids(body: str) -> list[str]:
    return RESULT.findall(body)


def distances(body: str) -> list[float]:
    return [float(d) for d in re.findall(r'data-distance="([\d.]+)"', body)]


@pytest.mark.parametrize(
    "accept",
    [None, "application/json", "*/*", "application/json, text/html;q=0.5"],
)
def test_api_clients_keep_getting_the_hsds_root(client, accept):
    headers = {"Accept": accept} if accept else {}
    response = client.get("/", headers=headers)
    assert response.status_code == 200
    assert response.get_json()["version"] == "3.0"
    assert "Accept" in response.headers["Vary"]


@pytest.mark.parametrize("accept", [BROWSER, "text/html", "text/html, application/json;q=0.9"])
def test_a_browser_gets_the_search_page(client, accept):
    response = client.get("/", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert "Accept" in response.headers["Vary"]
    body = response.get_data(as_text=True)
    assert '<form class="search-form" method="get"' in body
    for field in ("postcode", "taxonomy_term", "search", "proximity", "free", "age", "open_on"):
        assert f'id="{field}"' in body and f'for="{field}"' in body  # every field labelled
    assert 'role="alert"' not in body and 'id="results"' not in body


def test_the_needs_are_friendly_words_for_built_in_terms():
    codes = {term.code for term in all_terms()}
    assert {code for code, _ in NEEDS} <= codes
    assert ("need:loneliness", "Feeling lonely") in NEEDS
    assert ("need:carers", "Caring for someone") in NEEDS


def test_search_by_postcode_and_need_lists_the_nearest_first(client, directory):
    status, body = page(client, "/?postcode=nw3+2qg&taxonomy_term=activity:active&proximity=5000")
    assert status == 200
    assert result_ids(body) == [HAMPSTEAD_WALK, REGENTS_PARK_WALK]
    assert distances(body) == sorted(distances(body))
    assert "510 m</strong> away, about 7 minutes&#39; walk" in body
    assert "3.2 km</strong> away, about 40 minutes&#39; walk" in body
    assert "Wednesdays, 10:30am to 11:30am" in body
    assert "Camden Health Walks" in body and "Free" in body
    assert 'href="tel:+442079460101"' in body
    assert 'href="https://camdenhealthwalks.example.org/"' in body
    assert '<time datetime="2026-09-01">Confirmed' in body
    assert 'value="NW3 2QG"' in body  # the form keeps what was asked
    assert '<option value="activity:active" selected>' in body


def test_the_distance_limits_the_results(client, directory):
    _status, near = page(client, "/?postcode=NW3+2QG&proximity=500")
    _status, far = page(client, "/?postcode=NW3+2QG&proximity=5000")
    assert HAMPSTEAD_WALK not in result_ids(near)  # 509 m away
    assert result_ids(far)[:3] == [HAMPSTEAD_WALK, KNIT_AND_NATTER, REGENTS_PARK_WALK]


def test_phone_and_online_services_are_grouped_after_the_nearby_ones(client, directory):
    _status, body = page(client, "/?postcode=NW3+2QG&taxonomy_term=need:loneliness&proximity=2000")
    assert result_ids(body) == [HAMPSTEAD_WALK, PHONE_BEFRIENDING]
    nearby, area_wide = body.split("Across the area, by phone or online")
    assert HAMPSTEAD_WALK in nearby and PHONE_BEFRIENDING in area_wide
    assert "By phone" in area_wide


def test_services_with_a_venue_beyond_the_distance_are_not_listed_as_area_wide(
    client, directory, session
):
    """Regent's Park Health Walk serves Camden, which covers NW3 2QG, but its venue is
    3.2 km away: beyond 2 km it is left out, not listed "across the area"."""
    load_areas(session, AREAS / "boroughs.geojson")
    session.commit()
    _status, body = page(client, "/?postcode=NW3+2QG&proximity=2000")
    assert REGENTS_PARK_WALK not in result_ids(body)
    _nearby, area_wide = body.split("Across the area, by phone or online")
    assert PHONE_BEFRIENDING in area_wide
    _status, far = page(client, "/?postcode=NW3+2QG&proximity=5000")
    assert REGENTS_PARK_WALK in far.split("Across the area, by phone or online")[0]


def test_the_open_data_link_asks_the_api_for_the_same_results(client, directory):
    _status, body = page(client, "/?postcode=NW3+2QG&taxonomy_term=need:loneliness")
    link = re.search(r'<a href="(/services\?[^"]+)">These results as open data', body)
    query = parse_qs(urlsplit(link.group(1).replace("&amp;", "&")).query)
    assert query["include_area_wide"] == ["true"] and query["proximity"] == ["2000"]
    answer = client.get(link.group(1).replace("&amp;", "&")).get_json()
    assert [item["id"] for item in answer["contents"]] == result_ids(body)


def test_without_a_postcode_results_are_in_name_order(client, directory):
    status, body = page(client, "/?taxonomy_term=need:loneliness")
    assert status == 200
    assert result_ids(body) == [MENS_SHED, HAMPSTEAD_WALK, PHONE_BEFRIENDING]
    assert "Add a postcode to see the nearest first" in body


@pytest.mark.parametrize(
    ("query", "included", "excluded"),
    [
        ("free=true", [HAMPSTEAD_WALK, KNIT_AND_NATTER], [MENS_SHED]),
        ("age=30", [HAMPSTEAD_WALK, KNIT_AND_NATTER], [MENS_SHED]),
        ("open_on=wednesday", [HAMPSTEAD_WALK], [MENS_SHED, REGENTS_PARK_WALK]),
        ("open_on=saturday", [REGENTS_PARK_WALK], [HAMPSTEAD_WALK]),
        ("referral=self", [PHONE_BEFRIENDING], [HAMPSTEAD_WALK, MENS_SHED]),
    ],
)
def test_filters(client, directory, query, included, excluded):
    status, body = page(client, f"/?postcode=NW1+4HR&proximity=5000&{query}")
    assert status == 200
    found = result_ids(body)
    assert set(included) <= set(found)
    assert not set(excluded) & set(found)
    assert 'open class="filters"' in body or '<details class="filters" open>' in body


def test_wheelchair_filter_needs_step_free_venues(client, directory):
    _status, body = page(client, "/?postcode=NW1+4HR&proximity=5000&wheelchair_accessible=true")
    assert result_ids(body) == []
    assert "0 activities found" in body


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("postcode=ZZ99+9ZZ", "postcode", "We could not find that postcode"),
        ("postcode=hello", "postcode", "Enter a postcode, like NW5 1QR"),
        ("postcode=NW3+2QG&age=seventy", "age", "Enter an age in whole years"),
        ("postcode=NW3+2QG&age=400", "age", "Enter an age in whole years"),
        ("postcode=NW3+2QG&proximity=123", "proximity", "Choose a distance from the list"),
        ("taxonomy_term=need:unheard-of", "taxonomy_term", "Choose a need from the list"),
        ("postcode=NW3+2QG&open_on=someday", "open_on", "Choose a day of the week"),
        ("search=walk&page=0", "page", "That page number is not valid"),
    ],
)
def test_bad_input_is_an_announced_error_not_a_crash(client, directory, query, field, message):
    status, body = page(client, f"/?{query}")
    assert status == 422
    assert 'role="alert"' in body and "There is a problem" in body
    assert message in body
    assert "<title>Error: " in body
    if field != "page":
        assert f'href="#{field}"' in body  # the summary links to the field
        assert f'id="{field}-error"' in body and 'aria-invalid="true"' in body
    assert 'id="results"' not in body


def test_user_text_is_escaped(client, directory):
    _status, body = page(client, "/?search=%3Cscript%3Ealert(1)%3C/script%3E")
    assert "<script>alert(1)" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_results_are_paged(client, directory, monkeypatch):
    monkeypatch.setattr("app.web.search.PER_PAGE", 2)
    _status, first = page(client, "/?postcode=NW3+2QG&proximity=5000")
    assert len(result_ids(first)) == 2
    assert "Page 1 of" in first and 'rel="next"' in first and 'rel="prev"' not in first
    next_url = re.search(r'<a rel="next" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    assert parse_qs(urlsplit(next_url).query)["page"] == ["2"]
    _status, second = page(client, next_url)
    assert "Page 2 of" in second and 'rel="prev"' in second
    assert not set(result_ids(first)) & set(result_ids(second))


def test_the_same_search_is_offered_as_json(client, directory):
    _status, body = page(client, "/?postcode=NW3+2QG&taxonomy_term=need:loneliness&free=true")
    link = re.search(r'<a href="(/services\?[^"]+)">These results as open data', body).group(1)
    response = client.get(link.replace("&amp;", "&"))
    assert response.status_code == 200
    names = [service["name"] for service in response.get_json()["contents"]]
    assert names == ["Hampstead Heath Health Walk", "Telephone Befriending"]


def test_the_shortlist_rides_in_the_query_string_without_javascript(client, directory):
    search = "/?postcode=NW3+2QG&proximity=5000"
    response = client.get(f"{search}&add={HAMPSTEAD_WALK}", headers={"Accept": BROWSER})
    assert response.status_code == 303
    assert response.location.endswith(f"shortlist={HAMPSTEAD_WALK}#result-{HAMPSTEAD_WALK}")
    added = response.location.split("#")[0]
    response = client.get(
        f"{added}&pick={KNIT_AND_NATTER}&pick={REGENTS_PARK_WALK}&add_picked=1",
        headers={"Accept": BROWSER},
    )
    shortlist = parse_qs(urlsplit(response.location).query)["shortlist"][0].split(",")
    assert shortlist == [HAMPSTEAD_WALK, KNIT_AND_NATTER, REGENTS_PARK_WALK]
    _status, body = page(client, response.location.split("#")[0])
    panel = body.split('id="prescription"')[1].split("</section>")[0]
    assert "3 activities chosen" in panel
    assert "Hampstead Heath Health Walk" in panel and "Knit and Natter" in panel
    assert f"/prescription?ids={HAMPSTEAD_WALK},{KNIT_AND_NATTER},{REGENTS_PARK_WALK}" in panel
    assert f'name="remove" value="{HAMPSTEAD_WALK}"' in body  # its result now offers removal
    removed = client.get(
        response.location.split("#")[0] + f"&remove={KNIT_AND_NATTER}",
        headers={"Accept": BROWSER},
    )
    shortlist = parse_qs(urlsplit(removed.location).query)["shortlist"][0].split(",")
    assert shortlist == [HAMPSTEAD_WALK, REGENTS_PARK_WALK]
    assert "postcode=NW3+2QG" in removed.location  # the search is kept


@pytest.mark.parametrize(
    "url",
    [
        "/?postcode=NW3+2QG&proximity=5000",
        "/?postcode=nowhere",
        f"/service/{HAMPSTEAD_WALK}",
        f"/prescription?ids={HAMPSTEAD_WALK},{KNIT_AND_NATTER}",
        "/boroughs",
    ],
)
def test_pages_keep_to_the_content_security_policy(client, directory, url):
    """Scripts only from static files, no inline handlers or style attributes."""
    _status, body = page(client, url)
    assert "<html lang=" in body and "<h1>" in body
    assert not re.search(r"<script(?![^>]*\bsrc=)", body)
    assert not re.search(r"\son[a-z]+\s*=", body)
    assert not re.search(r"\sstyle\s*=", body)
