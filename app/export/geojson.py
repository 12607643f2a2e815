"""GeoJSON (RFC 7946) of where services run: one Point Feature per service_at_location
whose location has coordinates, so QGIS or any web map opens it as it is.

Coordinates are [longitude, latitude] in WGS 84 with no `crs` member (RFC 7946). The
licences and attribution are foreign members of the FeatureCollection, written after
the features so the file streams; the .meta.json beside it says the same.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from app.export.base import ExportSettings, WriteResult
from app.export.provenance import Provenance
from app.export.selection import id_batches
from app.export.serialise import load_services
from app.export.summary import (
    Row,
    address_line,
    has_point,
    main_address,
    one,
    sorted_sals,
    summary_plan,
    term_names,
)

COLLECTION_NAME = "signpost-services"


def write_geojson(session: Session, path: Path, settings: ExportSettings) -> WriteResult:
    provenance = Provenance(settings)
    count = 0
    with path.open("w", encoding="utf-8") as out:
        out.write(f'{{"type":"FeatureCollection","name":"{COLLECTION_NAME}","features":[')
        for ids in id_batches(session, settings.batch_size):
            provenance.records_for(session, ids)
            for service in load_services(session, ids, summary_plan()):
                for sal in sorted_sals(service):
                    location = one(sal, "location")
                    if not has_point(location):
                        continue
                    out.write(",\n" if count else "\n")
                    out.write(encode(feature(service, sal, location, settings)))
                    count += 1
            settings.progress(len(ids))
        metadata = provenance.metadata()
        tail = {"licences": metadata["licences"], "attribution": metadata["attribution"]}
        out.write("\n],")
        out.write(encode(tail)[1:])  # tail's members, then the collection's closing brace
        out.write("\n")
    return WriteResult(count, metadata)


def feature(service: Row, sal: Row, location: Row, settings: ExportSettings) -> dict[str, Any]:
    address = main_address(location)
    organization = one(service, "organization")
    return {
        "type": "Feature",
        "id": sal["id"],
        "geometry": {
            "type": "Point",
            "coordinates": [round(location["longitude"], 6), round(location["latitude"], 6)],
        },
        "properties": {
            "service_id": service["id"],
            "service_name": service["name"],
            "status": service["status"],
            "organization": organization["name"] if organization else None,
            "taxonomy_terms": term_names(service),
            "location_name": location["name"],
            "address": address_line(address),
            "postcode": address["postal_code"] if address else None,
            "borough": location["borough"],
            "url": settings.service_url(service["id"]),
            "service_at_location_id": sal["id"],
        },
    }


def encode(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))
