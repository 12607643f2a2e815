"""How fresh a listing is, in words a link worker can weigh: "Confirmed 3 months ago"
from a provider's confirmation; "Not yet confirmed by the provider" when a source only
sent it, so an import this morning never looks fresher than a confirmation last year."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.models import Service


@dataclass(frozen=True)
class Freshness:
    text: str  # "Confirmed 2 months ago"
    iso: str  # "2026-09-01", for <time datetime>
    stale: bool  # worth checking before referring: over a year old, or never confirmed
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


def freshness(service: Service, today: dt.date | None = None) -> Freshness | None:
    """ "Confirmed 3 months ago" from assured_date. Without one, last_modified is only when
    a source last sent the record, which says nothing about whether anyone checked it:
    "Not yet confirmed by the provider", never fresher-looking than a confirmation."""
    today = today or dt.date.today()
    assured = _date(service.assured_date)
    if assured is not None:
        days = (today - assured).days
        when = ago(days) if days >= 0 else f"on {assured.day} {assured:%B %Y}"
        return Freshness(f"Confirmed {when}", assured.isoformat(), days > 365)
    if service.last_modified is not None:
        listed = service.last_modified.date()
        days = (today - listed).days
        when = f", listed {ago(days)}" if days >= 0 else ""
        return Freshness(
            f"Not yet confirmed by the provider{when}", listed.isoformat(), True, confirmed=False
        )
    return None
