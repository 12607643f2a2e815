"""The part of staging a record that needs no database, done ahead by an import's worker.

After prepare_record the pipeline locates every location, leaves out attributes naming
terms the database lacks, links the built-in terms the source's categories mean, hashes
the service (so an unchanged record is skipped), gives every object its stable ID, and
stores the raw payload and the service as JSON. Only two of those steps read the
database: a postcode look-up for a location without a usable point of its own, and the
check of an attribute that names a term by `taxonomy_term_id` alone. The worker process
finishes every record needing neither (most of a large file), exactly as the pipeline
would (tests/importers/test_worker.py holds the two equal), so the importing process,
the import's bottleneck, only compares hashes and writes. It finishes the rest itself.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from app.records.ids import assign_ids
from app.records.json_text import JSONText
from app.taxonomy.mapping import category_terms
from importers.pipeline.geocode import needs_postcode_lookup, use_given_point
from importers.pipeline.prepare import Prepared
from importers.readers.record import Record

Data = dict[str, Any]
MAPPED_TERMS = 2  # built-in terms linked per source category, best first


@dataclass(frozen=True)
class Finishing:
    """Which import the records are finished for: IDs derive from the source's name.
    `unchanged`: key -> content hash of the source's active records (`active_hashes`); a
    record that still hashes the same will be skipped, so it is not given IDs or JSON."""

    source: str
    keep_ids: bool
    unchanged: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)


@dataclass
class Finished:
    """What finishing made of a record: its service (in `record.prepared`) has its IDs."""

    source: str  # the Finishing's (not all of it: the unchanged hashes stay in the worker)
    keep_ids: bool
    digest: str  # content_hash of the service before IDs were given
    # The raw payload and the service (with its IDs) as source_record stores them; None
    # for a record unchanged when the import began: the import gives its IDs if need be.
    raw: JSONText | None
    record: JSONText | None
    mapped_terms: bool  # links built-in terms, which the import must make sure exist


def finish_record(record: Record, finishing: Finishing, categories: dict[str, list[str]]) -> None:
    """Finish a prepared record that needs no database, in place (`record.finished`);
    leave any other as it is. `categories` caches category text -> built-in term IDs."""
    prepared = record.prepared
    if not isinstance(prepared, Prepared) or needs_database(prepared.service):
        return
    service = prepared.service
    for location in locations(service):
        use_given_point(location, prepared.warnings)
    mapped = add_mapped_categories(service, lambda name: cached_terms(categories, name))
    digest = content_hash(service)
    if finishing.unchanged.get(record.key) == digest:
        record.finished = Finished(finishing.source, finishing.keep_ids, digest, None, None, mapped)
        return
    assign_ids(service, finishing.source, record.key, finishing.keep_ids)
    raw, stored = JSONText(json.dumps(record.raw)), JSONText(json.dumps(service))
    record.finished = Finished(finishing.source, finishing.keep_ids, digest, raw, stored, mapped)


def needs_database(service: Data) -> bool:
    """A location to find by its postcode, or a term named by ID alone to check."""
    if any(needs_postcode_lookup(location) for location in locations(service)):
        return True
    return any(
        bare_term_id(attribute)
        for holder in attribute_holders(service)
        for attribute in holder.get("attributes") or []
    )


def bare_term_id(attribute: Data) -> str | None:
    """The `taxonomy_term_id` of an attribute that names its term by ID alone (whether
    the term exists is the database's to say)."""
    if attribute.get("taxonomy_term"):
        return None
    return attribute.get("taxonomy_term_id") or None


def locations(service: Data) -> Iterator[Data]:
    for sal in service.get("service_at_locations") or []:
        if sal.get("location"):
            yield sal["location"]


def attribute_holders(service: Data) -> list[Data]:
    """The service, its service_at_locations and their locations: what may carry the
    attributes an import checks."""
    sals = service.get("service_at_locations") or []
    return [service, *sals, *locations(service)]


def add_mapped_categories(service: Data, terms_of: Callable[[str], list[str]]) -> bool:
    """Link the service to the built-in social prescribing terms its source's own
    categories mean ("Befriending & social contact" -> befriending, loneliness), so the
    need filters find it; the source's categories stay as they are too. Whether any was."""
    mapped: list[str] = []
    for attribute in service.get("attributes") or []:
        term = attribute.get("taxonomy_term") or {}
        if attribute.get("value") or not term.get("name"):
            continue  # a field kept as an attribute, not a category
        mapped += [t for t in terms_of(term["name"]) if t not in mapped]
    service.setdefault("attributes", [])
    service["attributes"] += [
        {"taxonomy_term_id": term_id, "link_type": "mapped_category"} for term_id in mapped
    ]
    return bool(mapped)


def content_hash(service: Data) -> str:
    return hashlib.sha256(json.dumps(service, sort_keys=True, default=str).encode()).hexdigest()


def cached_terms(categories: dict[str, list[str]], name: str) -> list[str]:
    """The built-in terms a category names (the best MAPPED_TERMS), through `categories`:
    an import meets the same few categories on every row. The caller makes sure the
    built-in terms exist."""
    if name not in categories:
        categories[name] = category_terms(name)[:MAPPED_TERMS]
    return categories[name]
