"""What real directories do (issue #18), through the database: `run_import` then the
deduplication it runs, read back as published services and their locations."""

from __future__ import annotations

from sqlalchemy import select

from app.models import Location, ServiceAtLocation, SourceRecord
from tests.dedupe.conftest import CAREPLACE, COUNCIL, listing


def services_by_key(session) -> dict[str, str]:
    rows = session.execute(select(SourceRecord.key, SourceRecord.service_id))
    return {key: str(service_id) for key, service_id in rows}


def venues_of(session, service_id: str) -> list[str]:
    return sorted(
        session.scalars(
            select(Location.name)
            .join(ServiceAtLocation, ServiceAtLocation.location_id == Location.id)
            .where(ServiceAtLocation.service_id == service_id)
        )
    )


def test_one_source_id_at_two_postcodes_is_one_service_with_two_locations(session, load):
    # CarePlace's one row per venue: the same service ID, two venues kilometres apart.
    text = "Bring your knitting or learn from others. Free, all welcome."
    highbury = listing("Knit and natter", "Highbury Crafters", venue="Highbury Library",
                       postcode="N5 1AR", point=(51.5530, -0.0990), description=text)  # fmt: skip
    clissold = listing("Knit and natter", "Highbury Crafters", venue="Clissold House",
                       postcode="N16 9HJ", point=(51.5610, -0.0880), description=text)  # fmt: skip

    load(CAREPLACE, ("S12@N51AR", highbury), ("S12@N169HJ", clissold))

    services = services_by_key(session)
    assert services["S12@N51AR"] == services["S12@N169HJ"]
    assert venues_of(session, services["S12@N51AR"]) == ["Clissold House", "Highbury Library"]


def test_numbered_shops_of_one_chain_stay_separate_services(session, load):
    # Everything but the number and the street is the chain's.
    def shop(number: int, point: tuple[float, float], postcode: str) -> dict:
        return listing(f"Charity shop #{number}", "Bright Horizons", venue="Bright Horizons shops",
                       postcode=postcode, point=point, phone="020 7946 0500",
                       email="shops@brighthorizons.org.uk",
                       description="Second-hand clothes, books and furniture.")  # fmt: skip

    load(CAREPLACE, ("B1", shop(1, (51.5530, -0.0990), "N5 1AR")),
         ("B4", shop(4, (51.5532, -0.0992), "N5 1AR")))  # fmt: skip
    load(COUNCIL, ("c1", shop(1, (51.5530, -0.0990), "N5 1AR")),
         ("c4", shop(4, (51.5532, -0.0992), "N5 1AR")))  # fmt: skip

    services = services_by_key(session)
    assert services["B1"] == services["c1"]
    assert services["B4"] == services["c4"]
    assert services["B1"] != services["B4"]
