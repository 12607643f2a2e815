"""Search reflects how fresh a listing is (issue #22, item 3).

A listing is *unreviewed* when nobody has confirmed or changed it since `review_before`
(SIGNPOST_REVIEW_MONTHS, 12, ago: the same rule as the review cycle's reminders, the
later of last_modified and assured_date), and *hidden* when not since `hide_before`
(SIGNPOST_HIDE_MONTHS, 24). Unreviewed listings rank below reviewed ones of similar
relevance (the same text rank) or distance (a reviewed one up to `DISTANCE_PENALTY`
metres further comes first); hidden ones leave default results, and stay reachable by
ID and in the dumps.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, case, not_, or_, select
from sqlalchemy.orm import Session

from app.chunks import chunks
from app.models import Service, ServiceAtLocation

# How much further away a reviewed listing may be and still come first: "similar
# distance" for a walk to an activity.
DISTANCE_PENALTY = 500.0
IN_CHUNK = 1000


def not_seen_since(moment: dt.datetime) -> ColumnElement[bool]:
    """Services neither changed nor confirmed since `moment`."""
    return and_(
        Service.last_modified < moment,
        or_(Service.assured_date.is_(None), Service.assured_date < moment.date().isoformat()),
    )


def seen_since(moment: dt.datetime) -> ColumnElement[bool]:
    return not_(not_seen_since(moment))


def unreviewed_order(review_before: dt.datetime | None) -> list[ColumnElement]:
    """ORDER BY terms putting unreviewed services after the others (none without a cutoff)."""
    if review_before is None:
        return []
    return [case((not_seen_since(review_before), 1), else_=0)]


@dataclass(frozen=True)
class Staleness:
    review_before: dt.datetime | None = None
    hide_before: dt.datetime | None = None

    def classify(
        self, session: Session, ids: Collection[str], venues: bool = False
    ) -> tuple[set, set]:
        """(unreviewed ids, hidden ids) among these services (with `venues`: among these
        service_at_locations, by their service)."""
        unreviewed: set[str] = set()
        hidden: set[str] = set()
        if self.review_before is None and self.hide_before is None:
            return unreviewed, hidden
        key = ServiceAtLocation.id if venues else Service.id
        columns = [key]
        if self.review_before is not None:
            columns.append(case((not_seen_since(self.review_before), True), else_=False))
        if self.hide_before is not None:
            columns.append(case((not_seen_since(self.hide_before), True), else_=False))
        for chunk in chunks(sorted(ids), IN_CHUNK):
            query = select(*columns).where(key.in_(chunk))
            if venues:
                query = query.join(Service, Service.id == ServiceAtLocation.service_id)
            for row in session.execute(query):
                flags = list(row[1:])
                if self.review_before is not None and flags.pop(0):
                    unreviewed.add(row[0])
                if self.hide_before is not None and flags.pop(0):
                    hidden.add(row[0])
        return unreviewed, hidden


def demoted(
    within: dict[str, float], names: dict[str, str], unreviewed: set[str]
) -> list[tuple[str, float]]:
    """(id, distance) nearest first, an unreviewed one ranked as if DISTANCE_PENALTY
    metres further; ties by name then id (the same order on every engine)."""
    ordered = sorted(
        (d + (DISTANCE_PENALTY if i in unreviewed else 0.0), names.get(i, ""), i, d)
        for i, d in within.items()
    )
    return [(ident, distance) for _, _, ident, distance in ordered]
