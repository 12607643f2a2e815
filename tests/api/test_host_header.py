"""Issue 19, L7: a forged Host header never reaches a publicly cached response.

GET / names the OpenAPI document by an absolute URL. Before, it took the host from the
request's Host header and the answer was cached publicly for a minute, so one forged
request could hand every later visitor a link to another site.
"""

from __future__ import annotations

EVIL = {"Host": "evil.example"}


def test_with_a_public_url_the_host_header_is_ignored(app, client):
    app.config["SIGNPOST_PUBLIC_URL"] = "https://directory.example.org/"
    response = client.get("/", headers=EVIL)
    assert response.status_code == 200
    assert response.get_json()["openapi_url"] == "https://directory.example.org/openapi.json"
    assert "evil.example" not in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "public, max-age=60"


def test_without_one_a_url_from_the_host_header_is_not_cached_publicly(app, client):
    app.config["SIGNPOST_PUBLIC_URL"] = ""
    response = client.get("/", headers=EVIL)
    assert response.status_code == 200
    assert response.get_json()["openapi_url"].startswith("http://evil.example/")
    assert "public" not in response.headers["Cache-Control"]


def test_the_shareable_prescription_link_follows_the_same_rule(app, client, sample):
    ids = sample[0]["id"]
    app.config["SIGNPOST_PUBLIC_URL"] = "https://directory.example.org"
    page = client.get(f"/prescription?ids={ids}", headers=EVIL)
    assert "evil.example" not in page.get_data(as_text=True)
    assert "https://directory.example.org/prescription?ids=" in page.get_data(as_text=True)
    app.config["SIGNPOST_PUBLIC_URL"] = ""
    page = client.get(f"/prescription?ids={ids}", headers=EVIL)
    assert "public" not in page.headers["Cache-Control"]
