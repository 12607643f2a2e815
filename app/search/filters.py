"""The link worker's filters as SQL conditions, the same on both engines.

Each filter is a `Condition` with up to three forms:

- `service`: a condition on a `Service` row (correlated subqueries where needed);
- `venue`: for filters about the place and time a service runs (schedules, step-free
  access, borough), a condition on one `ServiceAtLocation` row, so a place search counts
  only the venues that qualify and measures the distance to the nearest of those;
- `ids`: for set-like filters (taxonomy terms, text), the select of the ids that pass,
  for place searches to check a venue's or service area's service_id against.

A service-level filter's `venue` is None: it says nothing about one venue over another.
The SQL is shaped so that both planners start where they should: from the spatial index,
the service area names or the text index, never from "status = active".
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, exists, false, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.sql.functions import FunctionElement

from app.models import (
    Accessibility,
    Attribute,
    CostOption,
    Language,
    Location,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from app.search.capacity import accepting_condition
from app.search.place_tables import area_index, venue_index
from app.weekdays import CODE_OF_NAME

WEEKDAYS = CODE_OF_NAME  # "monday" -> "MO"
# The place index keeps the weekdays a venue or service runs as these bits.
DAY_BITS = {day: 1 << i for i, day in enumerate(WEEKDAYS)}
REFERRAL_ROUTES: dict[str, tuple[str, ...]] = {
    "self": (
        "self-refer",
        "self refer",
        "refer yourself",
        "drop-in",
        "drop in",
        "just turn up",
        "just come along",
        "walk-in",
        "no referral",
        "no need to book",
    ),
    "gp": ("gp", "doctor", "health professional", "healthcare professional"),
    "link_worker": (
        "link worker",
        "link-worker",
        "social prescrib",
        "care navigator",
        "community navigator",
        "wellbeing coordinator",
    ),
}
STEP_FREE = ("wheelchair", "step-free", "step free", "accessible", "level access", "ramp")
NOT_STEP_FREE = (
    "not wheelchair",
    "no wheelchair",
    "not accessible",
    "inaccessible",
    "not step",
    "no step-free",
    "no step free",
    "no level access",
    "not fully",
    "partial",
)

# A venue filter's condition on a service_at_location row, given the row's columns (the
# model, an alias of it, or the venue index's columns): `id`, `service_id`, `location_id`.
VenueForm = Callable[[Any], ColumnElement[bool]]


class unindexed(FunctionElement):  # noqa: N801 (reads like the SQL function it stands for)
    """A column SQLite must not use an index for (`+column`); on PostgreSQL the column
    itself, whose planner has statistics and needs no such hint."""

    inherit_cache = True

    def __init__(self, column: ColumnElement) -> None:
        super().__init__(column)
        self.type = column.type


@compiles(unindexed)
def _unindexed(element: unindexed, compiler: Any, **kw: Any) -> str:
    return compiler.process(element.clauses.clauses[0], **kw)


@compiles(unindexed, "sqlite")
def _unindexed_sqlite(element: unindexed, compiler: Any, **kw: Any) -> str:
    return "+" + compiler.process(element.clauses.clauses[0], **kw)


@dataclass
class Condition:
    service: ColumnElement[bool]
    venue: ColumnElement[bool] | None = None
    # For set-like filters (terms, text): a select of the ids of the services that pass,
    # so that ids read from another table (a venue's, a service area's) can be checked
    # against it (hashed once) before any service row is read.
    ids: Select | None = None
    # The condition on a venue index row and on an area index row (place_index.py), for
    # the filters these can answer without reading the service row: status and the sets
    # (and, on a venue, the venue filters). The place leads those queries, so a set is
    # checked on the row's service_id, never started from.
    indexed: ColumnElement[bool] | None = None
    area_indexed: ColumnElement[bool] | None = None

    def on_venue(self) -> ColumnElement[bool]:
        """The condition on a service_at_location row joined to its service."""
        return self.venue if self.venue is not None else self.service


def _like_any(text: ColumnElement, fragments: Sequence[str]) -> ColumnElement[bool]:
    return or_(*(text.like(f"%{fragment}%") for fragment in fragments))


def _venue_condition(form: VenueForm) -> Condition:
    """A venue-level filter: its venue form (on a service_at_location row, and on a venue
    index row, whose columns are named alike), and "some venue of the service qualifies"."""
    other = aliased(ServiceAtLocation)
    service = exists().where(other.service_id == Service.id, form(other))
    return Condition(service=service, venue=form(ServiceAtLocation), indexed=form(venue_index.c))


def _set_condition(service_ids: Select) -> Condition:
    """Services whose id this select returns."""
    return Condition(
        Service.id.in_(service_ids),
        ids=service_ids,
        indexed=unindexed(venue_index.c.service_id).in_(service_ids),
        area_indexed=unindexed(area_index.c.service_id).in_(service_ids),
    )


def status(statuses: Collection[str]) -> Condition:
    # Almost every service is active, so an index on status never helps, and without
    # statistics SQLite would otherwise start every query from it.
    return Condition(
        unindexed(Service.status).in_(list(statuses)),
        indexed=unindexed(venue_index.c.status).in_(list(statuses)),
        area_indexed=unindexed(area_index.c.status).in_(list(statuses)),
    )


def organization(organization_id: str) -> Condition:
    return Condition(Service.organization_id == organization_id)


def modified_after(moment) -> Condition:
    return Condition(Service.last_modified >= moment)


def service_ids_in(ids: Select) -> Condition:
    """Services whose id the select returns (text matches, say)."""
    return _set_condition(ids)


def tagged(term_ids: Collection[str] | Select) -> Condition:
    """Services linked to any of these taxonomy terms."""
    if not isinstance(term_ids, Select) and not term_ids:
        return Condition(false())
    terms = term_ids if isinstance(term_ids, Select) else list(term_ids)
    linked = select(Attribute.link_id).where(
        Attribute.link_entity == "service", Attribute.taxonomy_term_id.in_(terms)
    )
    return _set_condition(linked)


def in_taxonomies(taxonomy_ids: Select | Collection[str]) -> Condition:
    taxonomies = taxonomy_ids if isinstance(taxonomy_ids, Select) else list(taxonomy_ids)
    return tagged(select(TaxonomyTerm.id).where(TaxonomyTerm.taxonomy_id.in_(taxonomies)))


def age(years: int) -> Condition:
    """Services a person of this age can use (a missing limit is no limit)."""
    return age_range(years, years)


def age_range(lowest: int | None, highest: int | None) -> Condition:
    """Services whose age range overlaps [lowest, highest] (ORUK minimum_age/maximum_age)."""

    def overlaps(columns: Any) -> ColumnElement[bool]:
        parts = []
        if highest is not None:
            parts.append(or_(columns.minimum_age.is_(None), columns.minimum_age <= highest))
        if lowest is not None:
            parts.append(or_(columns.maximum_age.is_(None), columns.maximum_age >= lowest))
        return and_(*parts)

    return Condition(
        overlaps(Service), indexed=overlaps(venue_index.c), area_indexed=overlaps(area_index.c)
    )


def free() -> Condition:
    """Free services: a free cost option and no fixed price (donations are voluntary), or,
    without cost options, a fee description that starts "free"."""
    option = func.lower(func.coalesce(CostOption.option, ""))
    not_donation = option.not_like("%donation%")
    is_free = or_(
        option == "free",
        func.lower(func.coalesce(CostOption.amount_description, "")).like("free%"),
        and_(CostOption.amount == 0, not_donation),
    )
    # One look at the service's cost options: 2 if one names a price, 1 if one says free,
    # 0 otherwise, NULL when there are none (then the fee description decides).
    verdict = (
        select(
            func.max(case((and_(CostOption.amount > 0, not_donation), 2), (is_free, 1), else_=0))
        )
        .where(CostOption.service_id == Service.id)
        .scalar_subquery()
    )
    fees = func.lower(func.trim(func.coalesce(Service.fees_description, "")))
    by_fees = case((or_(fees.like("free%"), fees == "nil"), 1), else_=0)
    return Condition(
        func.coalesce(verdict, by_fees) == 1,
        indexed=venue_index.c.free.is_(True),
        area_indexed=area_index.c.free.is_(True),
    )


def language(code_or_name: str) -> Condition:
    wanted = code_or_name.strip().lower()
    code = func.lower(func.coalesce(Language.code, ""))
    return Condition(
        exists().where(
            Language.service_id == Service.id,
            or_(
                code == wanted,
                code.like(f"{wanted}-%"),
                func.lower(func.coalesce(Language.name, "")) == wanted,
            ),
        )
    )


def referral(route: str) -> Condition:
    """self, gp or link_worker: from the application process text, or an attribute whose
    term is "Referral route" and whose value names the route."""
    fragments = REFERRAL_ROUTES[route]
    process = func.lower(func.coalesce(Service.application_process, ""))
    attribute = exists().where(
        Attribute.link_entity == "service",
        Attribute.link_id == Service.id,
        TaxonomyTerm.id == Attribute.taxonomy_term_id,
        func.lower(TaxonomyTerm.name) == "referral route",
        _like_any(func.lower(func.coalesce(Attribute.value, "")), fragments),
    )
    return Condition(or_(_like_any(process, fragments), attribute))


def schedule(day: str | None, time: str | None) -> Condition:
    """Runs on this weekday (byday code) and/or at this time (opens_at <= time < closes_at),
    by the service's own schedules or those of the venue (service_at_location)."""
    match = []
    if time:
        match += [Schedule.opens_at <= time, Schedule.closes_at > time]
    return _schedule_condition(day, match)


