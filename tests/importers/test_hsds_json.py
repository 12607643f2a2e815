import http.server
import json
import socket
import threading
import time
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest

from app.reference import HSDS_EXAMPLES
from importers.readers import hsds_json
from importers.readers.hsds_json import api_base, fetch_url, read_hsds
from importers.readers.record import Record, RecordError, SourceFormatError

DATA = Path(__file__).parents[1] / "data" / "hsds"
BASE = "https://directory.example.org/api"


def records(items):
    return [item for item in items if isinstance(item, Record)]


def errors(items):
    return [item for item in items if isinstance(item, RecordError)]


def fake_server(routes):
    """A `fetch` that serves `routes` (url -> JSON-able or exception) and logs the calls."""

    def fetch(url):
        fetch.calls.append(url)
        response = routes.get(url)
        if response is None:
            raise OSError(f"HTTP Error 404: Not Found ({url})")
        if isinstance(response, Exception):
            raise response
        return response if isinstance(response, bytes) else json.dumps(response).encode()

    fetch.calls = []
    return fetch


def page_url(page, per_page=2, base=BASE):
    return f"{base}/services?page={page}&per_page={per_page}&full=true"


def service(key, name="A service", full=True):
    item = {"id": key, "name": name, "status": "active"}
    if full:
        item["service_at_locations"] = []
    return item


# -- files ---------------------------------------------------------------------------------


def test_array_file_yields_services_as_is():
    items = list(read_hsds(DATA / "services_array.json"))
    first = records(items)[0]
    assert first.key == "7d1f4f4e-2c1b-4d6e-9b1a-0c6a1b2d3e01"
    assert first.position == "item 1"
    assert first.service["name"] == "Walk and Talk Camden"
    location = first.service["service_at_locations"][0]["location"]
    assert location["addresses"][0]["postal_code"] == "NW5 2SP"
    assert first.service["schedules"][0]["byday"] == "WE"
    assert first.raw == first.service and first.raw is not first.service
    first.service["name"] = "changed downstream"
    assert first.raw["name"] == "Walk and Talk Camden"


@pytest.mark.parametrize(
    ("position", "field", "reason"),
    [
        ("item 3", "name", "service has no name"),
        ("item 4", None, "expected a JSON object, found str"),
        ("item 5", "id", "service has no id"),
    ],
)
def test_invalid_items_are_reported_and_reading_goes_on(position, field, reason):
    items = list(read_hsds(DATA / "services_array.json"))
    assert [r.key for r in records(items)] == ["7d1f4f4e-2c1b-4d6e-9b1a-0c6a1b2d3e01", "svc-2"]
    error = {e.position: e for e in errors(items)}[position]
    assert (error.field, error.reason) == (field, reason)


def test_missing_name_error_keeps_the_key():
    error = errors(read_hsds(DATA / "services_array.json"))[0]
    assert error.key == "svc-3"


def test_ndjson_streams_line_by_line_and_reports_a_broken_line():
    items = list(read_hsds(DATA / "services.ndjson"))
    assert [(r.key, r.position) for r in records(items)] == [
        ("nd-1", "item 1"),
        ("nd-2", "item 2"),
        ("nd-4", "item 4"),
    ]
    assert records(items)[1].service["name"] == "Lewisham Chatty Café"
    (error,) = errors(items)
    assert error.position == "item 3"
    assert "line 4 of services.ndjson is not valid JSON" in error.reason


def test_page_envelope_file():
    assert [r.key for r in records(read_hsds(DATA / "page.json"))] == ["pg-1", "pg-2"]


def test_single_service_file(tmp_path):
    path = tmp_path / "one.json"
    path.write_text(json.dumps(service("solo", "Only one")), encoding="utf-8")
    (record,) = read_hsds(path)
    assert (record.key, record.position, record.service["name"]) == ("solo", "item 1", "Only one")


def test_bom_is_ignored(tmp_path):
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps([service("b1")]).encode())
    assert [r.key for r in read_hsds(path)] == ["b1"]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("truncated.json", "truncated.json is not valid JSON (truncated or malformed)"),
        ("not_json.html", "not_json.html is not valid JSON"),
        ("missing.json", "Cannot open"),
    ],
)
def test_whole_file_problems_raise_source_format_error(name, message):
    with pytest.raises(SourceFormatError, match=message.replace("(", r"\(").replace(")", r"\)")):
        list(read_hsds(DATA / name))


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "is empty"), (b"  \n\n", "is empty"), (b'"just a string"', "holds a JSON str")],
)
def test_empty_or_scalar_file(tmp_path, content, message):
    path = tmp_path / "odd.json"
    path.write_bytes(content)
    with pytest.raises(SourceFormatError, match=message):
        list(read_hsds(path))


def test_not_utf8_file(tmp_path):
    path = tmp_path / "latin1.json"
    path.write_bytes('[{"id": "x", "name": "Caf\xe9"}]'.encode("latin-1"))
    with pytest.raises(SourceFormatError, match="is not UTF-8"):
        list(read_hsds(path))


