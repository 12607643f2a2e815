"""One search interface, two backends chosen by the engine's dialect.

`sqlite.py` uses FTS5, the `location_rtree` R*Tree and Shapely; `postgis.py` uses
PostgreSQL full-text search, PostGIS geography and ST_Covers. Both expose the same
functions, and one contract test suite (tests/search/test_contract.py) runs against both.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import ModuleType

from sqlalchemy import Select
from sqlalchemy.orm import Session

from app import generation
from app.search import kept, postgis, sqlite
from app.search.places import AreaRef, Point, Venue
from app.search.suggest import Suggestion, suggest
from app.search.typos import correct_words
from app.search.words import query_words

__all__ = [
    "AreaRef",
    "Point",
    "Suggestion",
    "Venue",
    "areas_covering",
    "assign_boroughs",
    "backend",
    "index_services",
    "match_services",
    "matching_ids",
    "ranked_matches",
    "search_words",
    "suggest",
    "words",
]


def backend(session: Session) -> ModuleType:
    name = session.get_bind().dialect.name
    if name == "sqlite":
        return sqlite
    if name == "postgresql":
        return postgis
    raise RuntimeError(f"Signpost supports SQLite and PostgreSQL, not {name}.")


def words(text: str) -> list[str]:
    """The searchable words of user text (see words.query_words)."""
    return query_words(text)


def search_words(session: Session, text: str) -> list[str] | None:
    """The words to search for: those of `text`, each mistyped one corrected against the
    vocabulary when the text as typed matches nothing. None when it has no searchable word.
    """
    terms = words(text)
    if not terms:
        return None
    # Kept between requests: whether the words match anything reads every match.
    key = ("search words", *terms)
    return list(kept.kept(session, key, lambda: [tuple(_corrected(session, terms))])[0])


def _corrected(session: Session, terms: list[str]) -> list[str]:
    if not backend(session).any_match(session, terms):
        return correct_words(session, terms) or terms
    return terms


def match_services(session: Session, text: str) -> Select | None:
    """Select (service_id, rank) for services matching every word of `text`, each word as a
    prefix and in any word form (typos corrected, see search_words); rank 0 when the words
    are all in the name, else 1. None when the text has no searchable word."""
    terms = search_words(session, text)
    return backend(session).match_services(terms) if terms else None


def matching_ids(session: Session, terms: list[str]) -> Select:
    """Select service_id of the services matching every one of these words."""
    return backend(session).matching_ids(terms)


def ranked_matches(session: Session, terms: list[str]) -> Select:
    """Select (service_id, rank) of the services matching these words (see match_services)."""
    return backend(session).match_services(terms)


def index_services(session: Session, service_ids: Iterable[str]) -> None:
    """Refresh the text index rows of these services (call after writing them); the search
    generation changes when the session commits (see generation.py)."""
    backend(session).index_services(session, list(service_ids))
    generation.change_after_commit(session)


def areas_covering(session: Session, point: Point, kind: str | None = None) -> list[AreaRef]:
    """Named areas (of one kind, or any) whose polygon covers the point."""
    return backend(session).areas_covering(session, point, kind)


def assign_boroughs(session: Session, location_ids: list[str] | None = None) -> int:
    """Set location.borough from the loaded borough polygons; returns how many changed.
    (The borough filter reads it, so the search generation changes when any did.)"""
    changed = backend(session).assign_boroughs(session, location_ids)
    if changed:
        generation.change_after_commit(session)
    return changed
