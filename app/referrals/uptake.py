"""Uptake for commissioners: per service, need and borough, never per person.

Counts: referrals made; acknowledged (contacted, or an outcome, by the group); attended;
did not attend; declined, by reason (full, not eligible, could not reach); withdrawn;
still open; and the median whole days from referral to first contact. Live referrals
and the tallies retention kept of older ones count alike.

Small-number suppression (documented in docs/uptake.md, tested): a row is published only
when it counts at least 5 referrals; within it any count from 1 to 4 is shown as
suppressed ("<5" on the page, empty with `suppressed` in the CSV). Outcome cells add up
to the row's referrals, so more of them are suppressed (the smallest first) until the
suppressed cells add up to at least 5: else subtraction would give one away, or show
that "a few" people fall in two cells. The median needs 5 contacted
referrals. No totals across rows are published (a borough total minus the published
rows would reveal the rows left out).

A service's borough is that of its first venue with one; services with none count under
"Across the area".
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Location, Service, ServiceAtLocation
from app.models.referrals import Referral, ReferralTally

THRESHOLD = 5
ACROSS = "Across the area"
NO_NEED = "(not given)"
# The cells that add up to a row's referrals, in the order published.
OUTCOME_CELLS = (
    "open", "attended", "did_not_attend", "declined_full", "declined_not_eligible",
    "declined_could_not_reach", "withdrawn",
)  # fmt: skip
COLUMNS = ("referrals", "acknowledged", *OUTCOME_CELLS, "median_days_to_contact")


@dataclass
class Counts:
    cells: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    contact_days: list[int] = field(default_factory=list)

    def add(self, status: str, reason: str | None, contact_days: int | None, count: int) -> None:
        self.cells["referrals"] += count
        cell = {"new": "open", "contacted": "open"}.get(status, status)
        if status == "declined":
            cell = f"declined_{reason}"
        self.cells[cell] += count
        if contact_days is not None:
            self.cells["acknowledged"] += count
            self.contact_days.extend([contact_days] * count)


@dataclass
class UptakeRow:
    service_id: str
    service_name: str
    need: str
    borough: str
    values: dict[str, int | float | None]  # None: suppressed

    def shown(self, column: str) -> str:
        value = self.values.get(column)
        if value is None:
            return "–" if column == "median_days_to_contact" else f"<{THRESHOLD}"
        return f"{value:g}"


def boroughs_of(session: Session, service_ids: Iterable[str]) -> dict[str, str]:
    """Service id -> the borough of its first venue with one (by location name, id)."""
    ids = list(set(service_ids))
    found: dict[str, str] = {}
    if not ids:
        return found
    rows = session.execute(
        select(ServiceAtLocation.service_id, Location.borough)
        .join(Location, Location.id == ServiceAtLocation.location_id)
        .where(ServiceAtLocation.service_id.in_(ids), Location.borough.is_not(None))
        .order_by(ServiceAtLocation.service_id, Location.name, Location.id)
    )
    for service_id, borough in rows:
        found.setdefault(service_id, borough)
    return found


def contact_days(referral: Referral) -> int | None:
    return days_between(referral.created_at, referral.contacted_at)


def days_between(created: dt.datetime, contacted: dt.datetime | None) -> int | None:
    """Whole days from referral to first contact (None: not contacted)."""
    return None if contacted is None else max(0, (contacted - created).days)


def count_uptake(session: Session) -> dict[tuple[str, str, str], Counts]:
    """(service id, need, borough) -> its counts, from live referrals and tallies."""
    counts: dict[tuple[str, str, str], Counts] = defaultdict(Counts)
    live = session.execute(
        select(Referral.service_id, Referral.needs, Referral.status, Referral.reason,
               Referral.created_at, Referral.contacted_at)
    ).all()  # fmt: skip
    boroughs = boroughs_of(session, [row.service_id for row in live])
    for row in live:
        borough = boroughs.get(row.service_id, ACROSS)
        days = days_between(row.created_at, row.contacted_at)
        for need in row.needs or [NO_NEED]:
            counts[(row.service_id, need, borough)].add(row.status, row.reason, days, 1)
    for tally in session.scalars(select(ReferralTally)):
        key = (tally.service_id, tally.need or NO_NEED, tally.borough or ACROSS)
        counts[key].add(tally.status, tally.reason, tally.contact_days, tally.count)
    return counts


def suppress(counts: Counts) -> dict[str, int | float | None] | None:
    """The published values of one row (None: a suppressed cell), or None for a row
    under the threshold. See the module's docstring for the rules."""
    cells = counts.cells
    if cells["referrals"] < THRESHOLD:
        return None
    values: dict[str, int | float | None] = {
        name: (None if 0 < cells[name] < THRESHOLD else cells[name])
        for name in ("referrals", "acknowledged", *OUTCOME_CELLS)
    }
    hidden = [name for name in OUTCOME_CELLS if values[name] is None]
    # Complementary cells: hide the smallest shown non-zero cells until what is hidden
    # adds up to at least the threshold (one hidden cell is always the difference).
    while hidden and sum(cells[n] for n in hidden) < THRESHOLD:
        shown = sorted((cells[n], n) for n in OUTCOME_CELLS if values[n] is not None and cells[n])
        if not shown:
            break
        values[shown[0][1]] = None
        hidden.append(shown[0][1])
    if len(counts.contact_days) >= THRESHOLD:
        values["median_days_to_contact"] = float(statistics.median(counts.contact_days))
    else:
        values["median_days_to_contact"] = None
    return values


def uptake_rows(session: Session) -> list[UptakeRow]:
    """The published rows, by borough, service name and need."""
    counts = count_uptake(session)
    names = dict(
        session.execute(
            select(Service.id, Service.name).where(Service.id.in_({k[0] for k in counts}))
        ).all()
    )
    rows = []
    for (service_id, need, borough), row_counts in counts.items():
        values = suppress(row_counts)
        if values is not None:
            name = names.get(service_id) or "(a listing since removed)"
            rows.append(UptakeRow(service_id, name, need, borough, values))
    return sorted(rows, key=lambda r: (r.borough, r.service_name.lower(), r.need))
