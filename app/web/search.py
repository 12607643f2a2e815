"""The search page: what a browser gets at `/` (API clients get the HSDS root there).

A GET form, so every search is a URL a link worker can bookmark or send. The form's
fields carry the API's own parameter names (postcode, taxonomy_term, search, proximity,
free, age, open_on, wheelchair_accessible, referral), so the same query string also works
on `/services`. The shortlist for a social prescription travels in the query string too
(`shortlist=id,id`); with JavaScript the page keeps it in localStorage instead.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from flask import Response, current_app, make_response, redirect, render_template, request
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from app.config import whole_number
from app.db import get_read_session
from app.errors import Unprocessable
from app.models import Service
from app.search import filters as search_filters
from app.search import kept
from app.search.places import Point
from app.services.services import ServiceFilters, list_services, locate
from app.taxonomy import find_term_ids, needs
from app.web.capacity import capacity_weeks
from app.web.present import Listing, describe
from app.weekdays import WEEKDAY_NAMES

# What a person might say, and the built-in taxonomy term it means (app/taxonomy/needs.py).
NEEDS: tuple[tuple[str, str], ...] = needs.menu()
PROXIMITIES: tuple[tuple[int, str], ...] = (
    (500, "500 m"),
    (1000, "1 km"),
    (2000, "2 km"),
    (5000, "5 km"),
)
DEFAULT_PROXIMITY = 2000
WEEKDAYS = WEEKDAY_NAMES
PER_PAGE = 10
MAX_SHORTLIST = 20
SEARCH_FIELDS = ("postcode", "taxonomy_term", "search")
FILTER_FIELDS = ("free", "age", "open_on", "wheelchair_accessible", "referral", "accepting")


@dataclass
class SearchForm:
    """The form as submitted: values to show again, and a message per bad field."""

    postcode: str = ""
    taxonomy_term: str = ""
    search: str = ""
    proximity: int = DEFAULT_PROXIMITY
    free: bool = False
    age: str = ""
    open_on: str = ""
    wheelchair_accessible: bool = False
    referral: str = ""
    accepting: bool = False
    page: int = 1
    shortlist: list[str] = field(default_factory=list)
    submitted: bool = False
    errors: dict[str, str] = field(default_factory=dict)

    def query(self, **changes: Any) -> dict[str, str]:
        """The non-empty parameters of this search, for links (paging, the shortlist)."""
        values = {
            "postcode": self.postcode,
            "taxonomy_term": self.taxonomy_term,
            "search": self.search,
            "proximity": str(self.proximity) if self.submitted else "",
            "free": "true" if self.free else "",
            "age": self.age,
            "open_on": self.open_on,
            "wheelchair_accessible": "true" if self.wheelchair_accessible else "",
            "referral": self.referral,
            "accepting": "true" if self.accepting else "",
            "page": str(self.page) if self.page > 1 else "",
            "shortlist": ",".join(self.shortlist),
        }
        values.update({key: str(value) for key, value in changes.items()})
        return {
            key: value
            for key, value in values.items()
            if value and not (key == "page" and value == "1")
        }

    def url(self, fragment: str = "", **changes: Any) -> str:
        query = urlencode(self.query(**changes), safe=",:")
        return "/" + (f"?{query}" if query else "") + (f"#{fragment}" if fragment else "")

    def api_url(self) -> str:
        """The same search on the JSON API."""
        api = {k: v for k, v in self.query().items() if k not in ("page", "shortlist")}
        if self.postcode:
            api["include_area_wide"] = "true"
        return "/services" + (f"?{urlencode(api, safe=',:')}" if api else "")


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in ("true", "1", "on", "yes")


def parse_ids(values: Iterable[str], limit: int = MAX_SHORTLIST) -> list[str]:
    """Service IDs from "a,b" and repeated parameters: canonical UUIDs, each once, in
    order; anything else is dropped."""
    ids: list[str] = []
    for value in values:
        for part in (value or "").split(","):
            try:
                ident = str(uuid.UUID(part.strip()))
            except ValueError:
                continue
            if ident not in ids:
                ids.append(ident)
    return ids[:limit]


def read_form(args: MultiDict) -> SearchForm:
    """The search form from the query string, checked; empty fields count as not given."""
    text = {key: (args.get(key) or "").strip() for key in args}
    form = SearchForm(
        postcode=" ".join(text.get("postcode", "").upper().split()),
        taxonomy_term=text.get("taxonomy_term", ""),
        search=" ".join(text.get("search", "").split()),
        free=_truthy(text.get("free")),
        age=text.get("age", ""),
        open_on=text.get("open_on", "").lower(),
        wheelchair_accessible=_truthy(text.get("wheelchair_accessible")),
        referral=text.get("referral", ""),
        accepting=_truthy(text.get("accepting")),
        shortlist=parse_ids(args.getlist("shortlist")),
    )
    form.submitted = any(text.get(key) for key in SEARCH_FIELDS + FILTER_FIELDS + ("proximity",))
    _check(form, text)
    return form


def _check(form: SearchForm, text: dict[str, str]) -> None:
    errors = form.errors
    if len(form.postcode) > 10 or (form.postcode and not re.search(r"\d", form.postcode)):
        errors["postcode"] = "Enter a postcode, like NW5 1QR, or the first part of one, like NW5."
    if form.taxonomy_term and form.taxonomy_term not in dict(NEEDS):
        errors["taxonomy_term"] = "Choose a need from the list."
    if len(form.search) > 200:
        errors["search"] = "Keep the description to 200 characters or fewer."
    proximity = text.get("proximity", "")
    if proximity:
        if proximity.isdigit() and int(proximity) in dict(PROXIMITIES):
            form.proximity = int(proximity)
        else:
            errors["proximity"] = "Choose a distance from the list."
    if form.age and not (form.age.isdigit() and int(form.age) <= 130):
        errors["age"] = "Enter an age in whole years, like 72."
    if form.open_on and form.open_on not in WEEKDAYS:
        errors["open_on"] = "Choose a day of the week."
    if form.referral and form.referral != "self":
        form.referral = ""
    page = text.get("page", "1") or "1"
    if page.isdigit() and 1 <= int(page) <= 10_000:
        form.page = int(page)
    else:
        errors["page"] = "That page number is not valid."


def filters_for(form: SearchForm) -> ServiceFilters:
    return ServiceFilters(
        postcode=form.postcode or None,
        proximity=float(form.proximity) if form.postcode else None,
        # Phone, online and outreach services have no distance: the page lists those whose
        # service area covers the postcode in a section of their own.
        include_area_wide=True,
        taxonomy_term=form.taxonomy_term or None,
        search=form.search or None,
        free=form.free,
        age=int(form.age) if form.age else None,
        open_on=form.open_on or None,
        wheelchair_accessible=form.wheelchair_accessible,
        referral=form.referral or None,
        accepting=form.accepting,
        capacity_weeks=capacity_weeks(),
        review_months=whole_number(current_app.config, "SIGNPOST_REVIEW_MONTHS"),
        hide_months=whole_number(current_app.config, "SIGNPOST_HIDE_MONTHS"),
    )


@dataclass
class Results:
    listings: list[Listing]
    total: int
    page: int
    pages: int
    point: Point | None
    # Filters no service in the whole directory passes: said, so that "0 found" is not
    # read as "none near here".
    never_matching: list[str] = field(default_factory=list)

    @property
    def first_number(self) -> int:
        """The number of this page's first result, as the list and the map show it."""
        return (self.page - 1) * PER_PAGE + 1

    @property
    def nearby(self) -> list[Listing]:
        return [listing for listing in self.listings if not listing.area_wide]

    @property
    def area_wide(self) -> list[Listing]:
        return [listing for listing in self.listings if listing.area_wide]


