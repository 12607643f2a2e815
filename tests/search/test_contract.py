"""The search contract: the same data gives the same results, in the same order, on SQLite
and on PostGIS. Every test here runs on both engines against literal expectations."""

import random

import pytest

from app.search.places import haversine
from tests.hsds import errors
from tests.search.conftest import make_service

CENTRE = (51.5300, -0.1000)


def names(response):
    body = response.get_json()
    return [item.get("name") or item["service"]["name"] for item in body["contents"]]


def hits(response):
    return [
        (item["name"], item.get("distance"), item.get("area_wide"))
        for item in response.get_json()["contents"]
    ]


@pytest.fixture
def scattered(publish):
    """60 venues scattered within ~5 km of the centre (seeded), one service each."""
    rng = random.Random(20261124)
    services = [
        make_service(
            f"Group {i:02d}",
            round(CENTRE[0] + rng.uniform(-0.045, 0.045), 6),
            round(CENTRE[1] + rng.uniform(-0.07, 0.07), 6),
        )
        for i in range(60)
    ]
    # Two venues at one spot: equal distances are ordered by name.
    first = services[0]["service_at_locations"][0]["location"]
    services.append(make_service("Group 60", first["latitude"], first["longitude"]))
    return publish(*services)


def brute_force(services, latitude, longitude, proximity):
    measured = []
    for service in services:
        location = service["service_at_locations"][0]["location"]
        distance = haversine(latitude, longitude, location["latitude"], location["longitude"])
        if distance <= proximity:
            measured.append((distance, service["name"]))
    return sorted(measured)


def test_nearest_first_matches_a_brute_force_haversine_ordering(client, scattered):
    response = client.get(f"/services?lat={CENTRE[0]}&lon={CENTRE[1]}&proximity=3000&per_page=100")
    expected = brute_force(scattered, *CENTRE, 3000)
    assert 10 < len(expected) < len(scattered)
    found = hits(response)
    assert [name for name, _, _ in found] == [name for _, name in expected]
    for (_, distance, area_wide), (true_distance, _) in zip(found, expected, strict=True):
        assert distance == pytest.approx(true_distance, abs=0.1)
        assert area_wide is False


def test_proximity_excludes_farther_venues(client, scattered):
    for proximity in (500, 1500, 4000):
        query = f"/services?lat={CENTRE[0]}&lon={CENTRE[1]}&proximity={proximity}&per_page=100"
        body = client.get(query).get_json()
        assert body["total_items"] == len(brute_force(scattered, *CENTRE, proximity))
        assert all(item["distance"] <= proximity for item in body["contents"])


def test_pages_of_a_place_search_follow_on(client, scattered):
    query = f"/services?lat={CENTRE[0]}&lon={CENTRE[1]}&proximity=3000"
    whole = names(client.get(query + "&per_page=100"))
    pages = [names(client.get(query + f"&per_page=7&page={page}")) for page in (1, 2, 3)]
    assert sum(pages, []) == whole[:21]
    assert client.get(query + "&per_page=7").get_json()["total_items"] == len(whole)


def test_service_at_locations_are_nearest_first_too(client, scattered):
    response = client.get(
        f"/service_at_locations?lat={CENTRE[0]}&lon={CENTRE[1]}&proximity=2000&per_page=100"
    )
    expected = brute_force(scattered, *CENTRE, 2000)
    assert names(response) == [name for _, name in expected]
    item = response.get_json()["contents"][0]
    assert item["distance"] == pytest.approx(expected[0][0], abs=0.1)
    assert errors(item, "compiled/service_at_location_list.json") == []


def test_a_postcode_search_lists_only_the_venues_within_reach(client, london):
    """HSDS: "only show results within the proximity"; Regent's Park Health Walk (3.2 km)
    serves Camden, which covers NW5 1QR, but its venue is beyond reach."""
    response = client.get("/services?postcode=nw5 1qr&proximity=3000")
    assert hits(response) == [
        ("Hampstead Heath Health Walk", 359.5, False),
        ("Knit and Natter", 2217.0, False),
    ]
    for item in response.get_json()["contents"]:
        assert errors(item, "compiled/service_list.json") == []
    # Area-wide services are those without a venue: one with a venue is judged by distance.
    with_area_wide = client.get("/services?postcode=nw5 1qr&proximity=3000&include_area_wide=1")
    assert hits(with_area_wide) == hits(response)


def test_an_outward_code_searches_from_the_middle_of_its_district(client, london):
    body = client.get("/services?postcode=NW5&proximity=5000").get_json()
    # NW5's three test postcodes average 51.552667, -0.142667.
    walk = body["contents"][0]
    assert walk["name"] == "Hampstead Heath Health Walk"
    assert walk["distance"] == pytest.approx(
        haversine(51.552667, -0.142667, 51.5589, -0.1503), abs=1
    )


