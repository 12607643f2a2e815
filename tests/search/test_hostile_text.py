"""Search text is user text: quotes, FTS5 and tsquery operators, LIKE wildcards, escapes,
NUL, invalid UTF-8, very long text and every script must give results or an empty page
(or a clean 422 in the JSON error format when over the documented length), never a 500,
on SQLite and PostGIS alike.

Only letters and digits of the text reach a query language (app/search/words.py), and
LIKE patterns are escaped (app/sql_text.py); these tests hold the endpoints to that.
"""

from __future__ import annotations

from urllib.parse import quote, quote_from_bytes

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

HOSTILE = [
    '"', "'", '""', 'walk"', '"walk', "O'Brien's", "walk' OR '1'='1", "'; DROP TABLE service; --",
    "walk AND garden", "walk OR", "OR", "NOT walk", "AND", "walk NEAR garden",
    "NEAR(walk garden, 2)",
    "walk*", "*", "**", "^walk", "^", "name:walk", "name : walk", "body:garden", "{name body}:walk",
    "(walk", "walk)", "()", "(", ")", "walk & garden", "walk | garden", "!walk", "walk <-> garden",
    "walk:*", "walk:A", "-walk", "+walk", "%", "_", "%%", "%walk%", "w_lk", "\\", "\\\\", "walk\\",
    "\\%", "\\_", "\x00", "walk\x00garden", "\x00walk", "\t\n\r", "\x1b[31m", "\ufeff", "\u200b",
    "😀", "walk 😀", "שלום", "مرحبا walk", "\u202ewalk", "e\u0301", "Z\u0364\u0354\u0367\u0311",
    "ǅ", "ß", "İstanbul", "²", "Ⅻ", "①", "ﬁ", "\U00020000", "\U000e0041", "a" * 200,
    "walk " * 40, "&amp;", "<script>", "${7*7}", "{{7*7}}", "null", "undefined", "NaN",
]  # fmt: skip
# The kinds above that matter for parameters compared whole (a term, a borough, a postcode).
SHORTLIST = [
    '"', "'", "walk' OR '1'='1", "%", "_", "\\", "\x00", "walk\x00garden", "😀", "שלום",
    "e\u0301", "\U00020000", "a" * 200, "NW5\x001QR", "Camden%",
]  # fmt: skip
# Text that holds one searchable word, however much punctuation is around it, finds
# what the word alone finds.
SAME_AS_WALK = [
    'walk"', '"walk"', "walk*", "^walk", "(walk)", "walk\\", "%walk%", "_walk_",
    "wálk", "WALK", "walk:*", "{walk}", "walk;", "-walk-",
]  # fmt: skip
TEXT_ENDPOINTS = [  # (`text` on /services is an alias of `search`: tested for its length)
    ("/services", "search"),
    ("/service_at_locations", "search"),
    ("/organizations", "search"),
    ("/taxonomies", "search"),
    ("/taxonomy_terms", "search"),
]


def get(client, path, parameter, text):
    return client.get(f"{path}?{parameter}={quote(text, safe='')}")


def assert_page_or_nul_refused(response, text):
    """A page, or, for text with a NUL character (which PostgreSQL cannot hold), a 422
    naming the field: NUL anywhere in a request is refused before any view sees it."""
    body = response.get_json()
    if "\x00" in text:
        assert response.status_code == 422, (text, body)
        assert "NUL" in body["message"] and list(body) == ["code", "status", "message", "errors"]
        return
    assert response.status_code == 200, (response.status_code, body)
    assert isinstance(body.get("contents", body.get("suggestions")), list)


@pytest.mark.parametrize("path, parameter", TEXT_ENDPOINTS)
def test_hostile_search_text_gives_a_page(client, sample, path, parameter):
    for text in HOSTILE:
        assert_page_or_nul_refused(get(client, path, parameter, text), text)


@pytest.mark.parametrize("path, parameter", [*TEXT_ENDPOINTS, ("/services", "text")])
def test_search_text_over_200_characters_is_a_422_naming_it(client, path, parameter):
    response = get(client, path, parameter, "walk " * 41)
    assert response.status_code == 422
    body = response.get_json()
    assert list(body) == ["code", "status", "message", "errors"]
    assert f"'{parameter}'" in body["message"]


def test_punctuation_around_a_word_finds_what_the_word_finds(client, sample):
    def ids(text):
        return [s["id"] for s in get(client, "/services", "search", text).get_json()["contents"]]

    walks = ids("walk")
    assert walks
    assert {text: ids(text) for text in SAME_AS_WALK} == dict.fromkeys(SAME_AS_WALK, walks)


def test_wildcards_match_nothing_by_themselves(client, sample):
    for path, parameter in TEXT_ENDPOINTS:
        for text in ("%", "_", "%%", "*", "\\%"):
            body = get(client, path, parameter, text).get_json()
            assert body["contents"] == [], (path, text)


def test_hostile_text_with_a_place_and_filters(client, london):
    for text in SHORTLIST:
        query = f"postcode=NW5+1QR&proximity=5000&free=true&search={quote(text, safe='')}"
        assert_page_or_nul_refused(client.get(f"/services?{query}"), text)


def test_hostile_suggest_text_gives_suggestions_or_none(client, sample):
    for text in HOSTILE:
        response = get(client, "/suggest", "q", text)
        if "\x00" not in text and (len(text) > 100 or not text):  # q: 1 to 100 characters
            assert response.status_code == 422 and "'q'" in response.get_json()["message"]
        else:
            assert_page_or_nul_refused(response, text)


@pytest.mark.parametrize(
    "parameter", ["taxonomy_term", "vocabulary", "borough", "postcode", "language"]
)
def test_other_text_parameters_give_a_page_or_a_422(client, london, parameter):
    for text in SHORTLIST:
        response = get(client, "/services", parameter, text)
        assert response.status_code in (200, 422), (text, response.status_code)
        if response.status_code == 422:
            assert f"'{parameter}'" in response.get_json()["message"]


@pytest.mark.parametrize("field", ["search", "taxonomy_term", "postcode"])
def test_the_search_page_never_fails_on_hostile_text(client, sample, field):
    for text in [*SHORTLIST, "walk AND garden", "NEAR(walk garden)", "name:walk", "<script>"]:
        response = client.get(f"/?{field}={quote(text, safe='')}", headers={"Accept": "text/html"})
        assert response.status_code in (200, 422), (text, response.status_code)
        refused = b"There is a problem" in response.data or b"NUL (0x00)" in response.data
        assert refused or response.status_code == 200  # NUL: only a crafted URL sends one


# Bytes as a client may send them percent-encoded: invalid UTF-8 and NUL included.
QUERY_BYTES = st.binary(max_size=60) | st.text(max_size=60).map(str.encode)


@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(raw=QUERY_BYTES)
def test_any_bytes_as_search_text_give_a_page(client, sample, raw):
    encoded = quote_from_bytes(raw, safe="")
    for path, parameter in [*TEXT_ENDPOINTS, ("/suggest", "q")]:
        response = client.get(f"{path}?{parameter}={encoded}")
        if b"\x00" in raw:  # refused whatever else the text holds
            assert response.status_code == 422 and "NUL" in response.get_json()["message"]
            continue
        if path == "/suggest" and not raw:  # q must hold something
            assert response.status_code == 422
            continue
        assert response.status_code == 200, (path, raw, response.get_json())
    page = client.get(f"/?search={encoded}", headers={"Accept": "text/html"})
    assert page.status_code in (200, 422)
