"""The sample services plus what the pages need: the built-in taxonomy, a few postcodes,
a phone-only service (area-wide), boroughs on the venues and sources for provenance."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import update

from app.demo.sample import load_services
from app.models import Location, Postcode, Source, SourceRecord, stable_id
from app.taxonomy import ensure_builtin_taxonomy

HAMPSTEAD_WALK = "87d846e3-3283-5ca3-a5c3-17296fa95d8c"
REGENTS_PARK_WALK = "c8cc5fc9-e719-5d30-958a-ae77d5042c0b"
KNIT_AND_NATTER = "ddf04c75-7e66-5ca0-b971-05abd64292fa"
MENS_SHED = "24066cdb-a420-5e1b-90b4-9b1fdde3e02c"
DEBT_ADVICE = "22be5919-8e9c-5906-8c46-a861c255fe8e"
PHONE_BEFRIENDING = stable_id("test", "phone befriending")
LONELINESS_TERM = "ad0cfcad-dd12-538d-ade0-a4601f43f413"

# Real postcode centroids (Code-Point Open), near the sample venues.
POSTCODES = [
    ("NW3 2QG", "NW3", 51.5560, -0.1560),  # 500 m from Parliament Hill
    ("NW1 4HR", "NW1", 51.532279, -0.145793),  # near Regent's Park
    ("E1 5HF", "E1", 51.520691, -0.068498),  # Whitechapel
]
BOROUGHS = {
    "Parliament Hill Café": "Camden",
    "Regent's Park Hub": "Camden",
    "Islington Mind Centre": "Islington",
    "The Shed, Dalston": "Hackney",
    "Citizens Advice Whitechapel": "Tower Hamlets",
    "Southwark Carers Hub": "Southwark",
    "Loughborough Farm": "Lambeth",
}


def phone_befriending() -> dict:
    ident = PHONE_BEFRIENDING
    return {
        "id": ident,
        "name": "Telephone Befriending",
        "status": "active",
        "description": "A friendly phone call every week from the same volunteer.",
        "organization": {
            "id": stable_id("test", "age uk london"),
            "name": "Age UK London",
            "description": "Older people's charity.",
        },
        "fees_description": "Free",
        "application_process": "Self-refer by phone, or ask a link worker to refer you.",
        "minimum_age": 60,
        "phones": [{"id": stable_id(ident, "phone"), "number": "020 7946 0999"}],
        "service_areas": [{"id": stable_id(ident, "area"), "name": "phone"}],
        "attributes": [
            {
                "id": stable_id(ident, "attribute"),
                "taxonomy_term": {
                    "id": LONELINESS_TERM,
                    "name": "Loneliness and isolation",
                    "description": "Loneliness and isolation",
                    "taxonomy": "Signpost sample categories",
                },
            }
        ],
    }


@pytest.fixture
def directory(session, sample):
    """The sample, the phone service, the built-in taxonomy, postcodes, boroughs, sources."""
    ensure_builtin_taxonomy(session)
    load_services(session, [phone_befriending()])
    for postcode, district, latitude, longitude in POSTCODES:
        session.add(
            Postcode(postcode=postcode, district=district, latitude=latitude, longitude=longitude)
        )
    for name, borough in BOROUGHS.items():
        session.execute(update(Location).where(Location.name == name).values(borough=borough))
    add_sources(session)
    session.commit()
    return sample


def add_sources(session) -> None:
    now = dt.datetime(2026, 9, 1, tzinfo=dt.UTC)
    for name, title in [
        ("careplace-camden", "CarePlace (Camden)"),
        ("lvsc-social-prescribing-map", "the LVSC social prescribing map"),
    ]:
        source = Source(id=stable_id("source", name), name=name, title=title, format="csv")
        source.priority = 10 if name.startswith("careplace") else 20
        session.add(source)
        session.add(
            SourceRecord(
                id=stable_id("record", name),
                source_id=source.id,
                key="walk-1",
                raw={},
                record={},
                content_hash="0" * 64,
                service_id=HAMPSTEAD_WALK,
                first_seen_at=now,
                last_seen_at=now,
                updated_at=now,
            )
        )
    session.flush()


def page(client, url: str, **headers) -> tuple[int, str]:
    """GET a page as a browser would; (status, body)."""
    headers.setdefault("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
    response = client.get(url, headers=headers)
    return response.status_code, response.get_data(as_text=True)
