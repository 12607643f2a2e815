"""Small HSDS service dicts and MatchRecords for the matching tests.

`service(...)` writes a service the way an importer hands it over (raw phone and postcode
text, nested organisation and location), so tests go through MatchRecord.from_service
exactly as the pipeline will.
"""

from __future__ import annotations

from typing import Any

from app.matching import MatchRecord

# Places in Islington and Camden, a few hundred metres to a few kilometres apart.
HIGHBURY_FIELDS = (51.5490, -0.1030)
HIGHBURY_FIELDS_PIN = (51.5505, -0.1018)  # the same park, pin dropped ~190 m away
CLISSOLD_PARK = (51.5615, -0.0880)  # ~1.7 km from Highbury Fields
CAMDEN_TOWN = (51.5390, -0.1426)  # ~3 km west
ISLINGTON_CENTRE = (51.5362, -0.1030)  # ~1.4 km south


def service(
    name: str,
    org: str | None = None,
    *,
    phone: str | None = None,
    email: str | None = None,
    website: str | None = None,
    charity: str | None = None,
    point: tuple[float, float] | None = None,
    postcode: str | None = None,
    venue: str | None = None,
    description: str | None = None,
    terms: tuple[str, ...] = (),
    modified: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """An HSDS 3.0 service dict with only the fields given."""
    result: dict[str, Any] = {"name": name, **extra}
    result["organization"] = _organization(org, website, charity)
    if phone:
        result["phones"] = [{"number": phone}]
    for field, value in (
        ("email", email),
        ("description", description),
        ("last_modified", modified),
    ):
        if value:
            result[field] = value
    location = _location(point, postcode, venue)
    if location:
        result["service_at_locations"] = [{"location": location}]
    if terms:
        result["attributes"] = [{"taxonomy_term": {"name": term}} for term in terms]
    return result


def _organization(name: str | None, website: str | None, charity: str | None) -> dict[str, Any]:
    organization: dict[str, Any] = {}
    if name:
        organization["name"] = name
    if website:
        organization["website"] = website
    if charity:
        organization["organization_identifiers"] = [
            {
                "identifier_scheme": "GB-CHC",
                "identifier_type": "Charity Number",
                "identifier": charity,
            }
        ]
    return organization


def _location(
    point: tuple[float, float] | None, postcode: str | None, venue: str | None
) -> dict[str, Any]:
    location: dict[str, Any] = {}
    if point:
        location["latitude"], location["longitude"] = point
    if postcode:
        location["addresses"] = [{"address_1": "1 High Street", "postal_code": postcode}]
    if venue:
        location["name"] = venue
    return location


def record(source: str, key: str, name: str, org: str | None = None, **fields: Any) -> MatchRecord:
    """A MatchRecord built from `service(name, org, **fields)`."""
    return MatchRecord.from_service(source, key, service(name, org, **fields))


def walking_group(source: str, key: str, **overrides: Any) -> MatchRecord:
    """Friends of Highbury Fields' walking group, as one source lists it."""
    fields: dict[str, Any] = {
        "phone": "020 7946 0018",
        "point": HIGHBURY_FIELDS,
        "postcode": "N5 1AR",
        "description": "A friendly, gentle walk around Highbury Fields for all abilities, "
        "every Tuesday at 10am. Free, no need to book.",
    }
    fields.update(overrides)
    name = fields.pop("name", "Walking group")
    org = fields.pop("org", "Friends of Highbury Fields")
    return record(source, key, name, org, **fields)
