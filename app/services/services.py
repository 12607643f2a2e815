"""Reading services and service_at_locations: filters, ordering, one page, one record.

A link worker's question ("near this postcode, for loneliness, on a weekday, free, for
someone of 72") is a `ServiceFilters`; `conditions` turns it into SQL conditions (see
app/search/filters.py) and a place search ranks the results nearest first
(app/search/nearby.py). Without a place, services are listed by text rank, then name.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import false, func, select
from sqlalchemy.orm import Session, selectinload

from app import search
from app.errors import NotFound, Unprocessable
from app.geo import UnknownPostcode, locate_postcode
from app.geo.areas import borough_names
from app.models import Service, ServiceAtLocation
from app.records.normalise.boroughs import match_borough
from app.search import filters
from app.search.capacity import EXPIRY_WEEKS
from app.search.filters import Condition
from app.search.kept import kept
from app.search.nearby import measure, rank_service_at_locations, rank_services
from app.search.places import Point
from app.search.staleness import Staleness, seen_since, unreviewed_order
from app.services.freshness import months_before
from app.services.listing import Listing
from app.services.loading import (
    service_at_location_list_options,
    service_at_location_options,
    service_full_options,
    service_list_options,
)
from app.services.paging import Page, in_order
from app.taxonomy import descendant_ids, find_term_ids
from app.taxonomy.terms import taxonomy_ids_named


@dataclass
class ServiceFilters:
    search: str | None = None
    taxonomy_term_id: str | None = None
    taxonomy_id: str | None = None
    organization_id: str | None = None
    modified_after: dt.datetime | None = None
    status: str | None = None
    # A term by code or name ("need:loneliness", "loneliness"), and a taxonomy by name.
    taxonomy_term: str | None = None
    vocabulary: str | None = None
    # Place: a postcode or outward code, or a point; proximity in metres.
    postcode: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    proximity: float | None = None
    # With a proximity, also the services with no venue whose service area covers the
    # place (phone, online, outreach), after those within reach, marked area-wide.
    include_area_wide: bool = False
    borough: str | None = None
    # Eligibility and practicalities.
    age: int | None = None
    minimum_age: int | None = None
    maximum_age: int | None = None
    free: bool = False
    open_on: str | None = None  # "monday" .. "sunday"
    open_at: str | None = None  # "HH:MM"
    # ORUK: a schedule on this day, opening at or after start_time, closing by end_time.
    day: str | None = None  # "monday" .. "sunday"
    start_time: str | None = None  # "HH:MM"
    end_time: str | None = None  # "HH:MM"
    language: str | None = None
    wheelchair_accessible: bool = False
    referral: str | None = None  # self, gp, link_worker
    # Capacity: only services currently taking new people or keeping a waiting list,
    # judged on `today` with statements holding `capacity_weeks` (SIGNPOST_CAPACITY_WEEKS).
    accepting: bool = False
    capacity_weeks: int = EXPIRY_WEEKS
    today: dt.date | None = None
    # Freshness (app/search/staleness.py): with review_months, listings not confirmed or
    # changed for that long rank below reviewed ones; with hide_months, those not for
    # that long leave the results, unless include_stale or a status or sync is asked.
    review_months: int | None = None
    hide_months: int | None = None
    include_stale: bool = False
    now: dt.datetime | None = None

    def staleness(self) -> Staleness | None:
        """The cutoffs of this search, or None when freshness does not change it."""
        # To the day, so that the kept results of a search (kept.py) last the day.
        now = (self.now or dt.datetime.now(dt.UTC)).replace(
            hour=0, minute=0, second=0, microsecond=0
        )
        review = months_before(now, self.review_months) if self.review_months else None
        hides = self.hide_months and not (self.include_stale or self.status or self.modified_after)
        hide = months_before(now, self.hide_months) if hides else None
        if review is None and hide is None:
            return None
        return Staleness(review, hide)

    def statuses(self) -> list[str] | None:
        """Active only by default; a sync client asking `modified_after` sees withdrawals too."""
        if self.status:
            return [self.status]
        return None if self.modified_after else ["active"]


def invalid(parameter: str, problem: str) -> Unprocessable:
    return Unprocessable(
        f"Invalid query parameter '{parameter}': {problem}", {"query": {parameter: [problem]}}
    )


def locate(session: Session, found: ServiceFilters) -> Point | None:
    """The point searched from, if any; an unknown postcode is a 422 naming `postcode`.
    (A postcode's point is kept between requests: link workers search the same ones.)"""
    if found.postcode:
        text = found.postcode
        place = kept(session, ("postcode", text), lambda: [_postcode_place(session, text)])[0]
        if isinstance(place, str):
            raise invalid("postcode", place)
        return place
    if found.latitude is not None and found.longitude is not None:
        return Point(found.latitude, found.longitude)
    return None


def _postcode_place(session: Session, text: str) -> Point | str:
    """The postcode's point, or the sentence saying why there is none."""
    try:
        return locate_postcode(session, text)
    except UnknownPostcode as exc:
        return str(exc)


def term_ids(session: Session, text: str, vocabulary: str | None) -> list[str]:
    """`find_term_ids`, kept between requests (a handful of needs are asked again and
    again; the generation changes whenever terms are written)."""
    key = ("terms", text, vocabulary)
    return kept(session, key, lambda: sorted(find_term_ids(session, text, vocabulary)))


def borough_named(session: Session, text: str) -> str:
    """The borough's name as locations carry it; a 422 naming `borough` if there is none."""
    known = borough_names(session)
    by_lower = {name.lower(): name for name in known}
    name = by_lower.get(" ".join(text.split()).lower()) or match_borough(text)
    if name is None or (known and name not in known):
        raise invalid("borough", f"'{text}' is not a borough we know.")
    return name


def _taxonomy_conditions(session: Session, found: ServiceFilters) -> list[Condition]:
    result = []
    if found.taxonomy_term_id:
        result.append(filters.tagged(descendant_ids(session, [found.taxonomy_term_id])))
    if found.taxonomy_id:
        result.append(filters.in_taxonomies([found.taxonomy_id]))
    if found.vocabulary and not session.scalar(
        select(func.count()).select_from(taxonomy_ids_named(found.vocabulary).subquery())
    ):
        raise invalid("vocabulary", f"no taxonomy is called '{found.vocabulary}'.")
    if found.taxonomy_term:
        found_ids = term_ids(session, found.taxonomy_term, found.vocabulary)
        if not found_ids:
            raise invalid(
                "taxonomy_term", f"no taxonomy term has the code or name '{found.taxonomy_term}'."
            )
        result.append(filters.tagged(found_ids))
    elif found.vocabulary:
        result.append(filters.in_taxonomies(taxonomy_ids_named(found.vocabulary)))
    return result


def _practical_conditions(session: Session, found: ServiceFilters) -> list[Condition]:
    result = []
    if found.borough:
        result.append(filters.borough(borough_named(session, found.borough)))
    if found.age is not None:
        result.append(filters.age(found.age))
    if found.minimum_age is not None or found.maximum_age is not None:
        result.append(filters.age_range(found.minimum_age, found.maximum_age))
    if found.free:
        result.append(filters.free())
    if found.open_on or found.open_at:
        result.append(filters.schedule(found.open_on, found.open_at))
    if found.day or found.start_time or found.end_time:
        result.append(filters.schedule_within(found.day, found.start_time, found.end_time))
    if found.language:
        result.append(filters.language(found.language))
    if found.wheelchair_accessible:
        result.append(filters.wheelchair_accessible())
    if found.referral:
        result.append(filters.referral(found.referral))
    if found.accepting:
        today = found.today or dt.date.today()
        result.append(filters.accepting(today, found.capacity_weeks))
    return result


def conditions(session: Session, found: ServiceFilters, ranked: bool = False):
    """(conditions, ranked text matches or None) for the filters.

    With `ranked`, a text search is returned as a subquery of (service_id, rank) to join
    and order by, instead of as a condition; a place search orders by distance and takes
    the text as one more condition."""
    result: list[Condition] = []
    if statuses := found.statuses():
        result.append(filters.status(statuses))
    if found.organization_id:
        result.append(filters.organization(found.organization_id))
    if found.modified_after:
        result.append(filters.modified_after(found.modified_after))
    result += _taxonomy_conditions(session, found)
    result += _practical_conditions(session, found)
    matches = None
    if found.search:
        terms = search.search_words(session, found.search)
        if terms is None:
            result.append(Condition(false()))
        elif ranked:
            matches = search.ranked_matches(session, terms).subquery()
        else:
            result.append(filters.service_ids_in(search.matching_ids(session, terms)))
    return result, matches


def fresh_terms(found: ServiceFilters) -> tuple[list, list]:
    """(conditions, order terms) of freshness for the list paths without a place: the
    hidden ones left out, unreviewed ones after the reviewed of the same rank."""
    staleness = found.staleness()
    if staleness is None:
        return [], []
    where = [seen_since(staleness.hide_before)] if staleness.hide_before else []
    return where, unreviewed_order(staleness.review_before)


def filter_service_ids(session: Session, found: ServiceFilters):
    """A select of the ids of matching services, in list order (text rank, unreviewed
    after reviewed, then name)."""
    where, matches = conditions(session, found, ranked=True)
    fresh, later = fresh_terms(found)
    query = select(Service.id).where(*(c.service for c in where), *fresh)
    if matches is not None:
        return query.join(matches, matches.c.service_id == Service.id).order_by(
            matches.c.rank, *later, Service.name, Service.id
        )
    return query.order_by(*later, Service.name, Service.id)


def service_listing(session: Session, found: ServiceFilters, full: bool = False) -> Listing:
    """The services the filters find, in list order (nearest first for a place search)."""
    options = service_full_options() if full else service_list_options()

    def load(ids: list[str]) -> list[Service]:
        rows = session.scalars(select(Service).where(Service.id.in_(ids)).options(*options))
        return in_order(list(rows), ids)

    point = locate(session, found)
    if point is not None:
        where, _ = conditions(session, found)
        hits = rank_services(
            session, point, found.proximity, where, found.include_area_wide, found.staleness()
        )
        return Listing(
            session, load, hits=hits, measure=lambda w: measure(session, point, where, w)
        )
    return Listing(session, load, ids=filter_service_ids(session, found), kept=bool(found.search))


def list_services(
    session: Session, found: ServiceFilters, page: int, per_page: int, full: bool = False
) -> Page[Service]:
    return service_listing(session, found, full).page(page, per_page)


def get_service(session: Session, service_id: str) -> Service:
    service = session.scalars(
        select(Service).where(Service.id == service_id).options(*service_full_options())
    ).one_or_none()
    if service is None:
        raise NotFound(f"No service with id '{service_id}'.")
    return service


def service_at_location_listing(
    session: Session, found: ServiceFilters, full: bool = False
) -> Listing:
    """The service_at_locations of the services the filters find, in list order."""
    options = _sal_full_options() if full else service_at_location_list_options()

    def load(page_ids: list[str]) -> list[ServiceAtLocation]:
        query = select(ServiceAtLocation).where(ServiceAtLocation.id.in_(page_ids))
        return in_order(list(session.scalars(query.options(*options))), page_ids)

    point = locate(session, found)
    if point is not None:
        where, _ = conditions(session, found)
        hits = rank_service_at_locations(
            session, point, found.proximity, where, found.include_area_wide, found.staleness()
        )
        return Listing(
            session,
            load,
            hits=hits,
            measure=lambda w: measure(session, point, where, w, "service_at_location_id"),
        )
    where, matches = conditions(session, found, ranked=True)
    fresh, later = fresh_terms(found)
    ids = (
        select(ServiceAtLocation.id)
        .join(Service, Service.id == ServiceAtLocation.service_id)
        .where(*(c.on_venue() for c in where), *fresh)
    )
    order = [*later, Service.name, ServiceAtLocation.id]
    if matches is not None:
        ids = ids.join(matches, matches.c.service_id == Service.id)
        return Listing(session, load, ids=ids.order_by(matches.c.rank, *order), kept=True)
    return Listing(session, load, ids=ids.order_by(*order))


def list_service_at_locations(
    session: Session, found: ServiceFilters, page: int, per_page: int, full: bool = False
) -> Page[ServiceAtLocation]:
    return service_at_location_listing(session, found, full).page(page, per_page)


def _sal_full_options() -> list:
    """A service_at_location with everything of its own and its location, and its full
    service (without the service's other locations)."""
    service = selectinload(ServiceAtLocation.service)
    return service_at_location_options() + service_full_options(service, with_locations=False)


def get_service_at_location(session: Session, sal_id: str) -> ServiceAtLocation:
    options = _sal_full_options()
    sal = session.scalars(
        select(ServiceAtLocation).where(ServiceAtLocation.id == sal_id).options(*options)
    ).one_or_none()
    if sal is None:
        raise NotFound(f"No service_at_location with id '{sal_id}'.")
    return sal
