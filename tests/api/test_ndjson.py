"""`format=ndjson` on the list endpoints: every result, one object a line, streamed.

HSDS: "should stream all the results without pagination". The stream must list exactly
what the paged JSON lists over all its pages (same filters, same order, same objects),
whatever the chunk size, and hold only one chunk at a time.
"""

import json

import pytest
from sqlalchemy import event

from app.services import listing
from app.services.listing import Listing
from app.services.services import ServiceFilters, service_listing
from schemas.compiled import dumper
from schemas.service import ServiceSchema

LISTS = [
    "/services",
    "/services?full=true",
    "/services?minimal=true",
    "/services?taxonomy_term=need:loneliness",
    "/services?search=walk",
    "/services?lat=51.55&lon=-0.15&proximity=10000",
    "/services?lat=51.55&lon=-0.15&proximity=2000&include_area_wide=true",
    "/services?free=true&age=72",
    "/service_at_locations",
    "/service_at_locations?full=true&taxonomy_term=need:loneliness",
    "/organizations",
    "/organizations?full=true&search=walk",
    "/taxonomies",
    "/taxonomy_terms",
    "/taxonomy_terms?top_only=true",
]


def lines_of(response) -> list[dict]:
    text = response.get_data(as_text=True)
    assert text == "" or text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]


def every_page(client, url: str) -> list[dict]:
    contents, page = [], 1
    joiner = "&" if "?" in url else "?"
    while True:
        body = client.get(f"{url}{joiner}per_page=2&page={page}").get_json()
        contents += body["contents"]
        if body["last_page"]:
            return contents
        page += 1


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize("chunk", [1, 3, 500])
def test_the_stream_lists_what_the_pages_list(client, sample, monkeypatch, url, chunk):
    monkeypatch.setattr(listing, "STREAM_CHUNK", chunk)
    joiner = "&" if "?" in url else "?"
    response = client.get(f"{url}{joiner}format=ndjson")
    assert response.status_code == 200
    assert response.mimetype == "application/x-ndjson"
    assert response.is_streamed
    streamed = lines_of(response)
    assert streamed == every_page(client, url)
    assert streamed, f"{url} lists nothing in the sample: the comparison proves little"


def test_the_first_lines_leave_before_the_rest_is_read(client, sample, monkeypatch):
    """Nothing on the way (after_request hooks, logging) reads the stream whole."""
    produced = []
    stream = Listing.stream

    def counted(self, chunk=None):
        for items in stream(self, chunk):
            produced.append(len(items))
            yield items

    monkeypatch.setattr(Listing, "stream", counted)
    monkeypatch.setattr(listing, "STREAM_CHUNK", 1)
    response = client.get("/services?format=ndjson", buffered=False)
    first = next(iter(response.response))
    assert json.loads(first)["name"]
    assert len(produced) == 1
    response.close()


def test_filters_narrow_the_stream(client, sample):
    everything = lines_of(client.get("/services?format=ndjson"))
    lonely = lines_of(client.get("/services?format=ndjson&taxonomy_term=need:loneliness"))
    assert len(everything) == len(sample)
    assert 0 < len(lonely) < len(everything)


def test_paging_parameters_do_not_page_the_stream(client, sample):
    streamed = lines_of(client.get("/services?format=ndjson&per_page=2&page=2"))
    assert len(streamed) == len(sample)


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/services?format=ndjson&postcode=ZZ99+9ZZ&proximity=1000", "postcode"),
        ("/services?format=ndjson&taxonomy_term=no-such-need", "taxonomy_term"),
        ("/services?format=ndjson&day=Funday", "day"),
        ("/taxonomy_terms?format=xml", "format"),
    ],
)
def test_a_bad_query_is_a_422_before_anything_is_streamed(client, sample, url, parameter):
    response = client.get(url)
    assert response.status_code == 422
    assert response.mimetype == "application/json"
    assert parameter in response.get_json()["errors"]["query"]


def test_a_stream_holds_one_chunk_at_a_time(session, sample):
    """The session's identity map (every loaded object) never holds more than a chunk's
    services: what keeps memory flat at 100,000 rows."""
    full = service_listing(session, ServiceFilters(), full=True)
    session.expunge_all()
    held, services = [], 0
    for chunk in full.stream(chunk=2):
        services += len(chunk)
        held.append(len(session.identity_map))
    assert services == len(sample)
    whole = full.load([s["id"] for s in sample])
    everything_loaded = len(session.identity_map)
    assert len(whole) == len(sample)
    assert max(held) < everything_loaded / 2


def test_an_empty_listing_streams_an_empty_body(client, sample):
    response = client.get("/services?format=ndjson&search=zzzzqqqq")
    assert response.status_code == 200
    assert response.get_data() == b""


def test_the_listing_is_the_same_object_for_pages_and_streams(session, sample):
    found = service_listing(session, ServiceFilters(search="walk"))
    assert isinstance(found, Listing)
    paged = [s.id for s in found.page(1, 100).items]
    streamed = [s.id for chunk in found.stream(chunk=1) for s in chunk]
    assert paged == streamed


def test_dumping_a_chunk_of_full_services_runs_no_query(session, sample):
    """Every nested list is loaded with the chunk (no lazy load per phone or schedule):
    what keeps a full stream at thousands of rows a second, not tens."""
    statements = []

    def count(*_args):
        statements.append(1)

    full = service_listing(session, ServiceFilters(), full=True)
    event.listen(session.bind, "before_cursor_execute", count)
    try:
        for chunk in full.stream(chunk=3):
            before = len(statements)
            dumper(ServiceSchema())(chunk, many=True)
            assert len(statements) == before
    finally:
        event.remove(session.bind, "before_cursor_execute", count)