def test_a_json_document_over_the_size_limit_is_refused_before_it_is_parsed(tmp_path):
    path = tmp_path / "big.json"
    path.write_text(json.dumps([service(str(n)) for n in range(20)]))
    with pytest.raises(SourceFormatError, match="over the 100-byte limit .* publish .* NDJSON"):
        list(read_hsds(path, size_limit=100))


def test_ndjson_streams_past_the_size_limit_and_reports_an_overlong_line(tmp_path, monkeypatch):
    monkeypatch.setattr(hsds_json, "MAX_LINE", 200)
    path = tmp_path / "big.ndjson"
    long_line = json.dumps(service("b", name="x" * 1000))
    path.write_text("\n".join([json.dumps(service("a")), long_line, json.dumps(service("c"))]))
    items = list(read_hsds(path, size_limit=100))
    assert [r.key for r in records(items)] == ["a", "c"]
    assert [(e.position, e.reason) for e in errors(items)] == [
        ("item 2", "line 2 of big.ndjson is over 200 characters long")
    ]


def test_items_nested_too_deeply_are_record_errors(tmp_path):
    path = tmp_path / "deep.json"
    deep = json.loads("[" * 500 + "]" * 500)  # copying this would exhaust the stack
    path.write_text(json.dumps([service("a") | {"extra": deep}, service("b")]))
    items = list(read_hsds(path))
    assert [r.key for r in records(items)] == ["b"]
    assert errors(items)[0].reason == "the item is nested more than 32 levels deep"


def test_a_document_nested_deeper_than_json_can_read_is_a_source_format_error(tmp_path):
    path = tmp_path / "deeper.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(SourceFormatError, match="nested too deeply"):
        list(read_hsds(path))


def test_hsds_example_service_full():
    path = HSDS_EXAMPLES / "service_full.json"
    (record,) = read_hsds(path)
    assert record.key == "ac148810-d857-441c-9679-408f346de14b"
    assert record.service["organization"]["name"] == "Example Organization Inc."
    assert record.service["cost_options"][0]["amount"] == 35


# -- API -----------------------------------------------------------------------------------


def test_api_follows_total_pages():
    fetch = fake_server(
        {
            page_url(1): {"total_pages": 3, "contents": [service("a"), service("b")]},
            page_url(2): {"total_pages": 3, "contents": [service("c"), service("d")]},
            page_url(3): {"total_pages": 3, "contents": [service("e")]},
        }
    )
    items = list(read_hsds(BASE, fetch=fetch, per_page=2))
    assert [(r.key, r.position) for r in items] == [
        ("a", "item 1"),
        ("b", "item 2"),
        ("c", "item 3"),
        ("d", "item 4"),
        ("e", "item 5"),
    ]
    assert fetch.calls == [page_url(1), page_url(2), page_url(3)]
    query = parse_qs(urlsplit(fetch.calls[0]).query)
    assert query == {"page": ["1"], "per_page": ["2"], "full": ["true"]}


def test_api_fetches_each_summary_in_full():
    full_b = service("b", "Bee keeping") | {"schedules": [{"byday": "MO"}]}
    fetch = fake_server(
        {
            page_url(1): {"total_pages": 1, "contents": [service("a"), service("b", full=False)]},
            f"{BASE}/services/b": full_b,
        }
    )
    items = list(read_hsds(BASE, fetch=fetch, per_page=2))
    assert [r.service.get("schedules") for r in items] == [None, [{"byday": "MO"}]]
    assert fetch.calls == [page_url(1), f"{BASE}/services/b"]


def test_api_detail_that_fails_is_a_record_error_and_paging_goes_on():
    fetch = fake_server(
        {
            page_url(1): {
                "total_pages": 1,
                "contents": [service("gone", full=False), service("ok"), {"name": "no id"}],
            },
        }
    )
    items = list(read_hsds(BASE, fetch=fetch, per_page=2))
    assert [r.key for r in records(items)] == ["ok"]
    gone, no_id = errors(items)
    assert (gone.position, gone.key) == ("item 1", "gone")
    assert f"{BASE}/services/gone" in gone.reason and "404" in gone.reason
    assert (no_id.position, no_id.field) == ("item 3", "id")


def test_api_without_total_pages_stops_at_a_short_page():
    fetch = fake_server(
        {
            page_url(1): {"contents": [service("a"), service("b")]},
            page_url(2): {"contents": [service("c")]},
        }
    )
    assert [r.key for r in read_hsds(BASE, fetch=fetch, per_page=2)] == ["a", "b", "c"]
    assert len(fetch.calls) == 2


def test_api_stops_at_an_empty_page_even_if_total_pages_says_more():
    fetch = fake_server({page_url(1): {"total_pages": 5, "contents": []}})
    assert list(read_hsds(BASE, fetch=fetch, per_page=2)) == []
    assert fetch.calls == [page_url(1)]