# Messages for the fields the domain rejects (an unknown postcode, say).
DOMAIN_FIELDS = {"postcode": "postcode", "taxonomy_term": "taxonomy_term", "search": "search"}


def run_search(form: SearchForm) -> Results | None:
    """One page of results, nearest first; None with form.errors set when the domain
    rejects the search (an unknown postcode)."""
    session = get_read_session()
    filters = filters_for(form)
    try:
        page = list_services(session, filters, form.page, PER_PAGE, full=True)
        point = locate(session, filters)
    except Unprocessable as exc:
        problems = exc.errors.get("query", {})
        for name in problems or {"search": None}:
            where = DOMAIN_FIELDS.get(name, "search")
            form.errors[where] = friendly_error(name, exc.message)
        return None
    pages = -(-page.total // PER_PAGE)
    months = whole_number(current_app.config, "SIGNPOST_REVIEW_MONTHS")
    listings = [describe(service, point, review_months=months) for service in page.items]
    never = never_matching(session, form) if page.total == 0 else []
    return Results(listings, page.total, form.page, pages, point, never)


# The filters a directory may hold no data for, and what to say when it holds none.
FILTER_DATA: tuple[tuple[str, dict[str, Any], str], ...] = (
    (
        "wheelchair_accessible",
        {"wheelchair_accessible": True},
        "No service in this directory records wheelchair access yet, so that filter "
        "cannot find anything. Untick it and ask each service.",
    ),
    (
        "free",
        {"free": True},
        "No service in this directory records its cost as free yet.",
    ),
    (
        "referral",
        {"referral": "self"},
        "No service in this directory records self-referral yet.",
    ),
    (
        "open_on",
        {},
        "No service in this directory records opening days yet.",
    ),
)


def never_matching(session: Session, form: SearchForm) -> list[str]:
    """For each filter the search used that no active service anywhere passes on its
    own, a sentence saying the data has none."""
    said = []
    for name, values, sentence in FILTER_DATA:
        chosen = getattr(form, name)
        if not chosen:
            continue
        wanted = values or {name: chosen}
        if list_services(session, ServiceFilters(**wanted), 1, 1).total == 0:
            said.append(sentence)
    return said


def friendly_error(name: str, message: str) -> str:
    if name == "postcode":
        return "We could not find that postcode. Check it, or enter just the first part, like NW5."
    if name == "taxonomy_term":
        return "That need is not in this directory yet. Choose another."
    return message.split(": ", 1)[-1]


def needs_with_services(session: Session) -> tuple[tuple[str, str], ...]:
    """The menu's needs that at least one active service serves: a need that can only
    ever find nothing is not offered. Kept until the directory changes."""

    def read() -> list[str]:
        found = []
        for code, _label in NEEDS:
            term_ids = find_term_ids(session, code)
            if term_ids and session.scalar(
                select(Service.id)
                .where(Service.status == "active", search_filters.tagged(term_ids).service)
                .limit(1)
            ):
                found.append(code)
        return found

    served = set(kept.kept(session, ("needs with services",), read))
    return tuple((code, label) for code, label in NEEDS if code in served)


def shortlist_names(ids: list[str]) -> list[tuple[str, str]]:
    """(id, name) of the shortlisted services that exist, in shortlist order."""
    if not ids:
        return []
    query = select(Service.id, Service.name).where(Service.id.in_(ids))
    rows = {ident: name for ident, name in get_read_session().execute(query)}
    return [(ident, rows[ident]) for ident in ids if ident in rows]


def change_shortlist(args: MultiDict) -> Response | None:
    """Adding to or removing from the shortlist without JavaScript: a redirect to the
    same search with the new shortlist (None when the request changes nothing)."""
    if not any(key in args for key in ("add", "remove", "add_picked", "clear", "new_patient")):
        return None
    if "new_patient" in args:  # the next person starts from an empty search and list
        return redirect("/", code=303)
    form = read_form(args)
    shortlist = list(form.shortlist)
    added = parse_ids(args.getlist("add"))
    if "add_picked" in args:
        added += parse_ids(args.getlist("pick"))
    removed = set(parse_ids(args.getlist("remove")))
    shortlist = [] if "clear" in args else [i for i in shortlist if i not in removed]
    shortlist = parse_ids(shortlist + added)
    form.shortlist = shortlist
    single = (parse_ids(args.getlist("add")) or list(removed))[:1]
    fragment = f"result-{single[0]}" if single and "add_picked" not in args else "prescription"
    return redirect(form.url(fragment), code=303)


def search_page() -> Response:
    """The search form and, when one was submitted, a page of results."""
    changed = change_shortlist(request.args)
    if changed is not None:
        changed.vary.add("Accept")
        return changed
    form = read_form(request.args)
    results = run_search(form) if form.submitted and not form.errors else None
    html = render_template(
        "search/search.html",
        form=form,
        results=results,
        needs=needs_with_services(get_read_session()),
        proximities=PROXIMITIES,
        weekdays=WEEKDAYS,
        shortlist=shortlist_names(form.shortlist),
        tile_url=current_app.config["SIGNPOST_TILE_URL"],
        tile_attribution=current_app.config["SIGNPOST_TILE_ATTRIBUTION"],
    )
    response = make_response(html, 422 if form.errors else 200)
    response.vary.add("Accept")
    return response
