"""Headers and endpoints every deployment relies on: security headers, CORS, health, limits."""

import json
import logging


def test_security_headers_on_every_response(client):
    for path in ["/", "/services", "/no/such/page"]:
        headers = client.get(path).headers
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_cors_is_open_to_other_sites_for_reads_and_writes(client):
    origin = {"Origin": "https://council.example.org"}
    read = client.get("/services", headers=origin)
    assert read.headers["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in read.headers["Access-Control-Expose-Headers"]
    assert (
        client.post("/services", json={}, headers=origin).headers["Access-Control-Allow-Origin"]
        == "*"
    )  # a write's answer (401 here) is readable too
    assert "Access-Control-Allow-Origin" not in client.get("/account/sign-in").headers


def test_cors_preflights_name_the_methods_and_headers(client):
    preflight = client.options(
        "/services",
        headers={
            "Origin": "https://council.example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type, if-none-match",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    allowed = preflight.headers["Access-Control-Allow-Headers"].lower()
    assert {"authorization", "content-type", "if-none-match"} <= set(allowed.split(", "))


def test_health_reports_database_and_migrations(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "ok",
        "database": "ok",
        "migrations": "current",
        "replica": "not configured",
        "mail_queued": 0,
        "mail_failed": 0,
        "mail_oldest_queued_at": None,
    }
    assert response.headers["Cache-Control"] == "no-store"


def test_oversized_request_bodies_are_refused(client):
    response = client.post("/services", data=b"x" * (3 * 1024 * 1024))
    assert response.status_code == 413
    assert response.get_json()["code"] == 413


def test_access_log_is_json_without_the_query_string(client, caplog):
    with caplog.at_level(logging.INFO, logger="signpost.access"):
        client.get("/services?search=NW5+1QR")
    entry = json.loads(caplog.records[-1].getMessage())
    assert entry["endpoint"] == "/services" and entry["status"] == 200
    assert "NW5" not in caplog.records[-1].getMessage()