@pytest.mark.parametrize(
    ("response", "message"),
    [
        (None, "Cannot fetch .*page=1.*404"),
        (TimeoutError("timed out"), "Cannot fetch .*timed out"),
        (ValueError("response larger than 50,000,000 bytes"), "larger than"),
        (b"<html>maintenance</html>", "did not return JSON"),
        ({"error": "no such endpoint"}, "did not return a page of services"),
    ],
)
def test_api_page_problems_raise_source_format_error(response, message):
    fetch = fake_server({page_url(1): response} if response is not None else {})
    with pytest.raises(SourceFormatError, match=message):
        list(read_hsds(BASE, fetch=fetch, per_page=2))


def test_api_that_ignores_the_page_parameter_is_stopped():
    same = {"total_pages": 3, "contents": [service("a"), service("b")]}
    fetch = fake_server({page_url(1): same, page_url(2): same, page_url(3): same})
    reader = read_hsds(BASE, fetch=fetch, per_page=2)
    assert [next(reader).key, next(reader).key] == ["a", "b"]
    with pytest.raises(SourceFormatError, match="page=2.* repeats the previous page"):
        next(reader)


def test_api_repeating_a_page_of_things_that_are_not_services_is_stopped_too():
    junk = {"contents": [None, "x"]}  # no ids to compare: paging went on for 10,000 pages
    fetch = fake_server({page_url(n): junk for n in range(1, 10)})
    items = []
    with pytest.raises(SourceFormatError, match="page=2.* repeats the previous page"):
        items.extend(read_hsds(BASE, fetch=fetch, per_page=2))
    assert [e.reason for e in items] == ["expected a JSON object, found NoneType"] + [
        "expected a JSON object, found str"
    ]


def test_api_page_failing_midway_raises_after_earlier_items():
    fetch = fake_server({page_url(1): {"total_pages": 2, "contents": [service("a")]}})
    reader = read_hsds(BASE, fetch=fetch, per_page=2)
    assert next(reader).key == "a"
    with pytest.raises(SourceFormatError, match="page=2"):
        next(reader)


@pytest.mark.parametrize(
    "url",
    [BASE, BASE + "/", BASE + "/services", BASE + "/services/", BASE + "/services?page=3"],
)
def test_api_base_accepts_common_spellings(url):
    assert api_base(url) == BASE


def test_default_fetch_refuses_non_http(tmp_path):
    with pytest.raises(ValueError, match="not an http"):
        fetch_url(f"file://{tmp_path}")


@pytest.fixture
def server():
    """A web server on 127.0.0.1 serving `server.routes`: path -> (status, headers, body),
    the body bytes or a list of byte strings sent one every 0.2 seconds."""
    routes = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            status, headers, body = routes[self.path]
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            for part in body if isinstance(body, list) else [body]:
                try:
                    self.wfile.write(part)
                    self.wfile.flush()
                except ConnectionError:  # the client gave up, as it should
                    return
                if isinstance(body, list):
                    time.sleep(0.2)

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield SimpleNamespace(routes=routes, url=f"http://127.0.0.1:{httpd.server_port}")
    httpd.shutdown()
    httpd.server_close()


def test_default_fetch_reads_a_body_within_the_size_limit(server):
    server.routes["/services"] = (200, {}, b"x" * 11)
    assert fetch_url(f"{server.url}/services", timeout=5, max_bytes=11) == b"x" * 11
    with pytest.raises(ValueError, match="larger than 10 bytes"):
        fetch_url(f"{server.url}/services", max_bytes=10)


def test_default_fetch_follows_redirects_to_web_urls_only(server, tmp_path):
    secret = tmp_path / "secret.json"
    secret.write_text('{"secret": true}')
    server.routes["/moved"] = (302, {"Location": "/services"}, b"")
    server.routes["/services"] = (200, {}, b"[]")
    server.routes["/to-file"] = (302, {"Location": f"file://{secret}"}, b"")
    server.routes["/to-ftp"] = (302, {"Location": "ftp://127.0.0.1/x.json"}, b"")
    assert fetch_url(f"{server.url}/moved") == b"[]"
    for path in ("/to-file", "/to-ftp"):
        with pytest.raises(OSError, match="refused|not allowed"):  # urllib's words for file:
            fetch_url(f"{server.url}{path}", timeout=5)


def test_default_fetch_gives_up_on_a_server_dripping_bytes(server):
    server.routes["/slow"] = (200, {}, [b"[", b" ", b" ", b" ", b" ", b"]"])
    with pytest.raises(ValueError, match="took more than 0.3 seconds"):
        fetch_url(f"{server.url}/slow", timeout=5, deadline=0.3)


def test_default_fetch_gives_up_on_a_silent_server():
    with socket.create_server(("127.0.0.1", 0)) as silent:  # accepts, never answers
        with pytest.raises(OSError, match="timed out"):
            fetch_url(f"http://127.0.0.1:{silent.getsockname()[1]}/services", timeout=0.3)


def test_a_refused_redirect_is_a_source_format_error_naming_the_url(server):
    server.routes["/api/services?page=1&per_page=100&full=true"] = (
        302,
        {"Location": "file:///etc/passwd"},
        b"",
    )
    with pytest.raises(SourceFormatError, match="Cannot fetch .*/api/services.*not allowed"):
        list(read_hsds(f"{server.url}/api"))
