"""Sync for consumers: a mirror re-fetching GET /services/{id} gets a 304 with no body when
the service has not changed since its copy (ETag or date), and the new body when it has."""

import datetime as dt
from email.utils import format_datetime

from sqlalchemy import update

from app.models import Service


def test_a_service_has_an_etag_and_last_modified(client, sample):
    response = client.get(f"/services/{sample[0]['id']}")
    assert response.status_code == 200
    assert response.headers["ETag"].startswith('"')
    last_modified = dt.datetime.fromisoformat(response.get_json()["last_modified"])
    assert response.last_modified == last_modified.replace(microsecond=0)


def test_the_same_etag_gets_a_304_with_no_body(client, sample):
    url = f"/services/{sample[0]['id']}"
    etag = client.get(url).headers["ETag"]
    response = client.get(url, headers={"If-None-Match": etag})
    assert (response.status_code, response.data) == (304, b"")
    assert response.headers["ETag"] == etag
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_another_etag_gets_the_body(client, sample):
    response = client.get(f"/services/{sample[0]['id']}", headers={"If-None-Match": '"stale"'})
    assert response.status_code == 200
    assert response.get_json()["id"] == sample[0]["id"]


def test_if_modified_since_gets_a_304_until_the_service_changes(client, session, sample):
    url = f"/services/{sample[0]['id']}"
    since = client.get(url).headers["Last-Modified"]
    assert client.get(url, headers={"If-Modified-Since": since}).status_code == 304
    later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    session.execute(
        update(Service).where(Service.id == sample[0]["id"]).values(last_modified=later)
    )
    session.commit()
    response = client.get(url, headers={"If-Modified-Since": since})
    assert response.status_code == 200
    assert response.headers["Last-Modified"] == format_datetime(later.replace(microsecond=0), True)


def test_a_changed_service_gets_a_new_etag(client, session, sample):
    url = f"/services/{sample[0]['id']}"
    etag = client.get(url).headers["ETag"]
    session.execute(update(Service).where(Service.id == sample[0]["id"]).values(name="Renamed"))
    session.commit()
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert response.headers["ETag"] != etag


def test_unknown_services_are_still_a_404(client, sample):
    response = client.get(
        "/services/00000000-0000-0000-0000-000000000000", headers={"If-None-Match": "*"}
    )
    assert response.status_code == 404
