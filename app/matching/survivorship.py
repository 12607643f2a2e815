"""Survivorship: which source's value each field of a merged service shows.

Rule, per field (documented once): among the cluster's records that have a non-empty
value for the field,

1. the source the deployment trusts most wins (`priority`: lower number first; sources
   not listed come after all listed ones);
2. then the most recently updated record (`last_modified`, ISO 8601; none counts oldest);
3. then the most complete value (more non-empty leaves, then more text);
4. then the smallest record ID, so the result never depends on input order.

Fields are the service's top-level fields, and the organisation's fields one by one
("organization.website"); a list field (phones, service_at_locations, schedules,
attributes) is taken whole from one record, so an address never pairs with another
source's coordinates. One exception: a source's rows of one service ID (CarePlace's
one row per venue, "S12@N51AR" / "S12@N169HJ") are one service at several venues, so
the winning list gains the venues of the winner's sibling rows (HSDS: one service,
several service_at_locations). The merged `last_modified` is the latest of all. `field_sources`
names, for every field, the record ID it came from.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, Protocol


class Candidate(Protocol):
    """What survivorship reads of a record (a Candidate has it; so may a lighter one)."""

    source: str
    record_id: str
    last_modified: str | None
    service: Mapping[str, Any] | None


_SKIPPED = frozenset({"id", "organization_id"})
_UNLISTED = 1_000_000


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _completeness(value: Any) -> tuple[int, int]:
    """(non-empty leaves, characters of text) of a value, nested or not."""
    if isinstance(value, Mapping):
        parts = [_completeness(item) for item in value.values()]
    elif isinstance(value, list):
        parts = [_completeness(item) for item in value]
    else:
        return (0, 0) if _is_empty(value) else (1, len(str(value)))
    return sum(p[0] for p in parts), sum(p[1] for p in parts)


def _best(
    candidates: Sequence[tuple[Candidate, Any]], priority: Mapping[str, int]
) -> tuple[Candidate, Any]:
    """The winning (record, value) by the module's rule. Completeness is measured only
    among the records priority and recency leave tied (it walks the whole value)."""

    def standing(item: tuple[Candidate, Any]) -> tuple[int, float]:
        record = item[0]
        return priority.get(record.source, _UNLISTED), -_timestamp(record.last_modified)

    first = min(standing(item) for item in candidates)
    tied = [item for item in candidates if standing(item) == first]
    if len(tied) == 1:
        return tied[0]

    def rank(item: tuple[Candidate, Any]) -> tuple[Any, ...]:
        leaves, chars = _completeness(item[1])
        return (-leaves, -chars, item[0].record_id)

    return min(tied, key=rank)


@lru_cache(maxsize=4096)
def _timestamp(text: str | None) -> float:
    """Seconds since the epoch of an ISO 8601 date or time (UTC if no zone); unreadable or
    missing dates count as oldest."""
    if not text:
        return float("-inf")
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return float("-inf")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def _choose(
    records: Sequence[Candidate],
    priority: Mapping[str, int],
    values: Sequence[Any],
) -> tuple[Candidate, Any] | None:
    candidates = [(r, v) for r, v in zip(records, values, strict=True) if not _is_empty(v)]
    return _best(candidates, priority) if candidates else None


def _service_id(record: Candidate) -> str:
    """The source's own service ID: the key before "@" (CarePlace's per-venue rows)."""
    return record.record_id[len(record.source) + 1 :].partition("@")[0]


def _with_sibling_venues(
    winner: Candidate, chosen: list[Any], records: Sequence[Candidate]
) -> list[Any]:
    """`chosen` plus the venues of the winner's other rows of the same service ID."""
    service_id = _service_id(winner)
    out = list(chosen)
    for record in sorted(records, key=lambda r: r.record_id):
        if record is winner or record.source != winner.source:
            continue
        if _service_id(record) != service_id:
            continue
        for link in (record.service or {}).get("service_at_locations") or []:
            if link not in out:
                out.append(link)
    return out


def survive(
    records: Sequence[Candidate], priority: Mapping[str, int]
) -> tuple[dict[str, Any], dict[str, str]]:
    """Merge a cluster's service dicts field by field: (merged_fields, field_sources)."""
    if any(record.service is None for record in records):
        raise ValueError("survive() needs records built with keep_service=True")
    services = [record.service or {} for record in records]
    merged: dict[str, Any] = {}
    sources: dict[str, str] = {}
    fields = sorted({name for service in services for name in service} - _SKIPPED)
    for name in fields:
        if name in ("organization", "last_modified"):
            continue
        chosen = _choose(records, priority, [service.get(name) for service in services])
        if chosen:
            merged[name], sources[name] = chosen[1], chosen[0].record_id
            if name == "service_at_locations":
                merged[name] = _with_sibling_venues(chosen[0], chosen[1], records)
    organizations = [service.get("organization") or {} for service in services]
    org_fields = sorted({name for org in organizations for name in org} - _SKIPPED)
    merged_org: dict[str, Any] = {}
    for name in org_fields:
        chosen = _choose(records, priority, [org.get(name) for org in organizations])
        if chosen:
            merged_org[name], sources[f"organization.{name}"] = chosen[1], chosen[0].record_id
    if merged_org:
        merged["organization"] = merged_org
    dated = [r for r in records if r.last_modified]
    if dated:
        latest = min(dated, key=lambda r: (-_timestamp(r.last_modified), r.record_id))
        merged["last_modified"] = latest.service.get("last_modified")  # type: ignore[union-attr]
        sources["last_modified"] = latest.record_id
    return merged, sources
