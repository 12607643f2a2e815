"""Fixtures for search tests: small borough polygons, a few postcodes, and a way to write
made-up services at given points (published and indexed like the sample)."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from app.demo.sample import load_services
from app.geo import assign_boroughs, load_areas, load_postcodes
from importers.readers.postcodes import read_postcodes

AREAS = Path(__file__).resolve().parents[1] / "data" / "areas"
NAMESPACE = uuid.UUID("0b8c2c55-6f43-4f7e-bd1c-5c9d39a1d2e0")


def ident(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


def make_service(
    name: str,
    latitude: float | None = None,
    longitude: float | None = None,
    *,
    terms: tuple[str, ...] = (),
    areas: tuple[str, ...] = (),
    schedules: list[dict] | None = None,
    accessibility: tuple[str, ...] = (),
    cost: str | None = None,
    languages: tuple[str, ...] = (),
    **fields: Any,
) -> dict[str, Any]:
    """An HSDS service dict with stable ids: one venue at the point (if given)."""
    sid = ident("service", name)
    service: dict[str, Any] = {"id": sid, "name": name, "status": "active", **fields}
    if latitude is not None:
        location = {
            "id": ident("location", name),
            "location_type": "physical",
            "name": f"{name} venue",
            "latitude": latitude,
            "longitude": longitude,
            "accessibility": [
                {"id": ident("accessibility", name, text), "description": text}
                for text in accessibility
            ],
        }
        service["service_at_locations"] = [
            {
                "id": ident("sal", name),
                "location": location,
                "schedules": [
                    {"id": ident("schedule", name, str(i)), **schedule}
                    for i, schedule in enumerate(schedules or [])
                ],
            }
        ]
    else:  # no venue: the schedules are the service's own
        service["schedules"] = [
            {"id": ident("schedule", name, str(i)), **schedule}
            for i, schedule in enumerate(schedules or [])
        ]
    service["service_areas"] = [{"id": ident("area", name, a), "name": a} for a in areas]
    service["attributes"] = [
        {
            "id": ident("attribute", name, term),
            "taxonomy_term": {
                "id": ident("term", term),
                "name": term,
                "taxonomy": "Test categories",
            },
        }
        for term in terms
    ]
    if cost is not None:
        service["cost_options"] = [
            {"id": ident("cost", name), "option": cost, "amount": 0 if cost == "Free" else 5}
        ]
    service["languages"] = [
        {"id": ident("language", name, code), "code": code} for code in languages
    ]
    return service


@pytest.fixture
def publish(session):
    """publish(*service dicts): write and index them, committed for the app to see."""

    def publish_services(*services: dict[str, Any]) -> list[dict[str, Any]]:
        load_services(session, list(services))
        session.commit()
        return list(services)

    return publish_services


@pytest.fixture
def boroughs(session) -> list[str]:
    """Four small rectangular "boroughs" around the sample services (tests/data/areas)."""
    loaded = load_areas(session, AREAS / "boroughs.geojson").loaded
    assign_boroughs(session)
    session.commit()
    return loaded


@pytest.fixture
def postcodes(session) -> int:
    count = load_postcodes(session, read_postcodes(AREAS / "postcodes.csv"))
    session.commit()
    return count


@pytest.fixture
def london(sample, boroughs, postcodes) -> list[dict]:
    """The sample services, with boroughs and postcodes to search from."""
    return sample