def schedule_within(day: str | None, start: str | None, end: str | None) -> Condition:
    """ORUK's `day`, `start_time` and `end_time`: a schedule that runs on this weekday,
    opens at or after `start` and closes at or before `end` (HH:MM), all on one schedule.
    Times are compared to the minute: schedules hold HH:MM or HH:MM:SS."""
    match = []
    if start:
        match.append(func.substr(Schedule.opens_at, 1, 5) >= start)
    if end:
        match.append(func.substr(Schedule.closes_at, 1, 5) <= end)
    return _schedule_condition(day, match)


def _schedule_condition(day: str | None, match: list[ColumnElement[bool]]) -> Condition:
    """A schedule matching `match` (and running on `day`), the service's own or a venue's."""
    if day:
        match = [func.upper(func.coalesce(Schedule.byday, "")).like(f"%{WEEKDAYS[day]}%"), *match]
    times = len(match) > (1 if day else 0)

    def at_venue(sal: Any) -> ColumnElement[bool]:
        # The venue's own schedules, and the service's schedules for every venue. (Written
        # with coalesce, not IS NULL, so that no index on service_at_location_id is used
        # to list every service-level schedule.)
        return or_(
            exists().where(Schedule.service_at_location_id == sal.id, *match),
            exists().where(
                Schedule.service_id == sal.service_id,
                func.coalesce(Schedule.service_at_location_id, sal.id) == sal.id,
                *match,
            ),
        )

    condition = _venue_condition(at_venue)
    if day and not times:  # the place index knows the weekdays (see place_index.py)
        condition.indexed = venue_index.c.days.op("&")(DAY_BITS[day]) != 0
        condition.area_indexed = area_index.c.days.op("&")(DAY_BITS[day]) != 0
    # The service's own schedules, or any of its venues' (no need to look at the own ones
    # again through each venue).
    venue = aliased(ServiceAtLocation)
    condition.service = or_(
        exists().where(Schedule.service_id == Service.id, *match),
        exists().where(
            venue.service_id == Service.id, Schedule.service_at_location_id == venue.id, *match
        ),
    )
    return condition


def wheelchair_accessible() -> Condition:
    """Venues whose accessibility notes say wheelchair, step-free or accessible (and do not
    say "not accessible", "no step-free access", ...)."""
    text = func.lower(
        func.coalesce(Accessibility.description, "")
        + " "
        + func.coalesce(Accessibility.details, "")
    )

    def at_venue(sal: Any) -> ColumnElement[bool]:
        return exists().where(
            Accessibility.location_id == sal.location_id,
            _like_any(text, STEP_FREE),
            ~_like_any(text, NOT_STEP_FREE),
        )

    return _venue_condition(at_venue)


def borough(name: str) -> Condition:
    """Services with a venue in this borough (location.borough, set by assign_boroughs)."""

    def at_venue(sal: Any) -> ColumnElement[bool]:
        return exists().where(Location.id == sal.location_id, Location.borough == name)

    return _venue_condition(at_venue)


def accepting(today, weeks: int) -> Condition:
    """Services whose editor says, and said recently enough, that they are taking new
    people or keeping a waiting list (app/search/capacity.py)."""
    return Condition(accepting_condition(today, weeks))
