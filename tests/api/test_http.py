"""Headers and endpoints every deployment relies on: security headers, CORS, health, limits."""

import json
import logging


def test_security_headers_on_every_response(client):
    for path in ["/", "/services", "/no/such/page"]:
        headers = client.get(path).headers
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_cors_is_open_for_reading_only(client):
    assert client.get("/services").headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Origin" not in client.post("/services", json={}).headers


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
