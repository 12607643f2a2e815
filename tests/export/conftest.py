"""A directory with provenance: the sample services, one of them also listed by an openly
licensed council directory, plus data that must never reach a dump: a service from a
"not for redistribution" source, a sample service merged with a record of that source,
a private contact (with a phone), and raw source payloads."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.demo.sample import load_services
from app.export import ExportSettings, export_dump
from app.models import Contact, Phone, Source, SourceRecord, stable_id

NOW = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
PUBLIC_URL = "https://signpost.example.org"
CAMDEN_ATTRIBUTION = "Contains Camden Council data, licensed under CC BY 4.0"


@dataclass
class Planted:
    """What the fixture added, by name, for tests to look for (or not find)."""

    walk: dict  # a sample service also listed by Camden's open directory
    merged: dict  # a sample service merged with a record of the closed source
    secret_service_id: str
    secret_term_id: str
    private_contact_id: str
    private_phone_id: str
    never_in_a_dump = (
        "Secret Lunch Club",
        "Secret category",
        "Jo Private",
        "jo.private@example.net",
        "07700 900123",
        "RAW-PAYLOAD-OPEN",
        "RAW-PAYLOAD-CLOSED",
    )


def add_source(session, name, *, licence, redistributable, attribution=None) -> Source:
    source = Source(
        id=stable_id("source", name),
        name=name,
        title=name.replace("-", " ").title(),
        url=f"https://{name}.example.org/",
        licence=licence,
        attribution=attribution,
        redistributable=redistributable,
    )
    session.add(source)
    return source


def add_record(session, source: Source, key: str, service: dict, marker: str) -> None:
    session.add(
        SourceRecord(
            id=stable_id(source.name, key),
            source_id=source.id,
            key=key,
            raw={"name": service["name"], "note": marker},
            record={"name": service["name"], "note": marker},
            content_hash="0" * 64,
            service_id=service["id"],
            organization_id=(service.get("organization") or {}).get("id"),
            first_seen_at=NOW,
            last_seen_at=NOW,
            updated_at=NOW,
        )
    )


def secret_service(location: dict) -> dict:
    """A service only a closed directory lists, at a place an open service also uses."""
    return {
        "id": stable_id("test", "secret-service"),
        "name": "Secret Lunch Club",
        "status": "active",
        "organization": {
            "id": stable_id("test", "secret-org"),
            "name": "Secret Lunch Club CIC",
            "description": "Not for redistribution",
        },
        "phones": [{"id": stable_id("test", "secret-phone"), "number": "020 7946 0999"}],
        "service_at_locations": [
            {
                "id": stable_id("test", "secret-sal"),
                "location": location,
                "schedules": [{"id": stable_id("test", "secret-schedule"), "byday": "FR"}],
            }
        ],
        "attributes": [
            {
                "id": stable_id("test", "secret-attribute"),
                "taxonomy_term": {
                    "id": stable_id("test", "secret-term"),
                    "name": "Secret category",
                    "description": "Secret category",
                    "taxonomy": "Secret taxonomy",
                },
            }
        ],
    }


@pytest.fixture
def planted(session, sample) -> Planted:
    walk, merged = sample[0], sample[1]
    secret = secret_service(walk["service_at_locations"][0]["location"])
    load_services(session, [secret])
    camden = add_source(
        session,
        "camden-directory",
        licence="CC-BY-4.0",
        redistributable=True,
        attribution=CAMDEN_ATTRIBUTION,
    )
    closed = add_source(
        session, "closed-directory", licence="not for redistribution", redistributable=False
    )
    session.flush()
    add_record(session, camden, "C-1", walk, "RAW-PAYLOAD-OPEN")
    add_record(session, closed, "X-1", secret, "RAW-PAYLOAD-CLOSED")
    add_record(session, closed, "X-2", merged, "RAW-PAYLOAD-CLOSED")
    private = Contact(
        id=stable_id("test", "private-contact"),
        service_id=walk["id"],
        name="Jo Private",
        email="jo.private@example.net",
        is_public=False,
    )
    phone = Phone(
        id=stable_id("test", "private-phone"),
        service_id=walk["id"],
        contact_id=private.id,
        number="07700 900123",
    )
    session.add(private)
    session.flush()
    session.add(phone)
    session.commit()
    return Planted(
        walk=walk,
        merged=merged,
        secret_service_id=secret["id"],
        secret_term_id=stable_id("test", "secret-term"),
        private_contact_id=private.id,
        private_phone_id=phone.id,
    )


@pytest.fixture
def settings() -> ExportSettings:
    return ExportSettings(public_url=PUBLIC_URL, generated=NOW)


@pytest.fixture
def export(session, settings, tmp_path):
    """export(format) -> the path of that dump of the fixture's database."""

    def run(format_name: str, **changes) -> Path:
        path = tmp_path / f"dump-{format_name}"
        for name, value in changes.items():
            setattr(settings, name, value)
        export_dump(session, format_name, path, settings)
        return path

    return run


def dump_text(path: Path) -> str:
    """Everything a dump (and its .meta.json) says, as text; a zip's members joined."""
    text = Path(f"{path}.meta.json").read_text()
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            return text + "".join(archive.read(name).decode() for name in archive.namelist())
    return text + path.read_text()


def read_meta(path: Path) -> dict:
    return json.loads(Path(f"{path}.meta.json").read_text())
