"""GET /services and /services/{id}: what a council directory consuming the API relies on."""

import datetime as dt

from sqlalchemy import update

from app.models import Service


def names(response):
    return [item["name"] for item in response.get_json()["contents"]]


def test_full_service_nests_everything_a_link_worker_needs(client, sample):
    walk = sample[0]
    body = client.get(f"/services/{walk['id']}").get_json()
    assert body["name"] == "Hampstead Heath Health Walk"
    assert body["organization"]["name"] == "Camden Health Walks"
    location = body["service_at_locations"][0]["location"]
    assert location["addresses"][0]["postal_code"] == "NW5 1QR"
    assert (location["latitude"], location["longitude"]) == (51.5589, -0.1503)
    assert body["service_at_locations"][0]["schedules"][0]["byday"] == "WE"
    assert body["cost_options"][0]["option"] == "Free"
    assert body["phones"][0]["number"] == "020 7946 0101"
    assert {a["taxonomy_term"]["name"] for a in body["attributes"]} == {
        "Walking groups",
        "Be active",
        "Loneliness and isolation",
    }


def test_services_are_listed_by_name_with_the_hsds_envelope(client, sample):
    body = client.get("/services?per_page=3").get_json()
    assert body["total_items"] == len(sample)
    assert body["total_pages"] == 3
    assert body["size"] == 3
    assert (body["first_page"], body["last_page"], body["empty"]) == (True, False, False)
    assert names(client.get("/services?per_page=3")) == sorted(s["name"] for s in sample)[:3]


def test_last_page_and_beyond(client, sample):
    last = client.get("/services?per_page=3&page=3").get_json()
    assert (last["size"], last["last_page"]) == (1, True)
    beyond = client.get("/services?per_page=3&page=9").get_json()
    assert (beyond["size"], beyond["empty"], beyond["contents"]) == (0, True, [])


def test_search_matches_words_and_word_forms(client, sample):
    assert sorted(names(client.get("/services?search=walks"))) == [
        "Hampstead Heath Health Walk",
        "Regent's Park Health Walk",
    ]
    assert names(client.get("/services?search=knit")) == ["Knit and Natter"]
    assert names(client.get("/services?search=gardening")) == [
        "Brixton Community Garden Volunteering"
    ]


def test_search_text_with_operators_and_wildcards_is_literal(client, sample):
    for text in ['"walk', "walk OR debt", "NEAR(walk)", "%_", "walk*", "'; drop table service"]:
        response = client.get("/services", query_string={"search": text})
        assert response.status_code == 200, text


def test_filter_by_taxonomy_term_and_organization(client, sample):
    term = client.get("/taxonomy_terms?search=Walking groups").get_json()["contents"][0]
    walks = names(client.get(f"/services?taxonomy_term_id={term['id']}"))
    assert walks == ["Hampstead Heath Health Walk", "Regent's Park Health Walk"]
    by_taxonomy = client.get(f"/services?taxonomy_id={term['taxonomy_id']}").get_json()
    assert by_taxonomy["total_items"] == len(sample)
    org_id = sample[2]["organization"]["id"]
    assert names(client.get(f"/services?organization_id={org_id}")) == ["Hackney Men's Shed"]


def test_modified_after_returns_changes_including_withdrawn(client, sample, session):
    later = dt.datetime(2030, 1, 2, tzinfo=dt.UTC)
    session.execute(
        update(Service)
        .where(Service.id == sample[1]["id"])
        .values(status="inactive", last_modified=later)
    )
    session.commit()
    assert "Knit and Natter" not in names(client.get("/services"))
    changed = client.get("/services?modified_after=2030-01-01").get_json()
    assert [(s["name"], s["status"]) for s in changed["contents"]] == [
        ("Knit and Natter", "inactive")
    ]
    same = client.get("/services?modified_after=2030-01-01T00:00:00Z").get_json()
    assert same["total_items"] == 1


def test_minimal_lists_only_what_a_mirror_needs(client, sample):
    item = client.get("/services?minimal=true").get_json()["contents"][0]
    assert set(item) == {"id", "name", "status", "last_modified"}


def test_read_api_is_open_to_other_sites_and_cacheable(client, sample):
    response = client.get("/services")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "max-age" in response.headers["Cache-Control"]


def test_service_at_locations_filter_like_services(client, sample):
    body = client.get("/service_at_locations?search=shed").get_json()
    assert [item["service"]["name"] for item in body["contents"]] == ["Hackney Men's Shed"]
    assert body["contents"][0]["location"]["addresses"][0]["postal_code"] == "E8 2EZ"


def test_taxonomy_terms_top_only_and_parent(client, sample):
    body = client.get("/taxonomy_terms?top_only=true&per_page=100").get_json()
    assert body["total_items"] > 0
    assert all("parent_id" not in term for term in body["contents"])