def test_service_at_locations_beyond_reach_are_left_out(client, london):
    for extra in ("", "&include_area_wide=true"):
        query = f"/service_at_locations?postcode=NW5 1QR&proximity=3000{extra}"
        body = client.get(query).get_json()
        assert [
            (item["service"]["name"], item["location"]["name"], item["distance"], item["area_wide"])
            for item in body["contents"]
        ] == [
            ("Hampstead Heath Health Walk", "Parliament Hill Café", 359.5, False),
            ("Knit and Natter", "Islington Mind Centre", 2217.0, False),
        ]


def test_without_proximity_a_postcode_lists_the_services_covering_it(client, london):
    assert hits(client.get("/services?postcode=NW51QR")) == [
        ("Hampstead Heath Health Walk", 359.5, True),
        ("Regent's Park Health Walk", 3213.9, True),
    ]


def test_pan_london_and_online_services_cover_everywhere(client, london, publish):
    publish(
        make_service("Silver Line Helpline", areas=("phone",)),
        make_service("London Befriending Network", 51.40, 0.05, areas=("pan-London",)),
        make_service("Tottenham Walk", 51.59, -0.07, areas=("Haringey",)),
    )
    query = "/services?postcode=E8 2EZ&proximity=1000"
    assert hits(client.get(query)) == [("Hackney Men's Shed", 0.0, False)]
    # Asked for, the services with no venue that cover the place follow; the pan-London
    # one has a venue 18.8 km away, so it is judged by that distance and left out.
    assert hits(client.get(query + "&include_area_wide=true")) == [
        ("Hackney Men's Shed", 0.0, False),
        ("Silver Line Helpline", None, True),
    ]
    assert hits(client.get("/services?postcode=E8 2EZ")) == [
        ("Hackney Men's Shed", 0.0, True),
        ("London Befriending Network", 18829.1, True),
        ("Silver Line Helpline", None, True),
    ]  # without a proximity: every service covering the place (HSDS)


def test_area_wide_services_respect_the_other_filters(client, london, publish):
    publish(make_service("Silver Line Helpline", areas=("phone",), terms=("Debt",)))
    query = "/services?postcode=SW9 7SL&proximity=1000&taxonomy_term=debt&include_area_wide=1"
    assert names(client.get(query)) == ["Silver Line Helpline"]
    assert names(client.get(query.replace("debt", "loneliness"))) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("walks", ["Hampstead Heath Health Walk", "Regent's Park Health Walk"]),  # word forms
        ("knit", ["Knit and Natter"]),  # prefixes
        ("gardning", ["Brixton Community Garden Volunteering"]),  # a typo
        ("Gardening", ["Brixton Community Garden Volunteering"]),
        ("hampsted walk", ["Hampstead Heath Health Walk"]),  # one word mistyped of two
        ("lonliness", ["Hackney Men's Shed", "Hampstead Heath Health Walk"]),  # in a term
        ("carers cafe", ["Carers' Café"]),  # accents
        ("the", []),  # nothing but a stopword
        ("xqzvw", []),  # nothing close
    ],
)
def test_text_search_tolerates_word_forms_and_typos(client, sample, text, expected):
    assert names(client.get("/services", query_string={"search": text})) == expected


def test_name_matches_rank_before_description_matches(client, publish):
    publish(
        make_service("Tea and Chat", description="Tea, chat and a short walk round the park."),
        make_service("Walking Football", description="Gentle football for over 50s."),
    )
    assert names(client.get("/services?search=walk")) == ["Walking Football", "Tea and Chat"]


def test_text_narrows_a_place_search_which_stays_nearest_first(client, london):
    assert hits(client.get("/services?postcode=NW5 1QR&proximity=5000&search=walk")) == [
        ("Hampstead Heath Health Walk", 359.5, False),
        ("Regent's Park Health Walk", 3213.9, False),
    ]


def test_suggest_completes_terms_then_services(client, sample):
    body = client.get("/suggest?q=Gar").get_json()
    assert body["query"] == "Gar"
    assert [(s["text"], s["kind"]) for s in body["suggestions"]] == [
        ("Gardening and green activity", "taxonomy_term"),
        ("Brixton Community Garden Volunteering", "service"),
    ]
    term_id = body["suggestions"][0]["id"]
    assert client.get(f"/taxonomy_terms/{term_id}").status_code == 200


@pytest.mark.parametrize(
    "typed, first",
    [
        ("wa", "Walking groups"),
        ("mens sh", "Men's sheds"),
        ("Men's", "Men's sheds"),
        ("heath", "Hampstead Heath Health Walk"),
        ("cafe", "Carers' Café"),
    ],
)
def test_suggest_matches_the_start_of_any_word(client, sample, typed, first):
    suggestions = client.get("/suggest", query_string={"q": typed}).get_json()["suggestions"]
    assert suggestions[0]["text"] == first


def test_suggest_leaves_out_withdrawn_services_and_repeats(client, publish):
    publish(
        make_service("Chair Yoga", terms=("Yoga",)),
        make_service("Yoga for Seniors", status="inactive"),
    )
    texts = [s["text"] for s in client.get("/suggest?q=yog").get_json()["suggestions"]]
    assert texts == ["Yoga", "Chair Yoga"]
    assert client.get("/suggest?q=zzz").get_json() == {"query": "zzz", "suggestions": []}
