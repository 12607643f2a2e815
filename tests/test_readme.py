"""Every example in the README answers what the README says, on the sample directory a
fresh `./scripts/serve` loads (`signpost sample` on SQLite).

The examples are read from README.md itself: each URL on http://127.0.0.1:5000 must have
an expectation below, so an example added to the README without one fails here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy.orm import sessionmaker

from app import create_app, migrate
from app.db import make_engine
from app.demo.directory import load_demo
from tests.conftest import NO_RATE_LIMITS

README = Path(__file__).resolve().parents[1] / "README.md"
EXAMPLE = re.compile(r"http://127\.0\.0\.1:5000(/[^\s'`)\"]*)?")
BROWSER = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


def names(body: dict) -> list[str]:
    return [service["name"] for service in body["contents"]]


def root(response) -> None:
    assert response.is_json and response.json["version"].startswith("3.0")


def services_page(response) -> None:
    assert response.json["total_items"] == 115
    assert len(response.json["contents"]) == response.json["size"] > 0


def walks(response) -> None:
    found = names(response.json)
    assert found and all("walk" in name.lower() for name in found[:3]), found


def near_gospel_oak(response) -> None:
    """Only what has a venue within 2 km (HSDS), nearest first: not the phone befriending
    service that covers Camden from a venue 3.1 km away."""
    contents = response.json["contents"]
    assert names(response.json)[:2] == ["Befriending Service", "Camden Befriending Service"]
    assert round(contents[0]["distance"]) == 862
    assert all("befriending" in name.lower() for name in names(response.json))
    assert all(s["distance"] <= 2000 and not s["area_wide"] for s in contents)
    assert "Telephone Befriending Camden" not in names(response.json)


def openapi(response) -> None:
    assert response.json["openapi"].startswith("3.")


def boroughs_page(response) -> None:
    assert response.mimetype == "text/html"
    # 33 boroughs, in the table of services and in the table of capacity.
    assert len(re.findall(r'<th scope="row">', response.text)) == 2 * 33


def search_page(response) -> None:
    assert response.mimetype == "text/html" and "<form" in response.text


# path and query as the README writes them -> (headers, what the answer must show)
EXPECTED: dict[str, tuple[dict, Callable]] = {
    "/": (BROWSER, search_page),
    "/services": ({}, services_page),
    "/services?search=walks": ({}, walks),
    "/services?postcode=NW5+1DE&proximity=2000&search=lonely&open_on=tuesday&free=true&age=72": (
        {},
        near_gospel_oak,
    ),
    "/boroughs": (BROWSER, boroughs_page),
    "/openapi.json": ({}, openapi),
}


def readme_examples() -> list[str]:
    found = {match.group(1) or "/" for match in EXAMPLE.finditer(README.read_text())}
    return sorted(found)


@pytest.fixture(scope="module")
def demo_client(tmp_path_factory) -> Iterator:
    """The app on a SQLite database holding exactly what `signpost sample` loads."""
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('readme') / 'signpost.db'}")
    migrate.upgrade(engine)
    load_demo(sessionmaker(bind=engine), tmp_path_factory.mktemp("sources"))
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": engine.url.render_as_string(hide_password=False),
            **NO_RATE_LIMITS,
        }
    )
    yield app.test_client()
    engine.dispose()


def test_every_readme_example_has_an_expectation():
    assert set(readme_examples()) == set(EXPECTED)


@pytest.mark.parametrize("example", readme_examples())
def test_readme_example_answers_as_documented(demo_client, example):
    headers, check = EXPECTED[example]
    parts = urlsplit(example)
    response = demo_client.get(parts.path, query_string=parts.query, headers=headers)
    assert response.status_code == 200, response.text[:300]
    check(response)


def test_plain_root_answers_the_hsds_root_to_api_clients(demo_client):
    root(demo_client.get("/"))


def test_browser_search_by_the_readme_postcode_finds_activities(demo_client):
    response = demo_client.get("/", query_string={"postcode": "EC1N 7AB"}, headers=BROWSER)
    assert response.status_code == 200
    assert "Islington befriending service" in response.text
