"""How fresh a listing is, in words a link worker can weigh: "Confirmed 3 months ago"
from a provider's confirmation, "Updated ..." from a person's change, "Imported ...; not
confirmed by the organisation" when a source only sent it (so an import this morning
never looks fresher than a confirmation last year), and "Not confirmed since MONTH YEAR"
past the review period."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.models import Service
from app.services.freshness import REVIEW_MONTHS, months_before


@dataclass(frozen=True)
class Freshness:
    text: str  # "Confirmed 2 months ago"
    iso: str  # "2026-09-01", for <time datetime>
    stale: bool  # worth checking before referring: past the review period, or only imported
    confirmed: bool = True  # False: only imported, nobody has confirmed the details


def ago(days: int) -> str:
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 14:
        return f"{days} days ago"
    if days < 60:
        return f"{days // 7} weeks ago"
    if days < 365:
        months = days // 30
        return f"{months} month{'s' if months != 1 else ''} ago"
    years = days // 365
    return f"{years} year{'s' if years != 1 else ''} ago"


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((value or "").strip()[:10])
    except ValueError:
        return None


PEOPLE = ("account:", "review-link:")  # metadata.updated_by of a person's change


def person_changed(service: Service) -> dt.date | None:
    """The day a person (an editor, a moderator, a review link) last changed the listing,
    from its history; None for a listing only ever imported."""
    days = [
        entry.last_action_date.date()
        for entry in getattr(service, "metadata_entries", None) or []
        if (entry.updated_by or "").startswith(PEOPLE) and entry.last_action_date is not None
    ]
    return max(days, default=None)


def freshness(
    service: Service, today: dt.date | None = None, review_months: int = REVIEW_MONTHS
) -> Freshness | None:
    """How fresh the listing is, for a link worker deciding whether to trust it.

    Past the review period (nobody has confirmed or changed it for `review_months`, the
    review cycle's rule): "Not confirmed since March 2025". Otherwise "Confirmed 3
    months ago" from assured_date, or "Updated ..." when a person changed it since. An
    import alone never reads as a confirmation ("Imported 2 days ago; not confirmed by
    the organisation", flagged), so it cannot look fresher than a provider's word."""
    today = today or dt.date.today()
    assured = _date(service.assured_date)
    modified = service.last_modified.date() if service.last_modified is not None else None
    seen = max((day for day in (assured, modified) if day is not None), default=None)
    if seen is None:
        return None
    cutoff = months_before(dt.datetime(today.year, today.month, today.day), review_months)
    if seen < cutoff.date():
        return Freshness(
            f"Not confirmed since {seen:%B %Y}", seen.isoformat(), True, assured is not None
        )
    changed = person_changed(service)
    if assured is not None and (changed is None or assured >= changed):
        verb, day, note, confirmed = "Confirmed", assured, "", True
    elif changed is not None:
        verb, day, note, confirmed = "Updated", changed, "", True
    else:
        verb, day, note, confirmed = (
            "Imported",
            modified,
            "; not confirmed by the organisation",
            False,
        )
    days = (today - day).days
    when = ago(days) if days >= 0 else f"on {day.day} {day:%B %Y}"
    return Freshness(f"{verb} {when}{note}", day.isoformat(), not confirmed, confirmed)
