"""/dumps/: the page a data user downloads from, the JSON index a harvester reads, and the
files themselves, which a mirror re-fetches only when they have changed."""

import json

import pytest

from app.export import FORMATS, export_all
from tests.export.conftest import CAMDEN_ATTRIBUTION


@pytest.fixture
def dumps(app, tmp_path):
    folder = tmp_path / "dumps"
    app.config["SIGNPOST_DUMPS_DIR"] = str(folder)
    return folder


@pytest.fixture
def written(dumps, planted, session, settings):
    return export_all(session, dumps, settings)


def get(client, url, **headers):
    """GET, reading and closing the response (a file response holds the file open)."""
    with client.get(url, headers=headers) as response:
        response.get_data()
        return response


def test_the_page_lists_each_dump_with_what_a_user_needs_to_choose(client, written):
    page = get(client, "/dumps/").get_data(as_text=True)
    for dump in written:
        assert f'href="/dumps/{dump["name"]}"' in page
        assert f'href="/dumps/{dump["meta"]}"' in page
        assert dump["title"] in page
    assert "6 services" in page and "6 service at locations" in page
    assert "2026-01-05T09:00:00+00:00" in page
    assert "OGL-UK-3.0" in page and "CC-BY-4.0" in page
    assert CAMDEN_ATTRIBUTION in page
    assert 'href="/dumps/index.json"' in page


def test_the_page_says_when_there_are_no_dumps_yet(client, dumps):
    response = get(client, "/dumps/")
    assert response.status_code == 200
    assert "signpost export --all" in response.get_data(as_text=True)


def test_the_index_lists_every_dump(client, written):
    response = get(client, "/dumps/index.json")
    index = json.loads(response.get_data())
    assert [dump["name"] for dump in index["dumps"]] == [f.filename for f in FORMATS.values()]
    assert {"size", "records", "generated", "licences", "sources"} <= set(index["dumps"][0])


def test_a_dump_is_served_with_its_type_etag_and_last_modified(client, written, dumps):
    response = get(client, "/dumps/signpost-services.geojson")
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    assert response.get_data() == (dumps / "signpost-services.geojson").read_bytes()
    assert response.headers["ETag"] and response.headers["Last-Modified"]


@pytest.mark.parametrize("name", ["signpost-hsds-datapackage.zip", "signpost-services.csv"])
def test_an_unchanged_dump_is_not_sent_again(client, written, name):
    first = get(client, f"/dumps/{name}")
    again = get(client, f"/dumps/{name}", **{"If-None-Match": first.headers["ETag"]})
    assert (again.status_code, again.get_data()) == (304, b"")
    since = get(client, f"/dumps/{name}", **{"If-Modified-Since": first.headers["Last-Modified"]})
    assert (since.status_code, since.get_data()) == (304, b"")


def test_a_rewritten_dump_is_sent_again(client, written, dumps):
    first = get(client, "/dumps/signpost-services.json")
    path = dumps / "signpost-services.json"
    path.write_text(path.read_text() + " ")
    again = get(client, "/dumps/signpost-services.json", **{"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200


@pytest.mark.parametrize(
    "name", ["secret.txt", "..%2Fdumps.json", "%2Fetc%2Fpasswd", ".signpost-services.csv.1.tmp"]
)
def test_only_files_the_index_lists_are_served(client, written, dumps, name):
    (dumps / "secret.txt").write_text("not a dump")
    response = get(client, f"/dumps/{name}")
    assert response.status_code == 404
    assert response.get_json()["code"] == 404


def test_no_index_yet_is_a_404(client, dumps):
    response = get(client, "/dumps/index.json")
    assert response.status_code == 404
    assert "signpost export --all" in response.get_json()["message"]
