"""After a search the results come first: the form folds away, results and map markers
carry the same numbers, a filter the data can never satisfy says so, and the next
patient starts from an empty list."""

from __future__ import annotations

import re

from tests.web.conftest import HAMPSTEAD_WALK, REGENTS_PARK_WALK, page

NUMBERED = re.compile(r'<li class="listing" id="result-([0-9a-f-]{36})" data-number="(\d+)"')


def test_the_form_folds_away_once_there_are_results(client, directory):
    _status, body = page(client, "/?postcode=NW3+2QG&taxonomy_term=activity:active&proximity=5000")
    folded = body.index('<details class="search-again">')
    assert folded < body.index('<form class="search-form"') < body.index('id="results"')
    assert "<summary>Change the search: within 5 km of NW3 2QG</summary>" in body
    _status, empty = page(client, "/")
    assert "search-again" not in empty  # before a search the form is the page


def test_results_are_numbered_for_the_map(client, directory):
    _status, body = page(client, "/?postcode=NW3+2QG&taxonomy_term=activity:active&proximity=5000")
    assert NUMBERED.findall(body) == [(HAMPSTEAD_WALK, "1"), (REGENTS_PARK_WALK, "2")]
    assert '<span class="listing-number" aria-hidden="true">1</span>' in body


def test_a_filter_the_data_never_satisfies_says_so(client, directory):
    """No sample venue records wheelchair access: "0 found" alone would read as "none
    near here"."""
    _status, body = page(client, "/?postcode=NW3+2QG&wheelchair_accessible=true")
    assert "0 activities found" in body
    assert "No service in this directory records wheelchair access yet" in body
    _status, body = page(client, "/?postcode=NW3+2QG&free=true&search=zzzz+qqqq")
    assert "records its cost as free" not in body  # free services exist: no such sentence


def test_a_new_patient_starts_from_an_empty_search_and_list(client, directory):
    response = client.get(
        f"/?postcode=NW3+2QG&shortlist={HAMPSTEAD_WALK}&new_patient=1",
        headers={"Accept": "text/html"},
    )
    assert response.status_code == 303 and response.location.endswith("/")
    _status, body = page(client, f"/?postcode=NW3+2QG&shortlist={HAMPSTEAD_WALK}")
    assert 'name="new_patient"' in body and "Start again for a new patient" in body


def test_a_merged_away_duplicate_is_listed_once(client, session, directory):
    """Dedupe leaves the merged-away copy inactive: the results show the kept one only."""
    from app.demo.sample import load_services
    from tests.search.conftest import make_service

    copy = make_service("Hampstead Heath Health Walk", 51.556, -0.157, status="inactive")
    load_services(session, [copy])
    session.commit()
    _status, body = page(client, "/?postcode=NW3+2QG&search=walk&proximity=5000")
    ids = [ident for ident, _number in NUMBERED.findall(body)]
    assert HAMPSTEAD_WALK in ids and copy["id"] not in ids
    assert len(ids) == len(set(ids))
    assert body.count(">Hampstead Heath Health Walk</a></h4>") == 1
