"""Where a dump's data came from: each service's source records, and so the sources,
licences and attributions the dump must name.

Only names, keys, titles, licences and attributions are read here; a source record's raw
payload never leaves the database in a dump.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.export.base import ExportSettings
from app.models import Source, SourceRecord

OWN_SOURCE_NAME = "signpost"
# Licence id -> (title, URL), for the datapackage `licenses` and the dump metadata.
KNOWN_LICENCES = {
    "OGL-UK-3.0": (
        "Open Government Licence v3.0",
        "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
    ),
    "CC-BY-4.0": (
        "Creative Commons Attribution 4.0",
        "https://creativecommons.org/licenses/by/4.0/",
    ),
    "CC-BY-SA-4.0": (
        "Creative Commons Attribution-ShareAlike 4.0",
        "https://creativecommons.org/licenses/by-sa/4.0/",
    ),
    "CC0-1.0": ("CC0 1.0 Universal", "https://creativecommons.org/publicdomain/zero/1.0/"),
    "ODbL-1.0": (
        "Open Data Commons Open Database License 1.0",
        "https://opendatacommons.org/licenses/odbl/1-0/",
    ),
    "PDDL-1.0": (
        "Open Data Commons Public Domain Dedication and License 1.0",
        "https://opendatacommons.org/licenses/pddl/1-0/",
    ),
}


@dataclass(frozen=True)
class SourceInfo:
    name: str
    title: str | None
    url: str | None
    licence: str | None
    attribution: str | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def own_source(settings: ExportSettings) -> SourceInfo:
    """Signpost itself, the source of every service no import contributed to."""
    return SourceInfo(
        name=OWN_SOURCE_NAME,
        title="Signpost",
        url=settings.public_url,
        licence=settings.data_licence,
        attribution="Signpost, London community services directory",
    )


class Provenance:
    """Collects, batch by batch, the source records of the services a dump contains."""

    def __init__(self, settings: ExportSettings) -> None:
        self.own = own_source(settings)
        self.sources: dict[str, SourceInfo] = {}
        self.has_own_data = False

    def records_for(self, session: Session, service_ids: Sequence[str]) -> dict[str, list[dict]]:
        """Service id -> its source records as {source, source_title, key, licence}."""
        rows = session.execute(
            select(
                SourceRecord.service_id,
                SourceRecord.key,
                Source.name,
                Source.title,
                Source.url,
                Source.licence,
                Source.attribution,
            )
            .join(Source, Source.id == SourceRecord.source_id)
            .where(SourceRecord.service_id.in_(service_ids))
            .order_by(Source.name, SourceRecord.key)
        )
        by_service: dict[str, list[dict]] = {service_id: [] for service_id in service_ids}
        for row in rows:
            self.add(SourceInfo(row.name, row.title, row.url, row.licence, row.attribution))
            by_service[row.service_id].append(
                {
                    "source": row.name,
                    "source_title": row.title,
                    "key": row.key,
                    "licence": row.licence,
                }
            )
        if any(not records for records in by_service.values()):
            self.has_own_data = True
        return by_service

    def add(self, source: SourceInfo) -> None:
        self.sources.setdefault(source.name, source)

    def contributing(self) -> list[SourceInfo]:
        """Every source whose data the dump contains, Signpost's own first."""
        own = [self.own] if self.has_own_data else []
        return own + sorted(self.sources.values(), key=lambda source: source.name)

    def metadata(self) -> dict[str, Any]:
        sources = self.contributing()
        return {
            "licences": licences_of(source.licence for source in sources),
            "attribution": attribution_of(sources),
            "sources": [source.as_dict() for source in sources],
            "notes": (
                "Only services whose source records all come from redistributable sources "
                f"are included. Services with no source record are Signpost's own data, "
                f"licensed {self.own.licence}."
            ),
        }


def licences_of(licences: Iterable[str | None]) -> list[dict[str, str]]:
    """Distinct licences as datapackage `licenses` entries: {name, title[, path]}."""
    result: dict[str, dict[str, str]] = {}
    for licence in licences:
        text = (licence or "").strip() or "unspecified"
        name = licence_name(text)
        if name in result:
            continue
        title, path = KNOWN_LICENCES.get(text, (text, ""))
        if text == "unspecified":
            title = "Licence not stated by the source"
        result[name] = {"name": name, "title": title} | ({"path": path} if path else {})
    return list(result.values())


def licence_name(text: str) -> str:
    """A licence id fit for a datapackage `licenses` name (letters, digits, . _ -)."""
    if text in KNOWN_LICENCES:
        return text
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-") or "unspecified"


def attribution_of(sources: Iterable[SourceInfo]) -> str:
    """One line crediting every source, as a licence's attribution clause asks."""
    return "; ".join(source.attribution or source.title or source.name for source in sources)
