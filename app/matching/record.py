"""MatchRecord: what the matcher knows about one source record, already normalised.

Built once per record from its normalised HSDS service dict (`MatchRecord.from_service`),
so pair scoring compares ready-made strings and sets instead of re-parsing source text
millions of times. Contact details are gathered from every level HSDS allows them at
(service, organization, service_at_location, location, contact): sources put the same
phone number at different levels.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from html import unescape
from typing import Any

from app.matching.geo import Point
from app.matching.names import (
    activity_core,
    activity_name,
    distinctive_words,
    name_boroughs,
    normalise_name,
)
from app.records.normalise.emails import normalise_email
from app.records.normalise.phones import normalise_phone
from app.records.normalise.postcodes import normalise_postcode, postcode_district
from app.records.normalise.urls import url_host

# Mail providers shared by unrelated groups: their domain says nothing about who writes.
FREE_MAIL_DOMAINS = frozenset(
    "gmail.com googlemail.com hotmail.com hotmail.co.uk outlook.com live.com live.co.uk "
    "yahoo.com yahoo.co.uk btinternet.com aol.com icloud.com me.com mail.com protonmail.com "
    "sky.com talktalk.net virginmedia.com ntlworld.com".split()
)
_DIGITS_RE = re.compile(r"[^0-9]")
_WORD_RE = re.compile(r"[a-z0-9]+")
_DESCRIPTION_CHARS = 400


@dataclass(slots=True)
class MatchRecord:
    """One source record in matchable form. Fields after `service` are derived."""

    source: str
    key: str
    name: str  # normalised service name
    organization: str = ""  # normalised organisation name, "" when the source gives none
    alternate_names: tuple[str, ...] = ()  # the service's other names
    org_alternate_names: tuple[str, ...] = ()
    phones: frozenset[str] = frozenset()  # national digits, "02079460018"
    emails: frozenset[str] = frozenset()  # lower case
    website: str | None = None  # host without "www."
    charity_numbers: frozenset[str] = frozenset()
    company_numbers: frozenset[str] = frozenset()
    points: tuple[Point, ...] = ()
    location_names: frozenset[str] = frozenset()  # normalised venue names
    postcodes: frozenset[str] = frozenset()
    districts: frozenset[str] = frozenset()
    description: str = ""  # lower-case words of its start (up to 80)
    taxonomy: frozenset[str] = frozenset()  # lower-case term names
    last_modified: str | None = None
    service: Mapping[str, Any] | None = field(default=None, repr=False, compare=False)
    record_id: str = field(init=False)
    domains: frozenset[str] = field(init=False)
    contact_keys: frozenset[tuple[str, str]] = field(init=False)  # ("phone", "0207...")
    activity: str = field(init=False)
    activity_core: str = field(init=False)
    activity_words: frozenset[str] = field(init=False)
    full_name: str = field(init=False)
    boroughs: frozenset[str] = field(init=False)
    org_boroughs: frozenset[str] = field(init=False)
    org_words: frozenset[str] = field(init=False)
    name_words: frozenset[str] = field(init=False)
    service_id: str = field(init=False)  # the source's own service ID (before "@")
    named_after_org: bool = field(init=False)  # the service name is its organisation's
    numbers: frozenset[str] = field(init=False)  # "thrift store 4" -> {"4"}

    def __post_init__(self) -> None:
        """Derive the comparison forms every pair score needs."""
        self.record_id = f"{self.source}/{self.key}"
        mail_domains = {email.rpartition("@")[2] for email in self.emails}
        self.domains = frozenset(
            ({self.website} if self.website else set()) | (mail_domains - FREE_MAIL_DOMAINS)
        )
        self.contact_keys = frozenset(
            (kind, value)
            for kind, values in (
                ("phone", self.phones),
                ("email", self.emails),
                ("domain", self.domains),
                ("charity_number", self.charity_numbers),
                ("company_number", self.company_numbers),
            )
            for value in values
        )
        self.activity = activity_name(self.name, self.organization)
        self.activity_core = activity_core(self.activity)
        self.activity_words = distinctive_words(self.activity)
        words = dict.fromkeys((self.organization + " " + self.activity).split())
        self.full_name = " ".join(words)  # organisation + what, without "at <venue>"
        self.boroughs = name_boroughs(self.full_name)
        self.org_boroughs = name_boroughs(self.organization)
        self.org_words = distinctive_words(self.organization)
        self.name_words = distinctive_words(self.full_name)
        # CarePlace keys its rows "<service ID>@<postcode or address>": one row per venue
        # of one service. Other sources key a record by its service ID alone.
        self.service_id = self.key.partition("@")[0]
        # "Healthy Start Program" by Healthy Start: the organisation's name and nothing
        # that says which of its services ("Program", "Services", "Project").
        org_words = set(self.organization.split())
        self.named_after_org = (
            bool(org_words) and org_words <= set(self.name.split()) and not self.activity_words
        )
        self.numbers = frozenset(w for w in self.name.split() if w.isdigit())

    @classmethod
    def from_service(
        cls, source: str, key: str, service: Mapping[str, Any], keep_service: bool = True
    ) -> MatchRecord:
        """Build the record from an HSDS 3.0 service dict; never raises on messy values.

        `keep_service` keeps a reference to the dict for survivorship; a benchmark or a
        caller that merges elsewhere can drop it to save memory.
        """
        organization = _mapping(service.get("organization"))
        charity, company = _identifiers(organization.get("organization_identifiers"))
        locations = [
            _mapping(sal.get("location")) for sal in _dicts(service.get("service_at_locations"))
        ]
        postcodes = frozenset(_postcodes(locations))
        name = normalise_name(_text(service.get("name")))
        org_name = normalise_name(_text(organization.get("name")))
        return cls(
            source=source,
            key=str(key),
            name=name,
            # The importer names a provider-less service's organisation after the service
            # (HSDS needs one); such a name says nothing the service name does not.
            organization="" if org_name == name else org_name,
            alternate_names=_alternates(service),
            org_alternate_names=_alternates(organization),
            phones=frozenset(_phones(service, organization)),
            emails=frozenset(_emails(service, organization)),
            website=url_host(_text(service.get("url")) or _text(organization.get("website"))),
            charity_numbers=charity,
            company_numbers=company,
            points=tuple(_points(locations)),
            location_names=frozenset(_venue_names(locations)),
            postcodes=postcodes,
            districts=frozenset(filter(None, map(postcode_district, postcodes))),
            description=_description(service.get("description")),
            taxonomy=frozenset(_taxonomy(service.get("attributes"))),
            last_modified=_text(service.get("last_modified")),
            service=service if keep_service else None,
        )

    def stored_fields(self) -> dict[str, Any]:
        """Its own fields as JSON values, so it can be stored and rebuilt cheaply
        (`from_stored_fields`) instead of normalised again from the service."""
        fields: dict[str, Any] = {name: getattr(self, name) for name in _PLAIN_FIELDS}
        fields |= {name: sorted(getattr(self, name)) for name in _SET_FIELDS}
        fields |= {name: list(getattr(self, name)) for name in _TUPLE_FIELDS}
        fields["points"] = [list(point) for point in self.points]
        return fields

    @classmethod
    def from_stored_fields(cls, fields: Mapping[str, Any]) -> MatchRecord:
        """The record `stored_fields` gave (without the service dict)."""
        return cls(
            **{name: fields[name] for name in _PLAIN_FIELDS},
            **{name: frozenset(fields[name]) for name in _SET_FIELDS},
            **{name: tuple(fields[name]) for name in _TUPLE_FIELDS},
            points=tuple((lat, lon) for lat, lon in fields["points"]),
        )


_PLAIN_FIELDS = ("source", "key", "name", "organization", "website", "description", "last_modified")
_SET_FIELDS = (
    "phones", "emails", "charity_numbers", "company_numbers", "location_names", "postcodes",
    "districts", "taxonomy",
)  # fmt: skip
_TUPLE_FIELDS = ("alternate_names", "org_alternate_names")


def _text(value: Any) -> str | None:
    """Stripped text or None; numbers from spreadsheets become text; HTML entities are
    decoded. (The normalisers that read these values ignore other stray characters, so
    the full clean_text pass is not needed here: it was a tenth of a full run's time.)"""
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    if "&" in value and ";" in value:
        value = unescape(value)
    return value.strip() or None


def _mapping(value: Any) -> Mapping[str, Any]:
    """The value if it is a dict, else an empty one: feeds put odd things in odd places."""
    return value if isinstance(value, Mapping) else {}


def _dicts(value: Any) -> list[Mapping[str, Any]]:
    """The dicts of a list field, ignoring anything else a feed put there."""
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []


def _alternates(item: Mapping[str, Any]) -> tuple[str, ...]:
    name = normalise_name(_text(item.get("alternate_name")))
    return (name,) if name else ()


def _contact_holders(
    service: Mapping[str, Any], organization: Mapping[str, Any]
) -> Iterator[Mapping[str, Any]]:
    """Every object that may carry phones or an email, at any HSDS level."""
    yield service
    yield organization
    for sal in _dicts(service.get("service_at_locations")):
        yield sal
        yield _mapping(sal.get("location"))
    for holder in (service, organization):
        yield from _dicts(holder.get("contacts"))


def _phones(service: Mapping[str, Any], organization: Mapping[str, Any]) -> Iterator[str]:
    """National digits of every phone; a number normalise_phone rejects is kept as digits
    when it is long enough to be a number at all."""
    for holder in _contact_holders(service, organization):
        for phone in _dicts(holder.get("phones")):
            number = _text(phone.get("number"))
            parsed = normalise_phone(number)
            digits = _DIGITS_RE.sub("", parsed[0] if parsed else number or "")
            if len(digits) >= 10:
                yield digits


def _emails(service: Mapping[str, Any], organization: Mapping[str, Any]) -> Iterator[str]:
    for holder in _contact_holders(service, organization):
        email = normalise_email(_text(holder.get("email")))
        if email:
            yield email.lower()


def _identifiers(value: Any) -> tuple[frozenset[str], frozenset[str]]:
    """Charity and company numbers from organization_identifiers, by type or scheme.

    Charity numbers keep their leading digits ("1012345-1" -> "1012345": a linked
    charity belongs to its parent); company numbers lose leading zeros, which
    spreadsheets drop.
    """
    charity, company = set(), set()
    for item in _dicts(value):
        kind = " ".join(
            str(item.get(name) or "") for name in ("identifier_type", "identifier_scheme")
        ).lower()
        raw = re.sub(r"[^0-9A-Za-z-]", "", str(item.get("identifier") or "")).upper()
        if not raw:
            continue
        if "charity" in kind or "gb-chc" in kind or "gb-sc" in kind or "gb-nic" in kind:
            digits = re.match(r"[A-Z]*[0-9]+", raw)
            charity.add(digits.group(0) if digits else raw)
        elif "compan" in kind or "gb-coh" in kind:
            company.add(raw.replace("-", "").lstrip("0") or raw)
    return frozenset(charity), frozenset(company)


def _points(locations: Iterable[Mapping[str, Any]]) -> Iterator[Point]:
    for location in locations:
        try:
            lat, lon = float(location.get("latitude")), float(location.get("longitude"))
        except (TypeError, ValueError):
            continue
        if -90 <= lat <= 90 and -180 <= lon <= 180 and (lat, lon) != (0.0, 0.0):
            yield lat, lon


def _venue_names(locations: Iterable[Mapping[str, Any]]) -> Iterator[str]:
    """Normalised venue names, leaving out names that are only a postcode: an importer
    names a location without address line 1 after its postcode, and such a name says
    nothing the postcode does not (it would conflict with the venue's real name)."""
    for location in locations:
        text = _text(location.get("name"))
        if text and not normalise_postcode(text):
            name = normalise_name(text)
            if name:
                yield name


def _postcodes(locations: Iterable[Mapping[str, Any]]) -> Iterator[str]:
    for location in locations:
        for address in _dicts(location.get("addresses")):
            postcode = normalise_postcode(_text(address.get("postal_code")))
            if postcode:
                yield postcode


def _description(value: Any) -> str:
    """Lower-case words of the description's start: enough to compare, cheap to keep.
    (Words only, so the full clean_text pass over long text is not needed.)"""
    if not isinstance(value, str):
        return ""
    text = unescape(value[: _DESCRIPTION_CHARS * 2]) if "&" in value else value
    return " ".join(_WORD_RE.findall(text[: _DESCRIPTION_CHARS * 2].lower())[:80])


def _taxonomy(value: Any) -> Iterator[str]:
    """Names of taxonomy terms attached as categories (attributes without a value)."""
    for attribute in _dicts(value):
        term = attribute.get("taxonomy_term") or {}
        name = _text(term.get("name")) if isinstance(term, Mapping) else None
        if name and attribute.get("value") in (None, ""):
            yield name.lower()
