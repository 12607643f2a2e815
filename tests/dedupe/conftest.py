"""Listings of London services as three overlapping sources give them, imported through
the pipeline (which runs deduplication at the end of each import)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from importers.pipeline.run import SourceSpec, run_import
from importers.readers.record import Record

CAREPLACE = SourceSpec(name="careplace-camden", format="careplace", title="CarePlace", priority=10)
LVSC = SourceSpec(name="lvsc-map", format="lvsc", title="LVSC map", priority=50)
COUNCIL = SourceSpec(name="camden-council", format="csv", title="Camden Council", priority=30)


def listing(
    name: str,
    organization: str,
    *,
    venue: str = "Parliament Hill Café",
    postcode: str = "NW5 1QR",
    point: tuple[float, float] = (51.5588, -0.1517),
    phone: str | None = "020 7946 0101",
    description: str = "A gentle led walk for all abilities, with tea afterwards.",
    email: str | None = None,
    modified: str = "2026-10-01",
) -> dict[str, Any]:
    service: dict[str, Any] = {
        "name": name,
        "description": description,
        "organization": {"name": organization, "description": ""},
        "last_modified": modified,
        "service_at_locations": [
            {
                "location": {
                    "name": venue,
                    "latitude": point[0],
                    "longitude": point[1],
                    "addresses": [
                        {
                            "address_1": venue,
                            "city": "London",
                            "postal_code": postcode,
                            "country": "GB",
                            "state_province": "",
                        }
                    ],
                }
            }
        ],
    }
    if phone:
        service["phones"] = [{"number": phone}]
    if email:
        service["email"] = email
    return service


HEATH_WALK = listing("Hampstead Heath Health Walk", "Camden Health Walks")
HEATH_WALK_LVSC = listing(
    "Hampstead Heath Health Walk", "Camden Health Walks", phone="02079460101",
    description="Gentle led walk for all abilities, tea afterwards.", modified="2026-11-01",
)  # fmt: skip
SHED = listing(
    "Kentish Town Men's Shed", "Kentish Town Shed CIC", venue="Kentish Town Community Centre",
    postcode="NW5 2AA", point=(51.5503, -0.1406), phone="020 7946 0555",
    description="Woodwork, repairs and a cuppa for men over 50.",
)  # fmt: skip


def records(*items: tuple[str, dict[str, Any]]) -> list[Record]:
    return [
        Record(key=key, position=f"record {n}", raw={"key": key}, service=copy.deepcopy(service))
        for n, (key, service) in enumerate(items, start=1)
    ]


@pytest.fixture
def load(session):
    """Import `items` as `spec`'s full export, commit, return the report."""

    def run(spec: SourceSpec, *items: tuple[str, dict[str, Any]], **kwargs):
        report = run_import(session, spec, records(*items), **kwargs)
        session.commit()
        return report

    return run
